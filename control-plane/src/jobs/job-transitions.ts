import type { JobStatusValue } from "../store/records.js";

/** Something that happens to a job. */
export type JobEvent =
  /** A worker takes it. */
  | "take"
  /** The worker that took it hung up before it got it: back to its place, not counted as a retry. */
  | "unassign"
  /** Its worker finished it with a result. */
  | "complete"
  /** Its worker reported an error, or it was lost too often. */
  | "fail"
  /** A client cancelled it (queued or running). */
  | "cancel"
  /** A client purged the endpoint's queue, which removes queued jobs only. */
  | "purge"
  /** It ran longer than its execution timeout. */
  | "timeout"
  /** Its `policy.ttl` ran out, queued or running: it ends without a result but stays readable until its retention ends. */
  | "expire"
  /** Its worker went silent (lease expired): back to the queue. */
  | "lose"
  /** A client asked to run a failed or timed-out job again. */
  | "retry";

/**
 * The job state machine, as one table: for each event, the states it may happen in and the state it
 * leads to. `IN_QUEUE → IN_PROGRESS → COMPLETED | FAILED | TIMED_OUT | CANCELLED`,
 * `IN_QUEUE | IN_PROGRESS → TIMED_OUT` when the ttl runs out (RunPod's "expired before pickup"), and
 * `FAILED | TIMED_OUT → IN_QUEUE` on retry.
 */
export const JOB_TRANSITIONS: Record<JobEvent, { from: readonly JobStatusValue[]; to: JobStatusValue }> = {
  take: { from: ["IN_QUEUE"], to: "IN_PROGRESS" },
  unassign: { from: ["IN_PROGRESS"], to: "IN_QUEUE" },
  complete: { from: ["IN_PROGRESS"], to: "COMPLETED" },
  fail: { from: ["IN_PROGRESS"], to: "FAILED" },
  cancel: { from: ["IN_QUEUE", "IN_PROGRESS"], to: "CANCELLED" },
  purge: { from: ["IN_QUEUE"], to: "CANCELLED" },
  timeout: { from: ["IN_PROGRESS"], to: "TIMED_OUT" },
  expire: { from: ["IN_QUEUE", "IN_PROGRESS"], to: "TIMED_OUT" },
  lose: { from: ["IN_PROGRESS"], to: "IN_QUEUE" },
  retry: { from: ["FAILED", "TIMED_OUT"], to: "IN_QUEUE" },
};

/** Statuses after which nothing more happens (but a retry). */
export const TERMINAL_STATUSES: readonly JobStatusValue[] = ["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"];

/** True for a final status. */
export function isTerminal(status: JobStatusValue): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** The state `event` leads to from `status`, or undefined when the event cannot happen there. */
export function nextStatus(status: JobStatusValue, event: JobEvent): JobStatusValue | undefined {
  const transition = JOB_TRANSITIONS[event];
  return transition.from.includes(status) ? transition.to : undefined;
}
