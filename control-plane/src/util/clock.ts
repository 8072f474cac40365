/** A source of the current time, injected so that time-dependent logic can be tested with a fake clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Formats an epoch-ms instant as the API's RFC 3339 timestamp. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Formats an optional instant, keeping null. */
export function toIsoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : toIso(ms);
}
