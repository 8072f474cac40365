import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { ErrorBanner, StatusPill } from "../components/ui.js";
import { formatAge } from "../format.js";
import { useLoader } from "../hooks.js";
import type { Schemas, Session } from "../session.js";

/** The terminal and xterm.js (about half of the console's code) load when a terminal is first opened. */
const WorkerTerminal = lazy(() =>
  import("./worker-terminal.js").then((module) => ({ default: module.WorkerTerminal })),
);

/** Lines kept on screen while following a log. */
const MAX_LINES = 2000;

/**
 * The endpoint's workers (state, GPUs, uptime), drain and stop, a live follow of one's log, and (admin
 * keys) a terminal in one.
 */
export function WorkersTab(props: { session: Session; endpointId: string }) {
  const { runfleet, canWrite } = props.session;
  const workers = useLoader((signal) => runfleet.workers.list(props.endpointId, { signal }), props.endpointId, 2000);
  const [following, setFollowing] = useState<string>();
  const [terminalIn, setTerminalIn] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const act = async (action: "drain" | "stop", workerId: string) => {
    setActionError(undefined);
    try {
      await (action === "drain"
        ? runfleet.workers.drain(props.endpointId, workerId)
        : runfleet.workers.stop(props.endpointId, workerId));
      workers.reload();
    } catch (error) {
      setActionError(error);
    }
  };
  return (
    <div className="workers">
      <ErrorBanner error={workers.error ?? actionError} />
      {workers.data?.length === 0 && <p className="muted">No workers: the endpoint is scaled to zero.</p>}
      {workers.data && workers.data.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">State</th>
              <th scope="col">Driver</th>
              <th scope="col">GPUs</th>
              <th scope="col">Up for</th>
              <th scope="col">Jobs</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {workers.data.map((w: Schemas["Worker"]) => (
              <tr key={w.id} data-worker={w.id}>
                <td className="mono">{w.id}</td>
                <td>
                  <StatusPill status={w.status} />
                  {w.reason && <div className="muted">{w.reason}</div>}
                </td>
                <td>{w.driver}</td>
                <td>{w.gpuIds.length > 0 ? w.gpuIds.join(", ") : "–"}</td>
                <td>{formatAge(w.createdAt)}</td>
                <td>{w.runningJobIds.length}</td>
                <td className="actions">
                  <button type="button" onClick={() => setFollowing(w.id)} aria-pressed={following === w.id}>
                    Follow log
                  </button>
                  {canWrite && (
                    <>
                      <button
                        type="button"
                        onClick={() => setTerminalIn(w.id)}
                        aria-pressed={terminalIn === w.id}
                        aria-label={`Terminal in ${w.id}`}
                      >
                        Terminal
                      </button>
                      <button type="button" onClick={() => act("drain", w.id)}>
                        Drain
                      </button>
                      <button type="button" className="danger" onClick={() => act("stop", w.id)}>
                        Stop
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {terminalIn && (
        <Suspense fallback={<p className="muted">Loading the terminal…</p>}>
          <WorkerTerminal
            key={terminalIn}
            session={props.session}
            endpointId={props.endpointId}
            workerId={terminalIn}
            onClose={() => setTerminalIn(undefined)}
          />
        </Suspense>
      )}
      {following && <LogFollow session={props.session} endpointId={props.endpointId} workerId={following} />}
    </div>
  );
}

function LogFollow(props: { session: Session; endpointId: string; workerId: string }) {
  const { runfleet } = props.session;
  const [lines, setLines] = useState<Schemas["WorkerLogLine"][]>([]);
  const [state, setState] = useState<"following" | "ended" | "failed">("following");
  const [error, setError] = useState<unknown>();
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const controller = new AbortController();
    setLines([]);
    setState("following");
    setError(undefined);
    // Every failure is caught inside and shown; nothing is left to reject.
    void (async () => {
      try {
        for await (const line of runfleet.workers.follow(
          props.endpointId,
          props.workerId,
          { tail: 200 },
          { signal: controller.signal },
        )) {
          setLines((all) => [...all.slice(-(MAX_LINES - 1)), line]);
        }
        setState("ended");
      } catch (failure) {
        if (!controller.signal.aborted) {
          setError(failure);
          setState("failed");
        }
      }
    })();
    return () => controller.abort();
  }, [runfleet, props.endpointId, props.workerId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll to the newest line whenever lines arrive.
  useEffect(() => {
    box.current?.scrollTo({ top: box.current.scrollHeight });
  }, [lines]);
  return (
    <section className="log" aria-labelledby="log-title">
      <h2 id="log-title">
        Log of <span className="mono">{props.workerId}</span>{" "}
        <span className="muted">
          {state === "following" ? "(following, live)" : state === "ended" ? "(worker ended)" : ""}
        </span>
      </h2>
      <ErrorBanner error={error} />
      <pre ref={box} className="code log-lines" role="log" aria-label="Worker log" data-testid="worker-log">
        {lines.map((l) => `${l.at.slice(11, 23)} ${l.stream === "stderr" ? "!" : " "} ${l.line}`).join("\n")}
      </pre>
    </section>
  );
}
