import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { growthPath, LogFileReader, LogGrowthRecorder } from "./log-file.js";

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

describe("LogGrowthRecorder", () => {
  const dir = mkdtempSync(join(tmpdir(), "runfleet-loggrowth-"));
  const path = join(dir, "worker.stdout.log");

  afterEach(() => {
    rmSync(path, { force: true });
    rmSync(growthPath(path), { force: true });
  });

  it("gives each line the instant the file grew by it, not the file's last change", async () => {
    writeFileSync(path, "");
    const recorder = new LogGrowthRecorder(path, 20);
    try {
      appendFileSync(path, "first\n");
      recorder.check();
      await new Promise((r) => setTimeout(r, 120));
      appendFileSync(path, "second\nthi");
      recorder.check();
      await new Promise((r) => setTimeout(r, 120));
      appendFileSync(path, "rd\n");
      recorder.check();
    } finally {
      recorder.close();
    }
    const reader = new LogFileReader(path, "stdout");
    const [first, second, third] = reader.readNew();
    expect([first?.line, second?.line, third?.line]).toEqual(["first", "second", "third"]);
    const at = (line: { at: string } | undefined) => Date.parse(line?.at ?? "");
    expect(at(second) - at(first)).toBeGreaterThanOrEqual(100);
    // A line is stamped when its newline was written.
    expect(at(third) - at(second)).toBeGreaterThanOrEqual(100);
  });

  it("stamps what a worker wrote before anything watched with the file's last change", () => {
    writeFileSync(path, "written while the control plane was down\n");
    const recorder = new LogGrowthRecorder(path, 20);
    recorder.close();
    const [line] = new LogFileReader(path, "stdout").readNew("2000-01-01T00:00:00.000Z");
    expect(line?.at).not.toBe("2000-01-01T00:00:00.000Z");
    expect(Math.abs(Date.parse(line?.at ?? "") - Date.now())).toBeLessThan(60_000);
  });
});
