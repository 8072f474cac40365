/**
 * Traffic traces: the job arrivals a simulation replays. A trace is columnar (typed arrays) because a day
 * at 50 jobs/s holds 4.3 million jobs.
 */

/** Job arrivals sorted by arrival, instants in ms from the start of the trace. */
export interface Trace {
  /** Number of jobs. */
  readonly length: number;
  /** When each job arrives, ms from the start of the trace, non-decreasing. */
  readonly arrivalMs: Float64Array;
  /** How long each job runs on a warm worker, in ms. */
  readonly executionMs: Float64Array;
  /** 1 for a low-priority job (served after the others, never a reason to scale). */
  readonly lowPriority: Uint8Array;
}

/** One job of a trace, as a reader or a generator yields it. */
export interface TraceJob {
  arrivalMs: number;
  executionMs: number;
  lowPriority?: boolean;
}

/** A trace that cannot be read: the line (1-based) and field at fault, and why. */
export class TraceFormatError extends Error {
  override readonly name = "TraceFormatError";
  constructor(
    readonly line: number,
    readonly field: string | undefined,
    readonly problem: string,
  ) {
    super(`line ${line}${field ? `, ${field}` : ""}: ${problem}`);
  }
}

/** Builds a trace from jobs in any order (sorted by arrival, stable). */
export function traceOf(jobs: readonly TraceJob[]): Trace {
  const sorted = jobs.every((job, i) => i === 0 || (jobs[i - 1] as TraceJob).arrivalMs <= job.arrivalMs)
    ? jobs
    : [...jobs].sort((a, b) => a.arrivalMs - b.arrivalMs);
  const trace = {
    length: sorted.length,
    arrivalMs: new Float64Array(sorted.length),
    executionMs: new Float64Array(sorted.length),
    lowPriority: new Uint8Array(sorted.length),
  };
  sorted.forEach((job, i) => {
    trace.arrivalMs[i] = job.arrivalMs;
    trace.executionMs[i] = job.executionMs;
    trace.lowPriority[i] = job.lowPriority ? 1 : 0;
  });
  return trace;
}

/** Span of a trace: from 0 to its last arrival. */
export function traceDurationMs(trace: Trace): number {
  return trace.length === 0 ? 0 : (trace.arrivalMs[trace.length - 1] as number);
}

function number(line: number, field: string, raw: unknown): number {
  const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TraceFormatError(line, field, `must be a number ≥ 0, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function flag(line: number, raw: unknown): boolean {
  if (raw === undefined || raw === null || raw === "" || raw === false || raw === "false" || raw === "0" || raw === 0) {
    return false;
  }
  if (raw === true || raw === "true" || raw === "1" || raw === 1) {
    return true;
  }
  throw new TraceFormatError(line, "lowPriority", `must be true/false (or 1/0), got ${JSON.stringify(raw)}`);
}

/**
 * Reads a CSV trace: a header naming `arrivalMs` and `executionMs` (any order, other columns ignored),
 * optionally `lowPriority` (true/false/1/0), then one job per line. Blank lines and `#` comments are skipped.
 */
export function parseCsvTrace(text: string): Trace {
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  let columns = { arrival: -1, execution: -1, low: -1 };
  const jobs: TraceJob[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) {
      return;
    }
    const cells = line.split(",").map((cell) => cell.trim());
    if (header === undefined) {
      header = cells;
      columns = {
        arrival: cells.indexOf("arrivalMs"),
        execution: cells.indexOf("executionMs"),
        low: cells.indexOf("lowPriority"),
      };
      for (const [name, at] of [
        ["arrivalMs", columns.arrival],
        ["executionMs", columns.execution],
      ] as const) {
        if (at < 0) {
          throw new TraceFormatError(index + 1, name, `the header must name a ${name} column, got "${line}"`);
        }
      }
      return;
    }
    jobs.push({
      arrivalMs: number(index + 1, "arrivalMs", cells[columns.arrival]),
      executionMs: number(index + 1, "executionMs", cells[columns.execution]),
      lowPriority: columns.low >= 0 ? flag(index + 1, cells[columns.low]) : false,
    });
  });
  if (header === undefined) {
    throw new TraceFormatError(1, undefined, "empty trace: expected a header with arrivalMs,executionMs");
  }
  return traceOf(jobs);
}

/** Reads an NDJSON trace: one object per line with `arrivalMs`, `executionMs` and optional `lowPriority`. */
export function parseNdjsonTrace(text: string): Trace {
  const jobs: TraceJob[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") {
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new TraceFormatError(index + 1, undefined, `not JSON (${(error as Error).message})`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new TraceFormatError(index + 1, undefined, "each line must be a JSON object");
    }
    const job = value as Record<string, unknown>;
    jobs.push({
      arrivalMs: number(index + 1, "arrivalMs", job.arrivalMs),
      executionMs: number(index + 1, "executionMs", job.executionMs),
      lowPriority: flag(index + 1, job.lowPriority),
    });
  });
  return traceOf(jobs);
}

/** The formats a trace file may have. */
export type TraceFormat = "csv" | "ndjson";

/** The format of a trace file from its name (`.ndjson`/`.jsonl` or else CSV). */
export function traceFormatOf(path: string): TraceFormat {
  return /\.(nd)?jsonl?$/i.test(path) ? "ndjson" : "csv";
}

/** Reads a trace of the given format. */
export function parseTrace(text: string, format: TraceFormat): Trace {
  return format === "csv" ? parseCsvTrace(text) : parseNdjsonTrace(text);
}

/** Writes a trace as CSV (the shipped example traces are written this way). */
export function formatCsvTrace(trace: Trace): string {
  const lines = ["arrivalMs,executionMs,lowPriority"];
  for (let i = 0; i < trace.length; i++) {
    lines.push(`${trace.arrivalMs[i]},${trace.executionMs[i]},${trace.lowPriority[i] === 1}`);
  }
  return `${lines.join("\n")}\n`;
}
