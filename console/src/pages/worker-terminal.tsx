import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState } from "react";
import { describeError, type Schemas, type Session } from "../session.js";

/** Where a terminal session stands, as the page shows it. */
type TerminalState =
  | { kind: "connecting" }
  | { kind: "connected"; sessionId: string }
  | { kind: "exited"; exitCode: number | null; signal: string | null }
  | { kind: "failed"; message: string };

/** A control message of the shell's WebSocket (its text frames), as the contract lists them. */
type ShellMessage =
  | { type: "started"; sessionId: string }
  | { type: "exit"; exitCode: number | null; signal: string | null }
  | { type: "error"; message: string };

/**
 * An interactive terminal in a worker, in the page: xterm.js on the WebSocket of the exec path. Keys go to
 * the worker's shell as typed (Ctrl-C included); the terminal's size follows the panel's; the session ends
 * when the shell exits (Ctrl-D, `exit`) or the panel is closed. Each session is an audit event.
 */
export function WorkerTerminal(props: { session: Session; endpointId: string; workerId: string; onClose: () => void }) {
  const { session, endpointId, workerId } = props;
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<TerminalState>({ kind: "connecting" });
  useEffect(() => {
    const element = box.current;
    if (!element) {
      return;
    }
    const terminal = new Terminal({
      cursorBlink: true,
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      fontSize: 13,
      scrollback: 5000,
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    fit.fit();
    setState({ kind: "connecting" });
    const socket = session.openShell(endpointId, workerId, { cols: terminal.cols, rows: terminal.rows });
    socket.binaryType = "arraybuffer";
    const encoder = new TextEncoder();
    let ended = false;
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data !== "string") {
        terminal.write(new Uint8Array(event.data));
        return;
      }
      const message = JSON.parse(event.data) as ShellMessage;
      if (message.type === "started") {
        started = true;
        setState({ kind: "connected", sessionId: message.sessionId });
        terminal.focus();
      } else if (message.type === "exit") {
        ended = true;
        setState({ kind: "exited", exitCode: message.exitCode, signal: message.signal });
      } else {
        ended = true;
        setState({ kind: "failed", message: message.message });
      }
    };
    let started = false;
    socket.onclose = () => {
      terminal.options.disableStdin = true;
      if (ended) {
        return;
      }
      if (started) {
        setState({ kind: "failed", message: "the connection to the control plane was lost" });
        return;
      }
      // A refused upgrade reaches a browser only as a closed socket, without its problem document: the
      // worker's record says why, most of the time.
      void refusalReason(session, endpointId, workerId).then((message) => setState({ kind: "failed", message }));
    };
    const typed = terminal.onData((data) => {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(encoder.encode(data));
      }
    });
    const resized = terminal.onResize(({ cols, rows }) => {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "resize", cols, rows }));
      }
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);
    return () => {
      observer.disconnect();
      typed.dispose();
      resized.dispose();
      socket.onclose = null;
      socket.close();
      terminal.dispose();
    };
  }, [session, endpointId, workerId]);
  return (
    <section className="terminal-panel" aria-labelledby="terminal-title">
      <h2 id="terminal-title">
        Terminal in <span className="mono">{workerId}</span>{" "}
        <span className="muted" role="status" data-testid="terminal-state">
          {describeState(state)}
        </span>
      </h2>
      {state.kind === "failed" && (
        <p className="banner error" role="alert">
          {state.message}
        </p>
      )}
      <div ref={box} className="terminal" role="application" aria-label="Worker terminal" />
      <button type="button" onClick={props.onClose}>
        Close terminal
      </button>
    </section>
  );
}

/** Why the control plane refused a terminal in a worker, from what the API says of the worker now. */
async function refusalReason(session: Session, endpointId: string, workerId: string): Promise<string> {
  let worker: Schemas["Worker"];
  try {
    worker = await session.runfleet.workers.get(endpointId, workerId);
  } catch (error) {
    return `the control plane refused the terminal (${describeError(error)})`;
  }
  if (worker.driver === "external") {
    return "this worker runs outside Runfleet (registered by hand): it cannot be entered";
  }
  switch (worker.status) {
    case "STANDBY":
      return "this worker is a paused FlashBoot standby: it can be entered once it resumes";
    case "THROTTLED":
      return "this worker waits for GPUs and has not started yet";
    case "STOPPING":
      return "this worker is stopping";
    default:
      return `the control plane refused the terminal (the worker is ${worker.status}); see its log`;
  }
}

function describeState(state: TerminalState): string {
  switch (state.kind) {
    case "connecting":
      return "(connecting…)";
    case "connected":
      return "(connected)";
    case "exited":
      return state.signal ? `(ended by ${state.signal})` : `(exited with code ${state.exitCode ?? "unknown"})`;
    case "failed":
      return "(closed)";
  }
}
