import { hostname } from "node:os";

/** The version this runtime reports in error documents and pings. */
export const RUNTIME_VERSION = "runfleet-sdk-worker/0.1.0";

/** A job-done body, as the worker protocol defines it. */
export interface ResultBody {
  output?: unknown;
  error?: string;
  stopPod?: true;
  status?: "IN_PROGRESS";
}

/**
 * Shapes a handler's return value into a job-done body, with RunPod's rules: a non-object value is the
 * output; from an object, `error` and `refresh_worker` are taken out, the rest is the output (omitted
 * when empty), `error` fails the job and `refresh_worker` (or the worker's own option) asks to be recycled.
 */
export function resultBody(value: unknown, refreshWorker: boolean): ResultBody {
  const body: ResultBody = {};
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const { error, refresh_worker: refresh, ...rest } = value as Record<string, unknown>;
    if (Object.keys(rest).length > 0) {
      body.output = rest;
    }
    if (error !== undefined && error !== null && error !== "") {
      body.error = typeof error === "string" ? error : JSON.stringify(error);
    }
    if (refresh === true) {
      body.stopPod = true;
    }
  } else {
    body.output = value;
  }
  if (refreshWorker) {
    body.stopPod = true;
  }
  return body;
}

/**
 * The error document of a handler that threw, as a JSON string (RunPod's workers send it this way and
 * clients parse it): type, message, stack, host and worker.
 */
export function errorBody(error: unknown, workerId: string, refreshWorker: boolean): ResultBody {
  const err = error instanceof Error ? error : new Error(String(error));
  const body: ResultBody = {
    error: JSON.stringify({
      error_type: err.name,
      error_message: err.message,
      error_traceback: err.stack ?? "",
      hostname: hostname(),
      worker_id: workerId,
      runtime: RUNTIME_VERSION,
    }),
  };
  if (refreshWorker) {
    body.stopPod = true;
  }
  return body;
}

/** Fills a URL template: `$ID` becomes the job id, `$RUNPOD_POD_ID` the worker id. */
export function fillTemplate(template: string, workerId: string, jobId?: string): string {
  let url = template.replaceAll("$RUNPOD_POD_ID", workerId);
  if (jobId !== undefined) {
    url = url.replaceAll("$ID", encodeURIComponent(jobId));
  }
  return url;
}

/** Appends query parameters to a URL that may already have a query. */
export function withQuery(url: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  return query ? `${url}${url.includes("?") ? "&" : "?"}${query}` : url;
}
