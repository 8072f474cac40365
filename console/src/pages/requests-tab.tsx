import { type FormEvent, useState } from "react";
import { ErrorBanner, Stat, StatusPill } from "../components/ui.js";
import { formatMs, json } from "../format.js";
import type { Schemas, Session } from "../session.js";

type Mode = "run" | "runsync";

/** What the last test request did. */
interface Outcome {
  jobId?: string;
  status?: Schemas["JobStatus"];
  chunks: unknown[];
  elapsedMs?: number;
}

/** Sends a test job with a JSON input, by `/run` (then follows status and stream) or `/runsync`. */
export function RequestsTab(props: { session: Session; endpointId: string }) {
  const { runfleet, key } = props.session;
  const canInvoke = key.scope !== "read";
  const [text, setText] = useState('{\n  "message": "hello from the console"\n}');
  const [mode, setMode] = useState<Mode>("run");
  const [inputError, setInputError] = useState<string>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (failure) {
      setInputError(`not valid JSON: ${(failure as Error).message}`);
      return;
    }
    setInputError(undefined);
    setError(undefined);
    setBusy(true);
    const started = performance.now();
    const endpoint = runfleet.endpoint(props.endpointId);
    try {
      if (mode === "runsync") {
        setOutcome({ chunks: [] });
        const status = await runfleet.api.POST("/v2/{endpointId}/runsync", {
          params: { path: { endpointId: props.endpointId } },
          body: { input },
        });
        if (status.error !== undefined || status.data === undefined) {
          throw new Error(status.error?.detail ?? `runsync failed with ${status.response.status}`);
        }
        setOutcome({ jobId: status.data.id, status: status.data, chunks: [], elapsedMs: performance.now() - started });
      } else {
        const job = await endpoint.run(input);
        const chunks: unknown[] = [];
        setOutcome({ jobId: job.id, chunks });
        const streaming = (async () => {
          try {
            for await (const chunk of job.stream()) {
              chunks.push(chunk);
              setOutcome((o) => ({ ...(o ?? { chunks }), chunks: [...chunks] }));
            }
          } catch {
            // The job's failure is shown from its status below.
          }
        })();
        let status = await job.status();
        while (status.status === "IN_QUEUE" || status.status === "IN_PROGRESS") {
          setOutcome((o) => ({ ...(o ?? { chunks }), status }));
          await new Promise((resolve) => setTimeout(resolve, 400));
          status = await job.status();
        }
        await streaming;
        setOutcome({ jobId: job.id, status, chunks: [...chunks], elapsedMs: performance.now() - started });
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="requests">
      <form onSubmit={send} className="request-form">
        <label htmlFor="job-input">
          Input (JSON, sent as <code>input</code>)
        </label>
        <textarea
          id="job-input"
          className="mono"
          rows={8}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={inputError ? true : undefined}
          aria-describedby={inputError ? "job-input-error" : undefined}
        />
        {inputError && (
          <p id="job-input-error" className="field-error" role="alert">
            {inputError}
          </p>
        )}
        <fieldset className="segmented">
          <legend>Send with</legend>
          {(["run", "runsync"] as const).map((m) => (
            <label key={m} className={m === mode ? "on" : undefined}>
              <input type="radio" name="mode" value={m} checked={m === mode} onChange={() => setMode(m)} />/{m}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={busy || !canInvoke}>
          {busy ? "Running…" : "Send test job"}
        </button>
        {!canInvoke && <p className="muted">A read key cannot send jobs.</p>}
      </form>
      <ErrorBanner error={error} />
      {outcome && (
        <section className="outcome" aria-live="polite" aria-labelledby="outcome-title">
          <h2 id="outcome-title">
            Job <span className="mono">{outcome.jobId ?? "…"}</span>{" "}
            {outcome.status && <StatusPill status={outcome.status.status} />}
          </h2>
          <div className="stats">
            <Stat label="Delay" value={formatMs(outcome.status?.delayTime)} />
            <Stat label="Execution" value={formatMs(outcome.status?.executionTime)} />
            <Stat label="Round trip" value={formatMs(outcome.elapsedMs)} />
            <Stat label="Retries" value={outcome.status?.retries ?? 0} />
          </div>
          {outcome.chunks.length > 0 && (
            <>
              <h3>Stream ({outcome.chunks.length} chunks)</h3>
              <pre className="code" data-testid="job-chunks">
                {outcome.chunks.map((c) => JSON.stringify(c)).join("\n")}
              </pre>
            </>
          )}
          {outcome.status?.output !== undefined && (
            <>
              <h3>Output</h3>
              <pre className="code" data-testid="job-output">
                {json(outcome.status.output)}
              </pre>
            </>
          )}
          {outcome.status?.error !== undefined && outcome.status?.error !== null && (
            <>
              <h3>Error</h3>
              <pre className="code error">
                {typeof outcome.status.error === "string" ? outcome.status.error : json(outcome.status.error)}
              </pre>
            </>
          )}
        </section>
      )}
    </div>
  );
}
