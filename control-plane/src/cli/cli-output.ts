/** Where a command writes: stdout for results, stderr for progress and messages. */
export interface CliOutput {
  /** Results: tables, JSON documents, ids. */
  out: (text: string) => void;
  /** Progress, hints and errors. */
  err: (text: string) => void;
  /** Whether stderr is a terminal (spinners only there). */
  interactive: boolean;
}

/** Renders rows as an aligned table for people. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}\n`;
  return line(header) + rows.map(line).join("");
}

/** Renders an object's fields as `key: value` lines; nested values as compact JSON. */
export function fields(record: object): string {
  const entries = Object.entries(record);
  const width = Math.max(...entries.map(([key]) => key.length));
  return entries
    .map(([key, value]) => {
      const text = typeof value === "string" ? value : value === null ? "-" : JSON.stringify(value);
      return `${`${key}:`.padEnd(width + 2)}${text}\n`;
    })
    .join("");
}

/** A JSON document for scripts: pretty, one per command, newline-terminated. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A spinner on stderr while something runs; a no-op when stderr is not a terminal. */
export function spinner(output: CliOutput, label: () => string): { stop: () => void; pause: () => void } {
  if (!output.interactive) {
    return { stop: () => undefined, pause: () => undefined };
  }
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  const clear = () => output.err("\r\x1b[2K");
  const timer = setInterval(() => {
    output.err(`\r\x1b[2K${frames[frame++ % frames.length]} ${label()}`);
  }, 100);
  timer.unref();
  return {
    // Clears the line so that a printed line does not mix with the spinner's.
    pause: clear,
    stop: () => {
      clearInterval(timer);
      clear();
    },
  };
}
