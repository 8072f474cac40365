import { ApiError, decodeExecData, type Runfleet } from "@runfleet/sdk";
import type WebSocket from "ws";
import { CliError, EXIT, RemoteExit } from "./cli-errors.js";
import { withEndpoint } from "./run-command.js";

/** The exit status a shell reports for a command ended by signal `name` (128 + its number). */
function statusOfSignal(name: string | null): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (name !== null ? (numbers[name] ?? 0) : 0);
}

/**
 * `runfleet workers exec`: runs `command` inside a worker, writes its stdout and stderr here byte for
 * byte as they come, and ends with its exit status. Ctrl-C hangs up, which ends the remote command.
 */
export async function execCommand(
  runfleet: Runfleet,
  endpointRef: string,
  workerId: string,
  command: string[],
  options: { stdin: string | undefined; timeoutSeconds: number | undefined },
): Promise<void> {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once("SIGINT", onSigint);
  try {
    // An unknown endpoint is refused before the command runs, so a name is resolved as for the others.
    const worker = await withEndpoint(runfleet, endpointRef, (id) => runfleet.workers.get(id, workerId));
    const request = {
      command,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
    };
    for await (const event of runfleet.workers.exec(worker.endpointId, worker.id, request, {
      signal: interrupt.signal,
    })) {
      if (event.type === "exit") {
        throw new RemoteExit(event.exitCode ?? statusOfSignal(event.signal));
      }
      if ("message" in event) {
        throw new CliError(`the session failed: ${event.message}`, EXIT.refused);
      }
      if ("data" in event) {
        await write(event.type === "stderr" ? process.stderr : process.stdout, decodeExecData(event.data));
      }
    }
    throw new CliError("the control plane ended the session without the command's exit status", EXIT.refused);
  } catch (error) {
    if (interrupt.signal.aborted && !(error instanceof RemoteExit)) {
      throw new CliError("interrupted: the remote command was ended", EXIT.interrupted, { cause: error });
    }
    throw error;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

/**
 * `runfleet workers shell`: an interactive terminal in a worker over the WebSocket of the exec path. The
 * local terminal is put in raw mode, so that every key (Ctrl-C included) goes to the remote one; the
 * window's size follows SIGWINCH; Ctrl-D on an empty line ends the remote shell, and with it this
 * command, which exits with the shell's status.
 */
export async function shellCommand(
  runfleet: Runfleet,
  connection: { baseUrl: string; apiKey: string | undefined },
  endpointRef: string,
  workerId: string,
  command: string | undefined,
): Promise<void> {
  const worker = await withEndpoint(runfleet, endpointRef, (id) => runfleet.workers.get(id, workerId));
  const url = new URL(
    `v1/endpoints/${encodeURIComponent(worker.endpointId)}/workers/${encodeURIComponent(worker.id)}/exec`,
    connection.baseUrl.endsWith("/") ? connection.baseUrl : `${connection.baseUrl}/`,
  );
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const size = () => ({ cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
  url.searchParams.set("cols", String(size().cols));
  url.searchParams.set("rows", String(size().rows));
  if (command !== undefined) {
    url.searchParams.set("command", command);
  }
  // Loaded here, not at start-up: the other commands need not pay for it.
  const { default: WebSocketClient } = await import("ws");
  const socket = new WebSocketClient(url, {
    headers: connection.apiKey !== undefined ? { authorization: `Bearer ${connection.apiKey}` } : {},
  });
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  let exitCode: number | undefined;
  const onInput = (data: Buffer) => socket.send(data, { binary: true });
  const onResize = () => socket.send(JSON.stringify({ type: "resize", ...size() }));
  const restore = () => {
    stdin.removeListener("data", onInput);
    process.stdout.removeListener("resize", onResize);
    if (raw) {
      stdin.setRawMode(false);
    }
    stdin.pause();
  };
  await new Promise<void>((resolve, reject) => {
    socket.on("unexpected-response", (_request, response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => {
        let problem: { detail?: string; code?: string } = {};
        try {
          problem = JSON.parse(body) as typeof problem;
        } catch {
          // Not a problem document: the status says enough.
        }
        const status = response.statusCode ?? 0;
        reject(
          new CliError(
            `the control plane refused the shell (${status}${problem.code ? ` ${problem.code}` : ""}): ${problem.detail ?? body}`,
            status === 0 ? EXIT.unreachable : EXIT.refused,
          ),
        );
      });
    });
    socket.on("open", () => {
      if (raw) {
        stdin.setRawMode(true);
      }
      stdin.on("data", onInput);
      stdin.resume();
      process.stdout.on("resize", onResize);
    });
    socket.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        process.stdout.write(bytes);
        return;
      }
      const message = JSON.parse(bytes.toString("utf8")) as
        | { type: "started"; sessionId: string }
        | { type: "exit"; exitCode: number | null; signal: string | null }
        | { type: "error"; message: string };
      if (message.type === "exit") {
        exitCode = message.exitCode ?? statusOfSignal(message.signal);
      } else if (message.type === "error") {
        process.stderr.write(`\r\nrunfleet workers shell: the session failed: ${message.message}\r\n`);
        exitCode = EXIT.refused;
      }
    });
    socket.on("error", (error) => {
      reject(
        error instanceof ApiError
          ? error
          : new CliError(`cannot open a shell at ${url.origin}: ${error.message}`, EXIT.unreachable, { cause: error }),
      );
    });
    socket.on("close", () => resolve());
  }).finally(restore);
  throw new RemoteExit(exitCode ?? EXIT.refused);
}

/** Writes bytes, waiting when the stream is full (a slow pipe downstream). */
function write(stream: NodeJS.WriteStream, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(bytes)) {
      resolve();
    } else {
      stream.once("drain", resolve);
    }
  });
}
