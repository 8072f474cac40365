import { type HttpAnswer, type HttpRequestOptions, send } from "./http-transport.js";
import { fillTemplate, type ResultBody, RUNTIME_VERSION, withQuery } from "./result-body.js";
import type { WorkerEnvironment } from "./worker-environment.js";

/** A job as the control plane hands it over. */
export interface TakenJob {
  id: string;
  input: unknown;
  [key: string]: unknown;
}

/** First wait before a post is retried; it doubles up to {@link RETRY_MAX_MS}. */
const RETRY_BASE_MS = 250;
/** Longest wait between two tries of a post. */
const RETRY_MAX_MS = 5_000;

/** Longest a take or stop poll may stay open on the client side (the server answers well before). */
const POLL_TIMEOUT_MS = 90_000;

/**
 * Most characters of job ids (commas included) one heartbeat names. A busy worker's ids are spread over
 * several pings so that each request stays far below the 16 KB request-head limit of common HTTP servers
 * (Node's default, proxies), whatever the control plane accepts: every ping extends the leases of the
 * jobs it names, so several small ones do what one large one would.
 */
export const PING_JOB_IDS_MAX_CHARS = 6_000;

/** Splits job ids into comma-joined lists of at most `maxChars` characters (an id longer than that alone). */
export function pingJobIdLists(jobIds: readonly string[], maxChars = PING_JOB_IDS_MAX_CHARS): string[] {
  const lists: string[] = [];
  let current = "";
  for (const id of jobIds) {
    if (current.length > 0 && current.length + 1 + id.length > maxChars) {
      lists.push(current);
      current = "";
    }
    current = current.length > 0 ? `${current},${id}` : id;
  }
  if (current.length > 0) {
    lists.push(current);
  }
  return lists;
}

/** Thrown when the control plane answers 429: the caller waits before asking again. */
export class BackpressureError extends Error {
  override readonly name = "BackpressureError";
}

/**
 * The worker side of the protocol over HTTP: job-take (single and batch), job-stop, job-done,
 * job-stream and ping. The token goes raw in `Authorization`, as RunPod's workers send it.
 */
export class ProtocolClient {
  /** When the control plane last answered anything but a 5xx (a proxy's 502 is not the control plane). */
  private lastContactAt = Date.now();

  constructor(private readonly env: WorkerEnvironment) {}

  /**
   * True once the control plane has not answered for `orphanTimeoutMs`: it is gone (killed, or moved
   * without this worker), and nothing this worker does can reach anyone.
   */
  orphaned(now = Date.now()): boolean {
    return this.env.orphanTimeoutMs > 0 && now - this.lastContactAt > this.env.orphanTimeoutMs;
  }

  /**
   * Starts the silence over: the process was frozen (a FlashBoot standby is paused with SIGSTOP for as
   * long as it is not needed), so the time that passed says nothing about the control plane.
   */
  thawed(now = Date.now()): void {
    this.lastContactAt = now;
  }

  /** Milliseconds since the control plane last answered. */
  silenceMs(now = Date.now()): number {
    return now - this.lastContactAt;
  }

