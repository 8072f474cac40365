import { ConnectionError } from "./errors.js";
import type { CompiledRunfleetOptions } from "./runfleet-options.js";

/** A `fetch` that takes a `Request`, as openapi-fetch calls it. */
export type RequestFetch = (request: Request) => Promise<Response>;

/** The request each answer came from, for error messages (openapi-fetch hands back only the response). */
export const requestOf = new WeakMap<Response, { method: string; url: string }>();

/** Methods whose repetition has no further effect. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** POST operations that are idempotent by their meaning: waiting on a status, cancelling, draining. */
const IDEMPOTENT_POST = /\/(status-sync|cancel)\/[^/]+$|\/workers\/[^/]+\/drain$/;

/**
 * Wraps `fetch` with retries. Which requests are retried is decided by whether a second attempt is safe:
 * - 429 and 503 mean the server did not act on the request, so any request is retried, after the
 *   server's `Retry-After` when it sent one;
 * - a refused connection means the request never arrived, so it is retried too;
 * - other 5xx answers and broken connections may come after the server acted, so only idempotent
 *   requests are retried: GET/PUT/DELETE, the idempotent POSTs, and any request with an
 *   `Idempotency-Key` (the SDK sends one with every `/run`, so a retried submission returns the first job).
 * Back-off waits end early when the request's signal aborts.
 */
export function retryingFetch(options: CompiledRunfleetOptions): RequestFetch {
  const { retry } = options;
  return async (request) => {
    const idempotent =
      IDEMPOTENT_METHODS.has(request.method) ||
      request.headers.has("idempotency-key") ||
      (request.method === "POST" && IDEMPOTENT_POST.test(new URL(request.url).pathname));
    for (let attempt = 0; ; attempt++) {
      if (request.signal.aborted) {
        throw request.signal.reason;
      }
      // A body can be read once; each attempt sends a copy and keeps the original for the next one.
      const sent = attempt < retry.maxRetries ? request.clone() : request;
      let response: Response;
      try {
        response = await untilAborted(options.fetch(sent), request.signal);
      } catch (error) {
        if (request.signal.aborted) {
          throw request.signal.reason;
        }
        const refused = connectionRefused(error);
        if (attempt < retry.maxRetries && (idempotent || refused)) {
          await pause(request, attempt, backoff(options, attempt), undefined, false, options);
          continue;
        }
        throw new ConnectionError(options.baseUrl, {
          cause: error,
          request: { method: request.method, url: request.url },
        });
      }
      requestOf.set(response, { method: request.method, url: request.url });
      const status = response.status;
      const notProcessed = status === 429 || status === 503;
      const retryable = notProcessed || (idempotent && (status === 500 || status === 502 || status === 504));
      if (!retryable || attempt >= retry.maxRetries) {
        return response;
      }
      const retryAfter = retryAfterMs(response.headers.get("retry-after"));
      if (retryAfter !== undefined && retryAfter > retry.maxRetryAfterMs) {
        return response;
      }
      // Let the connection be reused rather than leaving the unread answer attached to it.
      await response.body?.cancel().catch(() => undefined);
      await pause(request, attempt, retryAfter ?? backoff(options, attempt), status, retryAfter !== undefined, options);
    }
  };
}

/** Exponential back-off with full jitter, capped at `maxDelayMs`. */
function backoff(options: CompiledRunfleetOptions, attempt: number): number {
  const ceiling = Math.min(options.retry.maxDelayMs, options.retry.initialDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === "") {
    return undefined;
  }
  if (/^\d+$/.test(header.trim())) {
    return Number(header.trim()) * 1000;
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function pause(
  request: Request,
  attempt: number,
  delayMs: number,
  status: number | undefined,
  fromRetryAfter: boolean,
  options: CompiledRunfleetOptions,
): Promise<void> {
  options.retry.onRetry?.({
    method: request.method,
    url: request.url,
    attempt: attempt + 1,
    delayMs,
    status,
    fromRetryAfter,
  });
  await sleep(delayMs, request.signal);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Settles with `pending`, or rejects with the signal's reason as soon as it aborts: a `fetch` that
 * ignores signals (an in-process `app.fetch`, some polyfills) still cannot outlive the caller's abort.
 */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    pending.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** True when the error says the connection was refused: nothing listened, so nothing was processed. */
function connectionRefused(error: unknown): boolean {
  // Node's fetch puts the socket error under `cause`; browsers give no detail and so never match.
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } } | undefined)?.cause;
  return cause?.code === "ECONNREFUSED" || (cause?.errors ?? []).some((e) => e.code === "ECONNREFUSED");
}
