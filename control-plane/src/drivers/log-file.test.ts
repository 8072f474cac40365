import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LogFileReader } from "./log-file.js";

describe("LogFileReader", () => {
  const dir = mkdtempSync(join(tmpdir(), "runfleet-logfile-"));
  const path = join(dir, "worker.stdout.log");
  const at = "2026-12-01T08:00:00.000Z";
  const lines = (reader: LogFileReader) => reader.readNew(at).map((l) => l.line);

  afterEach(() => rmSync(path, { force: true }));

  it("gives nothing for a file not written yet", () => {
    expect(new LogFileReader(path, "stdout").readNew(at)).toEqual([]);
  });

  it("gives each complete line once, and a half-written one when its newline comes", () => {
    const reader = new LogFileReader(path, "stdout");
    writeFileSync(path, "one\ntwo\nthr");
    expect(reader.readNew(at)).toEqual([
      { at, stream: "stdout", line: "one" },
      { at, stream: "stdout", line: "two" },
    ]);
    expect(lines(reader)).toEqual([]);
    appendFileSync(path, "ee\n\nfour\n");
    expect(lines(reader)).toEqual(["three", "four"]);
  });

  it("flushes a last line left without a newline", () => {
    const reader = new LogFileReader(path, "stderr");
    writeFileSync(path, "done\nbye");
    expect(lines(reader)).toEqual(["done"]);
    expect(reader.flush(at)).toEqual([{ at, stream: "stderr", line: "bye" }]);
    expect(reader.flush(at)).toEqual([]);
  });

  it("starts over when the file is truncated or replaced by a shorter one", () => {
    const reader = new LogFileReader(path, "stdout");
    writeFileSync(path, "a long first line\n");
    expect(lines(reader)).toEqual(["a long first line"]);
    writeFileSync(path, "new\n");
    expect(lines(reader)).toEqual(["new"]);
  });

  it("stamps lines with the file's last change when no instant is given", () => {
    const reader = new LogFileReader(path, "stdout");
    writeFileSync(path, "x\n");
    const [line] = reader.readNew();
    expect(Number.isNaN(Date.parse(line?.at ?? ""))).toBe(false);
    expect(line?.at).not.toBe(new Date(0).toISOString());
  });
});
