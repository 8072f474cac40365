import { appendFileSync, closeSync, type FSWatcher, fstatSync, openSync, readSync, statSync, watch } from "node:fs";
import { PRIVATE_FILE_MODE } from "../util/private-files.js";
import type { WorkerLogLine } from "./worker-driver.js";

/**
 * The file next to a log that records when it grew: one `<size> <epoch ms>` line each time the log was
 * seen longer, meaning "the bytes up to <size> had been written by then".
 */
export function growthPath(logPath: string): string {
  return `${logPath}.times`;
}

/**
 * Change events within this many ms share one record: a worker writing thousands of lines a second costs
 * the control plane at most a hundred small appends a second, and its lines are stamped to within this.
 */
const COALESCE_MS = 10;

/** One record of a growth file. */
interface Growth {
  size: number;
  at: number;
}

/**
 * Watches a log file a worker writes to directly (so that the worker outlives the control plane) and
 * records when it grows, so that each line gets the instant it was written rather than the file's last
 * change. Change events come from the kernel (inotify) as the worker writes; a slow poll catches any the
 * watcher misses. Lines written while nothing watched (the control plane was down) get the instant the
 * next recorder first saw them, or the file's last change when it starts.
 */
export class LogGrowthRecorder {
  private size = 0;
  private readonly watcher: FSWatcher | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private scheduled = false;

  constructor(
    private readonly logPath: string,
    pollIntervalMs = 500,
  ) {
    // Adopted after a restart: what is already there was written by the file's last change at the latest.
    const stat = statOrUndefined(logPath);
    const recorded = lastGrowth(growthPath(logPath))?.size ?? 0;
    if (stat && stat.size > recorded) {
      this.append(stat.size, stat.mtimeMs);
    }
    this.size = Math.max(stat?.size ?? 0, recorded);
    try {
      this.watcher = watch(logPath, { persistent: false }, () => this.changed());
      this.watcher.on("error", () => undefined); // the file was removed with its worker
    } catch {
      this.watcher = undefined; // not created yet, or removed: the poll still records
    }
    this.timer = setInterval(() => this.check(), pollIntervalMs);
    this.timer.unref();
  }

  private changed(): void {
    if (this.scheduled) {
      return;
    }
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.check();
    }, COALESCE_MS).unref();
  }

  /** Records the file's size now if it grew. */
  check(): void {
    if (this.closed) {
      return;
    }
    const size = statOrUndefined(this.logPath)?.size;
    if (size === undefined) {
      return;
    }
    if (size > this.size) {
      this.append(size, Date.now());
    }
    this.size = size;
  }

  /** Records a last time and stops watching (the worker has ended). */
  close(): void {
    this.check();
    this.closed = true;
    this.watcher?.close();
    clearInterval(this.timer);
  }

  private append(size: number, at: number): void {
    try {
      // Private like the log it describes: created 0600 whatever the umask (the directory is 0700 too).
      appendFileSync(growthPath(this.logPath), `${size} ${Math.round(at)}\n`, { mode: PRIVATE_FILE_MODE });
    } catch {
      // The worker's files were removed meanwhile.
    }
  }
}

/**
 * Reads the log file a worker writes to, line by line, from where the last read stopped: for following a
 * worker's output as it comes. A line is only given once its newline is written (or at `flush`), so a
 * line caught half-written is not split in two. Each line carries the instant it was written, from the
 * file's growth records ({@link LogGrowthRecorder}); a line no record covers yet carries the instant
 * given to `readNew`, or else the file's last change.
 */
export class LogFileReader {
  /** Byte offset of the first byte not read yet. */
  private offset = 0;
  private partial = "";
  /** Byte offset where `partial` starts. */
  private partialStart = 0;
  /** The file's last change, as of the last read. */
  private lastChange = new Date(0).toISOString();
  /** Growth records not yet passed, oldest first, and how far the growth file was read. */
  private growth: Growth[] = [];
  private growthOffset = 0;

  constructor(
    private readonly path: string,
    private readonly stream: WorkerLogLine["stream"],
  ) {}

  /**
   * The complete lines written since the last read. `at` is the instant to give lines that no growth
   * record covers yet (when following, the moment of reading); when absent, the file's last change.
   */
  readNew(at?: string): WorkerLogLine[] {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return []; // not written yet, or removed with its worker
    }
    let text: string;
    try {
      const stat = fstatSync(fd);
      this.lastChange = stat.mtime.toISOString();
      if (stat.size < this.offset) {
        // Truncated or replaced: start over.
        this.offset = 0;
        this.partial = "";
        this.partialStart = 0;
        this.growth = [];
        this.growthOffset = 0;
      }
      if (stat.size === this.offset) {
        return [];
      }
      const buffer = Buffer.alloc(stat.size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += read;
      text = this.partial + buffer.subarray(0, read).toString("utf8");
    } finally {
      closeSync(fd);
    }
    this.readGrowth();
    const pieces = text.split("\n");
    this.partial = pieces.pop() ?? "";
    const fallback = at ?? this.lastChange;
    const lines: WorkerLogLine[] = [];
    let start = this.partialStart;
    for (const piece of pieces) {
      const end = start + Buffer.byteLength(piece) + 1;
      const when = this.writtenBy(end) ?? fallback;
      if (piece.length > 0) {
        lines.push({ at: when, stream: this.stream, line: piece });
      }
      start = end;
    }
    this.partialStart = start;
    return lines;
  }

  /** A last line left without a newline (the worker has ended, or a snapshot is asked for). */
  flush(at = this.lastChange): WorkerLogLine[] {
    const line = this.partial;
    const end = this.partialStart + Buffer.byteLength(line);
    this.partial = "";
    this.partialStart = end;
    return line.length > 0 ? [{ at: this.writtenBy(end) ?? at, stream: this.stream, line }] : [];
  }

  /** The instant the bytes up to `end` had been written, from the growth records; undefined if none says. */
  private writtenBy(end: number): string | undefined {
    while (this.growth.length > 0 && (this.growth[0] as Growth).size < end) {
      this.growth.shift();
    }
    const record = this.growth[0];
    return record === undefined ? undefined : new Date(record.at).toISOString();
  }

  /** Reads growth records written since the last read. */
  private readGrowth(): void {
    let fd: number;
    try {
      fd = openSync(growthPath(this.path), "r");
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.growthOffset) {
        return;
      }
      const buffer = Buffer.alloc(size - this.growthOffset);
      const read = readSync(fd, buffer, 0, buffer.length, this.growthOffset);
      const text = buffer.subarray(0, read).toString("utf8");
      // Only whole records: a record caught half-written is read next time.
      const complete = text.slice(0, text.lastIndexOf("\n") + 1);
      this.growthOffset += Buffer.byteLength(complete);
      this.growth.push(...parseGrowth(complete));
    } finally {
      closeSync(fd);
    }
  }
}

function parseGrowth(text: string): Growth[] {
  return text
    .split("\n")
    .map((line) => line.split(" ").map(Number))
    .filter((pair): pair is [number, number] => pair.length === 2 && pair.every(Number.isFinite))
    .map(([size, at]) => ({ size, at }));
}

function lastGrowth(path: string): Growth | undefined {
  try {
    const text = readFileTail(path, 256);
    return parseGrowth(text).at(-1);
  } catch {
    return undefined;
  }
}

function readFileTail(path: string, bytes: number): string {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString("utf8");
    // Drop a first record cut in two by the window.
    return size > length ? text.slice(text.indexOf("\n") + 1) : text;
  } finally {
    closeSync(fd);
  }
}

function statOrUndefined(path: string): { size: number; mtimeMs: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
