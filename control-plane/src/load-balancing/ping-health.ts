/**
 * What a load-balancing worker's answer to `GET /ping` means, as RunPod defines it: 200 healthy (takes
 * requests), 204 still initializing (kept out of rotation), anything else unhealthy.
 */
export type PingHealth = "healthy" | "initializing" | "unhealthy";

/** The outcome of one `/ping`: the status it answered, or why it could not answer. */
export type PingOutcome = { kind: "answered"; status: number } | { kind: "failed"; reason: string };

/**
 * Classifies a `/ping` outcome. A worker that cannot be reached yet while it boots is initializing (its
 * server is not listening yet; the init timeout bounds the wait); once it was ready, not answering makes
 * it unhealthy.
 */
export function pingHealth(outcome: PingOutcome, everReady: boolean): PingHealth {
  if (outcome.kind === "failed") {
    return everReady ? "unhealthy" : "initializing";
  }
  if (outcome.status === 200) {
    return "healthy";
  }
  if (outcome.status === 204) {
    return "initializing";
  }
  return "unhealthy";
}
