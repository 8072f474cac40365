import { createHmac } from "node:crypto";
import type { Logger } from "../logging/logger.js";
import type { JobRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newId } from "../util/ids.js";

/** Tuning of webhook delivery; every field comes from the configuration. */
export interface WebhookDispatcherOptions {
  /** HMAC-SHA256 key of the signature header. */
  secret: string;
  /** Attempts before giving up. */
  maxAttempts: number;
  /** Delay before the first retry; each later one waits 4 times longer. */
  retryBaseMs: number;
  /** Time the receiver has to answer. */
  timeoutMs: number;
  /** How often the outbox is polled for due retries. */
  pollIntervalMs: number;
}

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = "runfleet-signature";

/**
 * Signs a webhook body: HMAC-SHA256 over `<timestamp>.<body>`, so a receiver can reject both forged and
 * replayed deliveries (by checking the timestamp is recent).
 */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex");
  return `t=${timestampSeconds},v1=${mac}`;
}

/**
 * Delivers the webhooks of jobs that ended. Each is first written to a durable outbox (so a restart does
 * not lose it), POSTed with the job's final status, and retried with exponential back-off until the
 * receiver answers 2xx or the attempts run out. Every attempt is logged in the store and readable over
 * the API.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<string>();
  private draining = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: WebhookDispatcherOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts polling the outbox (deliveries pending from before a restart go out now). */
  start(): void {
    this.timer = setInterval(() => void this.drain(), this.options.pollIntervalMs);
    this.timer.unref();
    void this.drain();
  }

  /** Stops polling; deliveries in flight finish on their own. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Queues the webhook of a job that ended, with its final status document as the payload. */
  async enqueue(job: JobRecord, payload: unknown): Promise<void> {
    if (!job.webhook) {
      return;
    }
    await this.store.putWebhookOutbox({
      jobId: job.id,
      endpointId: job.endpointId,
      url: job.webhook,
      payload: JSON.stringify(payload),
      attempts: 0,
      nextAttemptAt: this.clock.now(),
    });
    void this.drain();
  }

  /** Sends every due delivery once. */
  async drain(): Promise<void> {
    if (this.draining || this.stopped) {
      return;
    }
    this.draining = true;
    try {
      const due = await this.store.listDueWebhooks(this.clock.now(), 100);
      await Promise.all(due.filter((entry) => !this.inFlight.has(entry.jobId)).map((entry) => this.deliver(entry)));
    } catch (error) {
      this.logger.error({ err: error }, "webhook outbox poll failed");
    } finally {
      this.draining = false;
    }
  }

  private async deliver(entry: Awaited<ReturnType<Store["listDueWebhooks"]>>[number]): Promise<void> {
    this.inFlight.add(entry.jobId);
    const attempt = entry.attempts + 1;
    const deliveryId = newId("whd");
    let responseStatus: number | null = null;
    let error: string | null = null;
    try {
      const timestamp = Math.floor(this.clock.now() / 1000);
      const response = await fetch(entry.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Runfleet-Webhook/0.1",
          [SIGNATURE_HEADER]: signWebhook(this.options.secret, entry.payload, timestamp),
          "runfleet-delivery-id": deliveryId,
          "runfleet-job-id": entry.jobId,
          "runfleet-attempt": String(attempt),
        },
        body: entry.payload,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: "manual",
      });
      responseStatus = response.status;
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300) {
        error = `receiver answered ${response.status}`;
      }
    } catch (cause) {
      // fetch hides the network reason (refused, reset, DNS) in `cause`.
      const reason = (cause as { cause?: { code?: string; message?: string } }).cause;
      error =
        cause instanceof Error
          ? `${cause.message}${reason ? ` (${reason.code ?? reason.message})` : ""}`
          : String(cause);
    }
    const now = this.clock.now();
    try {
      if (error === null) {
        await this.store.deleteWebhookOutbox(entry.jobId);
        await this.record(entry, deliveryId, attempt, "delivered", responseStatus, null, now, null);
      } else if (attempt >= this.options.maxAttempts) {
        await this.store.deleteWebhookOutbox(entry.jobId);
        await this.record(entry, deliveryId, attempt, "gave_up", responseStatus, error, now, null);
        this.logger.warn({ jobId: entry.jobId, url: entry.url, attempt }, "webhook delivery gave up");
      } else {
        const nextAttemptAt = now + this.options.retryBaseMs * 4 ** (attempt - 1);
        await this.store.putWebhookOutbox({ ...entry, attempts: attempt, nextAttemptAt });
        await this.record(entry, deliveryId, attempt, "failed", responseStatus, error, now, nextAttemptAt);
      }
    } finally {
      this.inFlight.delete(entry.jobId);
    }
  }

  private record(
    entry: { jobId: string; endpointId: string; url: string },
    id: string,
    attempt: number,
    state: "delivered" | "failed" | "gave_up",
    responseStatus: number | null,
    error: string | null,
    at: number,
    nextAttemptAt: number | null,
  ): Promise<void> {
    return this.store.insertWebhookDelivery({
      id,
      jobId: entry.jobId,
      endpointId: entry.endpointId,
      url: entry.url,
      attempt,
      state,
      responseStatus,
      error,
      at,
      nextAttemptAt,
    });
  }
}
