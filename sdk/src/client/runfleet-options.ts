/** What the client tells `onRetry` before it waits and tries a request again. */
export interface RetryEvent {
  /** The request's method. */
  method: string;
  /** The request's URL. */
  url: string;
  /** 1 for the first retry. */
  attempt: number;
  /** How long the client waits before the retry, in ms (from `Retry-After` when the server sent one). */
  delayMs: number;
  /** The status that caused the retry, or undefined when no answer came back. */
  status: number | undefined;
  /** Whether the wait was the server's `Retry-After`. */
  fromRetryAfter: boolean;
}

/** When and how often requests are tried again. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. @defaultValue 3 */
  maxRetries?: number;
  /** Wait before the first retry when the server gives no `Retry-After`; doubles each time. @defaultValue 250 */
  initialDelayMs?: number;
  /** Longest computed back-off between two attempts. @defaultValue 5000 */
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` the client honours; a server asking for more gets its answer passed to the
   * caller as an `ApiError` instead. @defaultValue 60000
   */
  maxRetryAfterMs?: number;
  /** Called before each retry (the client itself never logs). */
  onRetry?: (event: RetryEvent) => void;
}

/** Options of {@link createRunfleet}. */
export interface RunfleetOptions {
  /** The control plane's URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** An API key, sent as `Authorization: Bearer <key>`. Health checks work without one. */
  apiKey?: string;
  /**
   * The `fetch` to send requests with; give `app.fetch` of an in-process control plane to call it
   * without a network. @defaultValue globalThis.fetch
   */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Longest one call may take, retries included. Long polls (`runSync`, `stream`, status waits) get
   * their hold time on top. Override it per call with `timeoutMs`. @defaultValue 30000
   */
  timeoutMs?: number;
  /** Retries of 429 and 5xx answers and lost connections; `false` turns them off. */
  retry?: RetryOptions | false;
  /** Extra headers on every request. @defaultValue {} */
  headers?: Record<string, string>;
  /** First interval of `job.wait()` polling; grows by half each time. @defaultValue 200 */
  pollIntervalMs?: number;
  /** Longest interval of `job.wait()` polling. @defaultValue 2000 */
  maxPollIntervalMs?: number;
  /** How long one `/stream` call holds while no chunk is waiting. @defaultValue 10000 */
  streamHoldMs?: number;
}

/** {@link RunfleetOptions} with every default applied. */
export interface CompiledRunfleetOptions {
  baseUrl: string;
  apiKey: string | undefined;
  fetch: (request: Request) => Promise<Response>;
  timeoutMs: number;
  retry: Required<Omit<RetryOptions, "onRetry">> & Pick<RetryOptions, "onRetry">;
  headers: Record<string, string>;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  streamHoldMs: number;
}

/** Applies the defaults of {@link RunfleetOptions}: the one place they live. */
export function compileRunfleetOptions(options: RunfleetOptions): CompiledRunfleetOptions {
  if (typeof options.baseUrl !== "string" || !/^https?:\/\//.test(options.baseUrl)) {
    throw new TypeError(`baseUrl must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  }
  const retry = options.retry === false ? { maxRetries: 0 } : (options.retry ?? {});
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    apiKey: options.apiKey || undefined,
    // Looked up at call time, so a fetch patched after the client was made (tests, polyfills) is used.
    fetch: options.fetch ?? ((request) => globalThis.fetch(request)),
    timeoutMs: positive("timeoutMs", options.timeoutMs, 30_000),
    retry: {
      maxRetries: positive("retry.maxRetries", retry.maxRetries, 3, true),
      initialDelayMs: positive("retry.initialDelayMs", retry.initialDelayMs, 250, true),
      maxDelayMs: positive("retry.maxDelayMs", retry.maxDelayMs, 5000, true),
      maxRetryAfterMs: positive("retry.maxRetryAfterMs", retry.maxRetryAfterMs, 60_000, true),
      onRetry: retry.onRetry,
    },
    headers: { ...options.headers },
    pollIntervalMs: positive("pollIntervalMs", options.pollIntervalMs, 200),
    maxPollIntervalMs: positive("maxPollIntervalMs", options.maxPollIntervalMs, 2000),
    streamHoldMs: positive("streamHoldMs", options.streamHoldMs, 10_000, true),
  };
}

function positive(name: string, value: number | undefined, fallback: number, zeroAllowed = false): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new TypeError(`${name} must be a ${zeroAllowed ? "non-negative" : "positive"} number, got ${value}`);
  }
  return value;
}
