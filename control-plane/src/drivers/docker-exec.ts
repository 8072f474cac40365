import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import { HeldInput } from "./held-input.js";
import type { ExecExit, ExecOptions, ExecSession, TerminalSize } from "./worker-driver.js";

/** How long a killed session's command has between SIGTERM and SIGKILL, in whole seconds (`sleep`). */
const KILL_GRACE_SECONDS = 2;

/**
 * The engine cannot signal an exec's process (there is no kill for execs, and hanging up the attach
 * connection leaves it running: moby/moby#9098). So the command is started through a one-line `sh`
 * wrapper that writes its pid first, on stderr, then `exec`s the command in its place: the session reads
 * that line (which never reaches the client) and ends the command with a second exec of `kill`. Worker
 * images have a `/bin/sh` (the RunPod base images do); one without cannot be entered.
 */
export function wrappedCommand(command: readonly string[]): string[] {
  return ["/bin/sh", "-c", 'echo "$$" >&2; exec "$@"', "runfleet-exec", ...command];
}

/** Starts `options.command` in a container through the engine's exec, attached to its stdin. */
export async function startDockerSession(container: Docker.Container, options: ExecOptions): Promise<ExecSession> {
  const exec = await container.exec({
    Cmd: wrappedCommand(options.command),
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: options.tty !== null,
    // A terminal wants a TERM; containers rarely set one.
    Env: options.tty !== null ? ["TERM=xterm-256color"] : undefined,
  });
  const stream = (await exec.start({
    hijack: true,
    stdin: true,
    Tty: options.tty !== null,
    // The terminal's first size (engine API 1.42+; older engines ignore it, and the size is set again
    // once the command is known to run).
    ...(options.tty ? { ConsoleSize: [options.tty.rows, options.tty.cols] } : {}),
  } as Docker.ExecStartOptions)) as Duplex;
  return new DockerSession(container, exec, stream, options);
}

/** A command the engine runs in a container, seen as an {@link ExecSession}. */
class DockerSession implements ExecSession {
  readonly exited: Promise<ExecExit>;
  /** The command's pid inside the container, once its first line is read. */
  private pid: number | undefined;
  private killRequested = false;
  private ended = false;
  /** The wrapper's pid line, while it is incomplete. */
  private pidLine = "";
  /** Whether the command runs on a terminal. */
  private readonly terminal: boolean;
  /** The terminal's size as last asked for. */
  private size: TerminalSize | null;
  /**
   * Input, held until the command runs and its terminal has its size: what is typed at once must not
   * reach a terminal that is still 0×0.
   */
  private readonly input: HeldInput;
  /** Resizes the engine has not confirmed yet; input typed meanwhile waits for them. */
  private pendingResizes = 0;

  constructor(
    private readonly container: Docker.Container,
    private readonly exec: Docker.Exec,
    private readonly stream: Duplex,
    options: ExecOptions,
  ) {
    // With a terminal the pid line comes on the one output stream; without, it is the first of stderr.
    const fromTerminal = options.tty !== null;
    this.terminal = fromTerminal;
    this.size = options.tty;
    this.input = new HeldInput({
      write: (data) => {
        if (!this.ended && this.stream.writable) {
          this.stream.write(data);
        }
      },
      // Half-closes the hijacked connection: the engine closes the command's stdin.
      end: () => this.stream.end(),
    });
    const deliver = (kind: "stdout" | "stderr", data: Buffer) => {
      if (this.pid === undefined && (fromTerminal || kind === "stderr")) {
        const rest = this.takePidLine(data);
        if (rest.length > 0) {
          options.onOutput(kind, rest);
        }
        return;
      }
      options.onOutput(kind, data);
    };
    const frames = new ExecFrameDecoder();
    stream.on("data", (chunk: Buffer) => {
      if (fromTerminal) {
        deliver("stdout", chunk);
      } else {
        for (const frame of frames.push(chunk)) {
          deliver(frame.stream, frame.data);
        }
      }
    });
    this.exited = new Promise((resolve) => {
      let settled = false;
      const finish = async () => {
        if (settled) {
          return;
        }
        settled = true;
        this.ended = true;
        resolve(await this.exitOf());
      };
      stream.once("end", finish);
      stream.once("close", finish);
      stream.once("error", finish);
    });
  }

  write(data: Buffer): void {
    this.input.write(data);
  }

