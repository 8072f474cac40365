import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { WorkerLogLine } from "./worker-driver.js";

/**
 * Reads the log file a worker writes to, line by line, from where the last read stopped: for following a
 * worker's output as it comes. A line is only given once its newline is written (or at `flush`), so a
 * line caught half-written is not split in two.
 */
export class LogFileReader {
  private offset = 0;
  private partial = "";
  /** The file's last change, as of the last read. */
  private lastChange = new Date(0).toISOString();

  constructor(
    private readonly path: string,
    private readonly stream: WorkerLogLine["stream"],
  ) {}

  /**
   * The complete lines written since the last read. `at` is the instant to give them; when absent, the
   * file's last change (the worker writes the lines itself, so their own instants are unknown).
   */
  readNew(at?: string): WorkerLogLine[] {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return []; // not written yet, or removed with its worker
    }
    try {
      const stat = fstatSync(fd);
      this.lastChange = stat.mtime.toISOString();
      if (stat.size < this.offset) {
        // Truncated or replaced: start over.
        this.offset = 0;
        this.partial = "";
      }
      if (stat.size === this.offset) {
        return [];
      }
      const buffer = Buffer.alloc(stat.size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += read;
      const text = this.partial + buffer.subarray(0, read).toString("utf8");
      const pieces = text.split("\n");
      this.partial = pieces.pop() ?? "";
      const when = at ?? this.lastChange;
      return pieces.filter((line) => line.length > 0).map((line) => ({ at: when, stream: this.stream, line }));
    } finally {
      closeSync(fd);
    }
  }

  /** A last line left without a newline (the worker has ended, or a snapshot is asked for). */
  flush(at = this.lastChange): WorkerLogLine[] {
    const line = this.partial;
    this.partial = "";
    return line.length > 0 ? [{ at, stream: this.stream, line }] : [];
  }
}
