import { PassThrough, Writable } from "node:stream";
import { Exec, type KubeConfig, type V1Status } from "@kubernetes/client-node";
import { wrappedCommand } from "./docker-exec.js";
import { HeldInput } from "./held-input.js";
import type { ExecExit, ExecOptions, ExecSession, TerminalSize } from "./worker-driver.js";

/** How long a killed session's command has between SIGTERM and SIGKILL, in whole seconds (`sleep`). */
const KILL_GRACE_SECONDS = 2;

/**
 * How long a terminal session's wrapper waits for the terminal's first size, in 20 ms steps. The size
 * travels on its own channel and the kubelet applies it apart from starting the command, so a command
 * started at once can meet a 0×0 terminal; the wait ends as soon as the size is there (or there is no
 * `stty` to ask).
 */
const TERMINAL_SIZE_STEPS = 50;

/**
 * The command line of a terminal session: {@link wrappedCommand}'s, after a bounded wait for the
 * terminal to have a size.
 */
export function terminalWrappedCommand(command: readonly string[]): string[] {
  const wrapped = wrappedCommand(["env", "TERM=xterm-256color", ...command]);
  const wait =
    `n=0; while [ "$(stty size 2>/dev/null)" = "0 0" ] && [ $n -lt ${TERMINAL_SIZE_STEPS} ]; ` +
    "do sleep 0.02 2>/dev/null || break; n=$((n+1)); done; ";
  return [...wrapped.slice(0, 2), `${wait}${wrapped[2]}`, ...wrapped.slice(3)];
}

/**
 * The exit of an exec, from the Status the apiserver sends on the v5 channel protocol's error channel:
 * `Success`, or `Failure` with reason `NonZeroExitCode` and the code as an `ExitCode` cause.
 */
export function execExitOf(status: V1Status): ExecExit {
  if (status.status === "Success") {
    return { exitCode: 0, signal: null };
  }
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = cause?.message !== undefined ? Number(cause.message) : Number.NaN;
  return { exitCode: Number.isInteger(code) ? code : null, signal: null };
}

/**
 * Starts `options.command` in a pod's container through the exec subresource (a WebSocket speaking the
 * v5 channel protocol: stdin, stdout, stderr, the status, terminal resizes, and a close of stdin).
 *
 * Kubernetes cannot signal an exec's process, and closing the connection leaves it running; so, as with
 * the Docker engine, the command starts through a one-line `sh` wrapper that writes its pid first (read
 * here, never shown), and `kill` is a second exec of `kill`. Worker images need a `/bin/sh`.
 */
export async function startKubernetesSession(
  config: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  options: ExecOptions,
): Promise<ExecSession> {
  const session = new KubernetesSession(config, namespace, pod, container, options);
  await session.connect();
  return session;
}

/** A terminal-sized output stream: client-node sends its size, and each `resize`, on the resize channel. */
class TerminalOutput extends Writable {
  columns: number;
  rows: number;

  constructor(size: TerminalSize, write: (data: Buffer) => void) {
    super({
      write: (chunk: Buffer, _encoding, callback) => {
        write(chunk);
        callback();
      },
    });
    this.columns = size.cols;
    this.rows = size.rows;
  }
}

class KubernetesSession implements ExecSession {
  readonly exited: Promise<ExecExit>;
  private settle: ((exit: ExecExit) => void) | undefined;
  private readonly stdin = new PassThrough();
  private readonly stdout: Writable;
  private readonly stderr: Writable;
  private pid: number | undefined;
  private pidLine = "";
  private killRequested = false;
  private ended = false;
  private socket: { close(): void; pause(): void; resume(): void } | undefined;
  /**
   * Input, held until the command runs (its pid line arrived). A terminal echoes what it receives at
   * once, so input sent earlier would come back ahead of the pid line; and the command would read it
   * before its terminal had a size.
   */
  private readonly input = new HeldInput({
    write: (data) => {
      if (!this.ended) {
        this.stdin.write(data);
      }
    },
    end: () => this.stdin.end(),
  });