  closeInput(): void {
    this.input.close();
  }

  resize(size: TerminalSize): void {
    this.size = size;
    // Before the command runs the engine refuses a resize; the size is applied once it does.
    if (this.ended || this.pid === undefined) {
      return;
    }
    // The resize is a request of its own: keys typed after it are held until it is done, so that a
    // command typed after a resize sees the new size, as on a real terminal.
    this.pendingResizes++;
    this.input.hold();
    this.exec
      .resize({ w: Math.round(size.cols), h: Math.round(size.rows) })
      .catch(() => undefined)
      .finally(() => {
        this.pendingResizes--;
        if (this.pendingResizes === 0) {
          this.input.release();
        }
      });
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  kill(): void {
    if (this.ended || this.killRequested) {
      return;
    }
    this.killRequested = true;
    // The pid line, and output nobody waits for any more, must still be read.
    this.resume();
    if (this.pid !== undefined) {
      this.signal(this.pid);
    }
    // Otherwise it is sent as soon as the pid line arrives (takePidLine). Either way, a command that
    // outlives the kill (or never said its pid) no longer holds the session: the connection is dropped.
    setTimeout(() => this.stream.destroy(), (KILL_GRACE_SECONDS + 3) * 1000).unref();
  }

  /** Strips the wrapper's pid line from the front of the output; returns the rest of `data`. */
  private takePidLine(data: Buffer): Buffer {
    const text = data.toString("latin1");
    const newline = text.indexOf("\n");
    if (newline < 0) {
      this.pidLine += text;
      return Buffer.alloc(0);
    }
    const pid = Number((this.pidLine + text.slice(0, newline)).trim());
    this.pid = Number.isInteger(pid) && pid > 0 ? pid : 0;
    if (this.killRequested && this.pid > 0) {
      this.signal(this.pid);
    }
    if (this.size !== null && this.pid > 0) {
      this.resize(this.size);
    } else {
      this.input.release();
    }
    return data.subarray(newline + 1);
  }

  /**
   * Ends the command through a second exec: SIGTERM (a terminal session is hung up first, as closing a
   * terminal does), then SIGKILL if it still runs after the grace period.
   */
  private signal(pid: number): void {
    const first = this.terminal ? `kill -HUP ${pid} 2>/dev/null; ` : "";
    const script = `${first}kill -TERM ${pid} 2>/dev/null; sleep ${KILL_GRACE_SECONDS}; kill -KILL ${pid} 2>/dev/null; true`;
    this.container
      .exec({ Cmd: ["/bin/sh", "-c", script], AttachStdout: false, AttachStderr: false })
      .then((killer) => killer.start({ Detach: true }))
      .catch(() => undefined);
  }

  /** The command's exit status, from the engine once the attach stream has ended. */
  private async exitOf(): Promise<ExecExit> {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const info = await this.exec.inspect();
        if (!info.Running) {
          return exitFromStatus(info.ExitCode);
        }
      } catch {
        return { exitCode: null, signal: null };
      }
      // The stream can end a moment before the engine records the exit.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { exitCode: null, signal: null };
  }
}

/**
 * The exit of an exec as the engine reports it: a status, where 128+n means that signal n ended the
 * command (the engine cannot tell the two apart; a shell reports them the same way).
 */
export function exitFromStatus(status: number | null | undefined): ExecExit {
  return { exitCode: status ?? null, signal: null };
}

/** One frame of a non-terminal exec's output. */
interface ExecFrame {
  stream: "stdout" | "stderr";
  data: Buffer;
}

/**
 * Splits the engine's multiplexed attach stream (8-byte frame headers: stream, then payload size) into
 * frames of raw bytes, as it arrives: a frame cut between two chunks waits for the rest.
 */
export class ExecFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** The complete frames received so far. */
  push(chunk: Buffer): ExecFrame[] {
    const input = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: ExecFrame[] = [];
    let offset = 0;
    while (offset + 8 <= input.length) {
      const size = input.readUInt32BE(offset + 4);
      if (offset + 8 + size > input.length) {
        break;
      }
      if (size > 0) {
        frames.push({
          stream: input[offset] === 2 ? "stderr" : "stdout",
          data: Buffer.from(input.subarray(offset + 8, offset + 8 + size)),
        });
      }
      offset += 8 + size;
    }
    this.pending = Buffer.from(input.subarray(offset));
    return frames;
  }
}
