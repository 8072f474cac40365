import { spawn, spawnSync } from "node:child_process";
import WebSocket from "ws";
import { requireService } from "./control-plane-process.js";
import { RUNFLEET_BIN } from "./control-plane-subprocess.js";
import { NODE, REPO_ROOT } from "./workers.js";

/** What an interactive client saw: the terminal's output, the server's control messages, the close code. */
export interface TerminalTranscript {
  output: () => string;
  messages: { type: string; [key: string]: unknown }[];
  closed: Promise<number>;
}

/** A WebSocket shell session opened on the exec path, with what it received so far. */
export interface ShellSocket extends TerminalTranscript {
  socket: WebSocket;
  /** Types text on the terminal. */
  type(text: string): void;
  /** Resolves once the terminal's output matches `pattern` (within `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Opens the WebSocket shell of a worker; rejects with the refusal's status when the upgrade is refused. */
export function openShellSocket(
  baseUrl: string,
  endpointId: string,
  workerId: string,
  key: string,
  query: Record<string, string> = {},
  how: "header" | "subprotocol" = "header",
): Promise<ShellSocket> {
  const url = new URL(`/v1/endpoints/${endpointId}/workers/${workerId}/exec`, baseUrl);
  url.protocol = "ws:";
  for (const [name, value] of Object.entries(query)) {
    url.searchParams.set(name, value);
  }
  // A browser cannot set headers: it names the key in a subprotocol instead.
  const socket =
    how === "header"
      ? new WebSocket(url, { headers: { authorization: `Bearer ${key}` } })
      : new WebSocket(url, ["runfleet.shell.v1", `runfleet.bearer.${key}`]);
  let output = "";
  const messages: ShellSocket["messages"] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
    const text = Buffer.isBuffer(data) ? data.toString("utf8") : String(data);
    if (isBinary) {
      output += text;
    } else {
      messages.push(JSON.parse(text) as ShellSocket["messages"][number]);
    }
    for (const wake of waiters.splice(0)) {
      wake();
    }
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    socket.on("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      response.on("end", () => reject(Object.assign(new Error(body), { status: response.statusCode, body })));
    });
    socket.on("error", reject);
    socket.on("open", () =>
      resolve({
        socket,
        output: () => output,
        messages,
        closed,
        type: (text) => socket.send(Buffer.from(text, "utf8"), { binary: true }),
        waitFor: (pattern, timeoutMs = 15_000) =>
          new Promise((found, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`no ${pattern} in the terminal's output within ${timeoutMs} ms:\n${output}`)),
              timeoutMs,
            );
            const check = () => {
              const match = pattern.exec(output);
              if (match) {
                clearTimeout(timer);
                found(match[0]);
              } else {
                waiters.push(check);
              }
            };
            check();
          }),
      }),
    );
  });
}

/** What `script` ran: the terminal's output and the exit status. */
export interface ScriptRun {
  /** Types on the pseudo-terminal `script` holds. */
  type(text: string): void;
  /** Resolves once the output matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Everything the terminal showed. */
  output(): string;
  /** The command's exit status (`script -e`). */
  exited: Promise<number | null>;
}

/** Whether util-linux `script` is here, to give the CLI a real pseudo-terminal. */
export function requireScript(): boolean {
  const found = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
  return requireService(found, "util-linux `script` (apt-get install bsdutils)");
}

/**
 * Runs the `runfleet` CLI on a pseudo-terminal that util-linux `script` allocates (as a person at a
 * terminal would), with `env`; what the test types goes to that terminal.
 */
export function runCliOnTerminal(args: string[], env: Record<string, string>): ScriptRun {
  const quoted = [NODE, RUNFLEET_BIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
  const child = spawn("script", ["-q", "-e", "-f", "-c", quoted, "/dev/null"], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent", TERM: "xterm", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const waiters: (() => void)[] = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const wake of waiters.splice(0)) {
      wake();
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    type: (text) => child.stdin.write(text),
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((found, fail) => {
        const timer = setTimeout(() => {
          fail(new Error(`no ${pattern} on the terminal within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const check = () => {
          if (pattern.test(output)) {
            clearTimeout(timer);
            found();
          } else {
            waiters.push(check);
          }
        };
        check();
      }),
  };
}

/** Whether a process whose command line contains `marker` runs on this host. */
export function processRunning(marker: string): boolean {
  return spawnSync("pgrep", ["-f", marker]).status === 0;
}
