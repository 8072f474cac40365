/** A duration in ms for people: "840 ms", "2.4 s", "3 min". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) {
    return "–";
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  if (ms < 3_600_000) {
    return `${Math.round(ms / 60_000)} min`;
  }
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** How long ago an instant was, or "–". */
export function formatAge(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) {
    return "–";
  }
  return formatMs(Math.max(0, now - Date.parse(iso)));
}

/** An instant in the reader's time zone. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "–";
}

/** A value as indented JSON. */
export function json(value: unknown): string {
  return value === undefined ? "" : JSON.stringify(value, null, 2);
}