  /** Asks for up to `count` jobs; resolves with none when the control plane had nothing. */
  async take(count: number, inProgress: boolean, signal: AbortSignal): Promise<TakenJob[]> {
    const params: Record<string, string> = { job_in_progress: inProgress ? "1" : "0" };
    let url = this.env.takeUrl;
    if (count > 1) {
      url = url.replace("/job-take/", "/job-take-batch/");
      params.batch_size = String(count);
    }
    const response = await this.get(withQuery(url, params), signal);
    if (response.status === 204 || response.status === 400) {
      return [];
    }
    if (response.status === 429) {
      throw new BackpressureError("the control plane asked to slow down (429)");
    }
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`job-take answered ${response.status}: ${response.text.slice(0, 300)}`);
    }
    const text = response.text;
    if (!text) {
      return [];
    }
    const body = JSON.parse(text) as TakenJob | TakenJob[];
    const jobs = Array.isArray(body) ? body : [body];
    for (const job of jobs) {
      if (typeof job.id !== "string" || !("input" in job)) {
        throw new Error("job-take returned a job without id or input");
      }
    }
    return jobs;
  }

  /** Long-polls the jobs this worker must stop; undefined when the control plane has no stop channel. */
  async stopSignals(signal: AbortSignal): Promise<string[]> {
    const url = this.env.takeUrl.replace("/job-take/", "/job-stop/");
    const response = await this.get(url, signal);
    if (response.status !== 200) {
      if (response.status === 429) {
        throw new BackpressureError("the control plane asked to slow down (429)");
      }
      if (response.status !== 204) {
        throw new Error(`job-stop answered ${response.status}`);
      }
      return [];
    }
    const body = JSON.parse(response.text) as { jobsToStop?: unknown };
    return Array.isArray(body.jobsToStop) ? body.jobsToStop.filter((id): id is string => typeof id === "string") : [];
  }

  /**
   * Posts a result (retried until delivered, refused, or the worker is orphaned) or a progress update
   * (`status: IN_PROGRESS`, tried 3 times).
   */
  done(jobId: string, body: ResultBody, isStream: boolean): Promise<void> {
    const url = withQuery(fillTemplate(this.env.doneUrl, this.env.workerId, jobId), { isStream: String(isStream) });
    return this.post(url, jobId, body, body.status !== "IN_PROGRESS");
  }

  /** Posts one streamed chunk. */
  chunk(jobId: string, output: unknown): Promise<void> {
    const url = withQuery(fillTemplate(this.env.streamUrl, this.env.workerId, jobId), { isStream: "false" });
    return this.post(url, jobId, { output });
  }

  /**
   * Sends a heartbeat naming the jobs in progress, split over several requests when the ids are many
   * ({@link pingJobIdLists}). Resolves true when every request was answered 2xx; failures are otherwise
   * ignored, as the next heartbeat may succeed.
   */
  async ping(jobIds: readonly string[]): Promise<boolean> {
    const pingUrl = this.env.pingUrl;
    if (!pingUrl) {
      return true;
    }
    const lists = jobIds.length > 0 ? pingJobIdLists(jobIds) : [undefined];
    const answers = await Promise.all(
      lists.map(async (list) => {
        const params: Record<string, string> = { runpod_version: RUNTIME_VERSION };
        if (list !== undefined) {
          params.job_id = list;
        }
        try {
          const response = await this.send(withQuery(pingUrl, params), {
            method: "GET",
            headers: { authorization: this.env.token },
            timeoutMs: this.env.pingIntervalMs * 2,
          });
          return response.status >= 200 && response.status < 300;
        } catch {
          // A missed heartbeat is retried by the next one.
          return false;
        }
      }),
    );
    return answers.every(Boolean);
  }

  private get(url: string, signal: AbortSignal): Promise<HttpAnswer> {
    return this.send(url, {
      method: "GET",
      headers: { authorization: this.env.token },
      signal,
      timeoutMs: POLL_TIMEOUT_MS,
    });
  }

  /** Sends a request, noting that the control plane is alive when it answers. */
  private async send(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
    const answer = await send(url, options);
    if (answer.status < 500) {
      this.lastContactAt = Date.now();
    }
    return answer;
  }

  /**
   * POSTs JSON. Network errors, 5xx and 429 are retried with back-off (0.25 s doubling to 5 s); other 4xx
   * are final. A `persistent` post (a job's result) keeps trying until the worker counts itself orphaned
   * ({@link orphaned}): while it tries, the job stays in this worker's heartbeats, so its lease stays valid
   * on a control plane that restarts meanwhile (which renews every running job's lease at start-up), and
   * the result arrives instead of the job running twice. Other posts (progress, chunks) try 3 times.
   */
  private async post(url: string, jobId: string, body: unknown, persistent = false): Promise<void> {
    const payload = JSON.stringify(body);
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        if (persistent ? this.orphaned() : attempt >= 3) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1))));
      }
      try {
        const response = await this.send(url, {
          method: "POST",
          headers: { authorization: this.env.token, "content-type": "application/json", "x-request-id": jobId },
          body: payload,
          timeoutMs: 30_000,
        });
        if (response.status >= 200 && response.status < 300) {
          return;
        }
        lastError = new Error(`${response.status}: ${response.text.slice(0, 300)}`);
        if (response.status < 500 && response.status !== 429) {
          break;
        }
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }
}
