import { ApiError, type JobReference, type Problem } from "./errors.js";
import { requestOf } from "./retrying-fetch.js";
import type { CompiledRunfleetOptions } from "./runfleet-options.js";

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call; it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Longest the call may take, retries included. @defaultValue the client's `timeoutMs` */
  timeoutMs?: number;
}

/**
 * The signal a call runs under: the caller's signal, if any, and its time limit (the client's default
 * unless the call says otherwise), plus `holdMs` for long polls whose server side holds the request.
 */
export function callSignal(options: CompiledRunfleetOptions, call: CallOptions | undefined, holdMs = 0): AbortSignal {
  const timeout = AbortSignal.timeout((call?.timeoutMs ?? options.timeoutMs) + holdMs);
  return call?.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
}

/** What openapi-fetch resolves with. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Returns the answer's data, or throws an {@link ApiError} carrying the problem document. */
export function unwrap<T>(result: FetchResult<T>, job?: JobReference): T {
  if (result.response.ok) {
    return result.data as T;
  }
  const request = requestOf.get(result.response) ?? { method: "?", url: result.response.url };
  throw new ApiError({
    status: result.response.status,
    problem: isProblem(result.error) ? result.error : undefined,
    text: typeof result.error === "string" ? result.error : undefined,
    request,
    job,
  });
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).status === "number" &&
    typeof (value as Problem).code === "string" &&
    typeof (value as Problem).detail === "string"
  );
}
