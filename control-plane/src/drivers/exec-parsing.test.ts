import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ExecFrameDecoder, wrappedCommand } from "./docker-exec.js";
import { terminalWrappedCommand } from "./kubernetes-exec.js";
import { parseEnviron } from "./process-exec.js";

const frame = (stream: 1 | 2, payload: string | Buffer): Buffer => {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

describe("ExecFrameDecoder", () => {
  it("splits the engine's multiplexed stream into raw frames, across chunk cuts", () => {
    const input = Buffer.concat([frame(2, "4711\n"), frame(1, Buffer.from([0, 255, 10])), frame(1, "")]);
    for (const cut of [1, 7, 8, 12, 14, 20, input.length]) {
      const decoder = new ExecFrameDecoder();
      const frames = [...decoder.push(input.subarray(0, cut)), ...decoder.push(input.subarray(cut))];
      expect(frames.map((f) => [f.stream, [...f.data]])).toEqual([
        ["stderr", [...Buffer.from("4711\n")]],
        ["stdout", [0, 255, 10]],
      ]);
    }
  });
});

describe("wrappedCommand", () => {
  it("runs the command through sh, which says its pid on stderr first and then becomes the command", () => {
    expect(wrappedCommand(["python", "-c", "print(1)"])).toEqual([
      "/bin/sh",
      "-c",
      'echo "$$" >&2; exec "$@"',
      "runfleet-exec",
      "python",
      "-c",
      "print(1)",
    ]);
  });
});

describe("terminalWrappedCommand", () => {
  /**
   * Runs `command` on a pseudo-terminal (python3's pty) that is 0×0 at first and gets 22×77 after
   * `sizeAfterMs`; returns what the terminal showed.
   */
  const onLateSizedTerminal = (command: string[], sizeAfterMs: number): string => {
    const script = [
      "import fcntl, os, pty, struct, sys, termios, time",
      "pid, fd = pty.fork()",
      "if pid == 0:",
      "    os.execvp(sys.argv[1], sys.argv[1:])",
      `time.sleep(${sizeAfterMs / 1000})`,
      "fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 22, 77, 0, 0))",
      "out = b''",
      "while True:",
      "    try:",
      "        chunk = os.read(fd, 4096)",
      "    except OSError:",
      "        break",
      "    if not chunk:",
      "        break",
      "    out += chunk",
      "os.waitpid(pid, 0)",
      "sys.stdout.write(out.decode())",
    ].join("\n");
    const result = spawnSync("python3", ["-c", script, ...command], { encoding: "utf8", timeout: 8_000 });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout;
  };

  it("starts the command once the terminal has its size, after the pid line", () => {
    const shown = onLateSizedTerminal(terminalWrappedCommand(["sh", "-c", 'echo "$TERM $(stty size)"']), 300);
    expect(shown).toMatch(/^\d+\r\nxterm-256color 22 77\r\n$/);
  });

  it("does not wait without a terminal", () => {
    const started = Date.now();
    const [file = "", ...args] = terminalWrappedCommand(["sh", "-c", "echo ran"]);
    const result = spawnSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(result.stdout).toBe("ran\n");
    expect(result.stderr).toMatch(/^\d+\n$/);
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe("parseEnviron", () => {
  it("reads /proc/<pid>/environ: NUL-separated, values may hold '=' and be empty", () => {
    const raw = Buffer.from("A=1\0B=x=y\0EMPTY=\0junk\0", "utf8");
    expect(parseEnviron(raw)).toEqual({ A: "1", B: "x=y", EMPTY: "" });
  });
});
