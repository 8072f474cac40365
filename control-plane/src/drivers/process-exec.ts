import { type ChildProcess, spawn } from "node:child_process";
import type { Writable } from "node:stream";
import type { ExecExit, ExecOptions, ExecSession, TerminalSize } from "./worker-driver.js";

/** How long a killed session's command has between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2_000;

/**
 * A small relay that runs a command on a pseudo-terminal, for the process driver's TTY sessions.
 *
 * Node has no pty of its own, and native addons (node-pty) are ruled out. util-linux `script` allocates a
 * pty too, but it takes the terminal's size from its own stdin, which here is a pipe: a session could
 * never be resized. This relay (Python's standard library only) forks the command on a pty, copies stdin
 * to it and its output to stdout, and reads `cols rows` lines on fd 3 to set the size with TIOCSWINSZ,
 * which also sends SIGWINCH to the terminal's foreground processes, as a real terminal does. It exits
 * with the command's status, or kills itself with the command's signal, so that the caller sees either.
 * SIGTERM to the relay hangs up the terminal (SIGHUP, SIGTERM to the command's process group), then
 * SIGKILLs that group after a grace period.
 */
export const PTY_RELAY_SOURCE = String.raw`
import errno, fcntl, os, pty, select, signal, struct, sys, termios
cols, rows, grace = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
argv = sys.argv[4:]
pid, master = pty.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        os.write(2, ("%s: %s\r\n" % (argv[0], error.strerror)).encode())
        os._exit(127)
def set_size(c, r):
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", r, c, 0, 0))
set_size(cols, rows)
def group_kill(sig):
    for target in (-pid, pid):
        try:
            os.kill(target, sig)
        except OSError:
            pass
def hang_up(signum, frame):
    group_kill(signal.SIGHUP)
    group_kill(signal.SIGTERM)
    signal.signal(signal.SIGALRM, lambda s, f: group_kill(signal.SIGKILL))
    signal.setitimer(signal.ITIMER_REAL, grace)
signal.signal(signal.SIGTERM, hang_up)
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]
inputs, control = [0, 3, master], b""
while True:
    try:
        ready, _, _ = select.select(inputs, [], [])
    except InterruptedError:
        continue
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError as error:
            if error.errno == errno.EINTR:
                continue
            data = b""
        if not data:
            break
        write_all(1, data)
    if 3 in ready:
        data = os.read(3, 4096)
        if not data:
            inputs.remove(3)
        control += data
        while b"\n" in control:
            line, control = control.split(b"\n", 1)
            parts = line.split()
            if len(parts) == 2:
                set_size(int(parts[0]), int(parts[1]))
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            write_all(master, data)
        else:
            inputs.remove(0)
while True:
    try:
        _, status = os.waitpid(pid, 0)
        break
    except InterruptedError:
        continue
if os.WIFSIGNALED(status):
    sig = os.WTERMSIG(status)
    signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)
sys.exit(os.WEXITSTATUS(status))
`;

/** Where a process session runs: the worker's directory and environment. */
export interface ProcessExecContext {
  cwd: string;
  env: Record<string, string>;
  /** The Python interpreter that runs the pty relay. @defaultValue "python3" */
  python?: string;
}

/**
 * Starts a command as a child of the control plane, in the worker's directory and environment: through
 * pipes, or on a pseudo-terminal through {@link PTY_RELAY_SOURCE}. The child leads its own process group,
 * so that `kill` reaches whatever it forked.
 */
export async function startProcessSession(context: ProcessExecContext, options: ExecOptions): Promise<ExecSession> {
  const [file, ...args] = options.command as [string, ...string[]];
  const child = options.tty
    ? spawn(
        context.python ?? "python3",
        [
          "-c",
          PTY_RELAY_SOURCE,
          String(options.tty.cols),
          String(options.tty.rows),
          String(KILL_GRACE_MS / 1000),
          file,
          ...args,
        ],
        {
          cwd: context.cwd,
          // A terminal wants a TERM; the worker's own environment rarely has one.
          env: { TERM: "xterm-256color", ...context.env },
          stdio: ["pipe", "pipe", "pipe", "pipe"],
          detached: true,
        },
      )
    : spawn(file, args, { cwd: context.cwd, env: context.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
  const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    child.once("spawn", () => resolve(undefined));
    child.once("error", resolve);
  });
  if (failure === undefined) {
    return new ProcessSession(child, options);
  }
  if (options.tty) {
    throw new Error(
      `cannot start ${context.python ?? "python3"} (the pty relay of the process driver): ${failure.message}`,
      {
        cause: failure,
      },
    );
  }
  // As a shell (and the docker driver's `sh` wrapper) reports it: a message and 127 (not found) or 126.
  const status = failure.code === "ENOENT" ? 127 : 126;
  options.onOutput("stderr", Buffer.from(`${file}: ${failure.code === "ENOENT" ? "not found" : failure.message}\n`));
  return {
    write: () => undefined,
    closeInput: () => undefined,
    resize: () => undefined,
    kill: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    exited: Promise.resolve({ exitCode: status, signal: null }),
  };
}

/** A running child process, seen as an {@link ExecSession}. */
class ProcessSession implements ExecSession {
  readonly exited: Promise<ExecExit>;
  private readonly control: Writable | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly child: ChildProcess,
    options: ExecOptions,
  ) {
    this.control = options.tty ? (child.stdio[3] as Writable) : undefined;
    this.control?.on("error", () => undefined);
    child.stdin?.on("error", () => undefined);
    child.stdout?.on("data", (chunk: Buffer) => options.onOutput("stdout", chunk));
    child.stderr?.on("data", (chunk: Buffer) => options.onOutput("stderr", chunk));
    // `close` comes once the process has exited and its output pipes are drained.
    this.exited = new Promise((resolve) => {
      child.once("close", (code, signal) => {
        this.ended = true;
        clearTimeout(this.killTimer);
        // Helpers it forked may outlive it; the group goes with it.
        signalGroup(child.pid, "SIGKILL");
        resolve({ exitCode: code, signal });
      });
    });
  }

  write(data: Buffer): void {
    if (!this.ended && this.child.stdin?.writable) {
      this.child.stdin.write(data);
    }
  }

  closeInput(): void {
    this.child.stdin?.end();
  }

  resize(size: TerminalSize): void {
    if (!this.ended && this.control?.writable) {
      this.control.write(`${Math.round(size.cols)} ${Math.round(size.rows)}\n`);
    }
  }

  pause(): void {
    this.child.stdout?.pause();
    this.child.stderr?.pause();
  }

  resume(): void {
    this.child.stdout?.resume();
    this.child.stderr?.resume();
  }

  kill(): void {
    if (this.ended || this.killTimer !== undefined) {
      return;
    }
    // Output nobody waits for any more is drained, or the pipes would hold the session open.
    this.resume();
    // The relay (a terminal session) hangs up its terminal on SIGTERM; a piped command gets it directly.
    signalGroup(this.child.pid, "SIGTERM");
    this.killTimer = setTimeout(() => signalGroup(this.child.pid, "SIGKILL"), KILL_GRACE_MS * 2);
    this.killTimer.unref();
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) {
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}

/**
 * The environment a worker process runs with, read back from the kernel (`/proc/<pid>/environ`), so that
 * a session in a worker adopted after a restart has it too.
 */
export function parseEnviron(raw: Buffer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of raw.toString("utf8").split("\0")) {
    const equals = entry.indexOf("=");
    if (equals > 0) {
      env[entry.slice(0, equals)] = entry.slice(equals + 1);
    }
  }
  return env;
}
