import { type HttpAnswer, send } from "./http-transport.js";
import { fillTemplate, type ResultBody, RUNTIME_VERSION, withQuery } from "./result-body.js";
import type { WorkerEnvironment } from "./worker-environment.js";

/** A job as the control plane hands it over. */
export interface TakenJob {
  id: string;
  input: unknown;
  [key: string]: unknown;
}

/** Longest a take or stop poll may stay open on the client side (the server answers well before). */
const POLL_TIMEOUT_MS = 90_000;

/** Thrown when the control plane answers 429: the caller waits before asking again. */
export class BackpressureError extends Error {
  override readonly name = "BackpressureError";
}

/**
 * The worker side of the protocol over HTTP: job-take (single and batch), job-stop, job-done,
 * job-stream and ping. The token goes raw in `Authorization`, as RunPod's workers send it.
 */
export class ProtocolClient {
  constructor(private readonly env: WorkerEnvironment) {}

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

  /** Posts a result or a progress update. */
  done(jobId: string, body: ResultBody, isStream: boolean): Promise<void> {
    const url = withQuery(fillTemplate(this.env.doneUrl, this.env.workerId, jobId), { isStream: String(isStream) });
    return this.post(url, jobId, body);
  }

  /** Posts one streamed chunk. */
  chunk(jobId: string, output: unknown): Promise<void> {
    const url = withQuery(fillTemplate(this.env.streamUrl, this.env.workerId, jobId), { isStream: "false" });
    return this.post(url, jobId, { output });
  }

  /** Sends a heartbeat naming the jobs in progress. Failures are ignored: the next one may succeed. */
  async ping(jobIds: readonly string[]): Promise<void> {
    if (!this.env.pingUrl) {
      return;
    }
    const params: Record<string, string> = { runpod_version: RUNTIME_VERSION };
    if (jobIds.length > 0) {
      params.job_id = jobIds.join(",");
    }
    try {
      await send(withQuery(this.env.pingUrl, params), {
        method: "GET",
        headers: { authorization: this.env.token },
        timeoutMs: this.env.pingIntervalMs * 2,
      });
    } catch {
      // A missed heartbeat is retried by the next one.
    }
  }

  private get(url: string, signal: AbortSignal): Promise<HttpAnswer> {
    return send(url, { method: "GET", headers: { authorization: this.env.token }, signal, timeoutMs: POLL_TIMEOUT_MS });
  }

  /** POSTs JSON, retrying network errors and 5xx three times with back-off; 4xx are final. */
  private async post(url: string, jobId: string, body: unknown): Promise<void> {
    const payload = JSON.stringify(body);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) {
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      }
      try {
        const response = await send(url, {
          method: "POST",
          headers: { authorization: this.env.token, "content-type": "application/json", "x-request-id": jobId },
          body: payload,
          timeoutMs: 30_000,
        });
        if (response.status >= 200 && response.status < 300) {
          return;
        }
        lastError = new Error(`${response.status}: ${response.text.slice(0, 300)}`);
        if (response.status < 500) {
          break;
        }
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }
}
