import { describe, expect, it } from "vitest";
import { ExecFrameDecoder, wrappedCommand } from "./docker-exec.js";
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

describe("parseEnviron", () => {
  it("reads /proc/<pid>/environ: NUL-separated, values may hold '=' and be empty", () => {
    const raw = Buffer.from("A=1\0B=x=y\0EMPTY=\0junk\0", "utf8");
    expect(parseEnviron(raw)).toEqual({ A: "1", B: "x=y", EMPTY: "" });
  });
});