  constructor(
    private readonly config: KubeConfig,
    private readonly namespace: string,
    private readonly pod: string,
    private readonly container: string,
    private readonly options: ExecOptions,
  ) {
    this.exited = new Promise((resolve) => {
      this.settle = resolve;
    });
    const terminal = options.tty !== null;
    const deliver = (kind: "stdout" | "stderr", data: Buffer) => {
      // With a terminal the pid line comes on the one output stream; without, it is the first of stderr.
      if (this.pid === undefined && (terminal || kind === "stderr")) {
        const rest = this.takePidLine(data);
        if (rest.length > 0) {
          options.onOutput(kind, rest);
        }
        return;
      }
      options.onOutput(kind, data);
    };
    this.stdout = options.tty
      ? new TerminalOutput(options.tty, (data) => deliver("stdout", data))
      : new Writable({
          write: (chunk: Buffer, _encoding, callback) => {
            deliver("stdout", chunk);
            callback();
          },
        });
    this.stderr = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        deliver("stderr", chunk);
        callback();
      },
    });
  }

  async connect(): Promise<void> {
    const exec = new Exec(this.config);
    const command = this.options.tty
      ? terminalWrappedCommand(this.options.command)
      : wrappedCommand(this.options.command);
    const socket = await exec.exec(
      this.namespace,
      this.pod,
      this.container,
      command,
      this.stdout,
      this.options.tty ? null : this.stderr,
      this.stdin,
      this.options.tty !== null,
      (status) => this.finish(execExitOf(status)),
    );
    this.socket = socket;
    socket.on("close", () => this.finish({ exitCode: null, signal: this.killRequested ? "SIGTERM" : null }));
  }

  write(data: Buffer): void {
    this.input.write(data);
  }

  closeInput(): void {
    this.input.close();
  }

  resize(size: TerminalSize): void {
    if (this.stdout instanceof TerminalOutput && !this.ended) {
      this.stdout.columns = size.cols;
      this.stdout.rows = size.rows;
      this.stdout.emit("resize");
    }
  }

  pause(): void {
    // The connection stops being read; the API server, then the kubelet, hold the command's output.
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  kill(): void {
    if (this.ended || this.killRequested) {
      return;
    }
    this.killRequested = true;
    this.resume();
    void this.signal();
  }

  /** Sends SIGTERM (and SIGHUP for a terminal), then SIGKILL, to the command by a second exec. */
  private async signal(): Promise<void> {
    if (this.pid === undefined) {
      // Not started yet: closing the connection is all there is.
      this.socket?.close();
      return;
    }
    const pid = this.pid;
    const hup = this.options.tty !== null ? `kill -HUP ${pid} 2>/dev/null; ` : "";
    const script = `${hup}kill -TERM ${pid} 2>/dev/null; sleep ${KILL_GRACE_SECONDS}; kill -KILL ${pid} 2>/dev/null; true`;
    // Whatever the kill exec does, the session ends: its connection is closed once the command had time
    // to go.
    const fallback = setTimeout(() => this.socket?.close(), (KILL_GRACE_SECONDS + 5) * 1000);
    fallback.unref();
    try {
      // The API wants at least one stream attached: the kill's output, which says nothing.
      const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
      await new Exec(this.config).exec(
        this.namespace,
        this.pod,
        this.container,
        ["/bin/sh", "-c", script],
        discard,
        null,
        null,
        false,
      );
    } catch {
      clearTimeout(fallback);
      this.socket?.close();
    }
  }

  private finish(exit: ExecExit): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.settle?.(exit);
    this.socket?.close();
  }

  /** Reads the wrapper's pid line off the front of `data`; returns what follows it. */
  private takePidLine(data: Buffer): Buffer {
    this.pidLine += data.toString("latin1");
    const newline = this.pidLine.indexOf("\n");
    if (newline < 0) {
      return Buffer.alloc(0);
    }
    const line = this.pidLine.slice(0, newline).replace(/\r$/, "");
    const rest = this.pidLine.slice(newline + 1);
    this.pidLine = "";
    const pid = Number(line.trim());
    this.pid = Number.isInteger(pid) && pid > 0 ? pid : -1;
    this.input.release();
    return Buffer.from(rest, "latin1");
  }
}
