import type { components } from "@runfleet/sdk/generated";

/** The closed set of error codes, taken from the contract so the two cannot drift. */
export type ErrorCode = components["schemas"]["ErrorCode"];

/** One invalid field of a request, as a problem document lists it. */
export type FieldError = components["schemas"]["FieldError"];

/** How each error code is answered over HTTP: the one table from code to status and title. */
export const ERROR_HTTP: Record<
  ErrorCode,
  { status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 426 | 429 | 500 | 502 | 503 | 507; title: string }
> = {
  validation_failed: { status: 400, title: "Validation failed" },
  malformed_json: { status: 400, title: "Malformed JSON" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  route_not_found: { status: 404, title: "Route not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  endpoint_not_found: { status: 404, title: "Endpoint not found" },
  template_not_found: { status: 404, title: "Template not found" },
  registry_auth_not_found: { status: 404, title: "Registry credentials not found" },
  api_key_not_found: { status: 404, title: "API key not found" },
  job_not_found: { status: 404, title: "Job not found" },
  worker_not_found: { status: 404, title: "Worker not found" },
  ssh_key_not_found: { status: 404, title: "SSH key not found" },
  invalid_scaling: { status: 400, title: "Invalid scaling settings" },
  template_in_use: { status: 409, title: "Template in use" },
  registry_auth_in_use: { status: 409, title: "Registry credentials in use" },
  name_taken: { status: 409, title: "Name taken" },
  job_not_retryable: { status: 409, title: "Job not retryable" },
  job_not_owned: { status: 409, title: "Job not held by this worker" },
  last_admin_key: { status: 409, title: "Last admin key" },
  idempotency_conflict: { status: 409, title: "Idempotency key reused" },
  worker_not_running: { status: 409, title: "Worker not running" },
  exec_unsupported: { status: 409, title: "Worker cannot be entered" },
  ssh_key_exists: { status: 409, title: "SSH key already registered" },
  upgrade_required: { status: 426, title: "Upgrade required" },
  rate_limited: { status: 429, title: "Too many requests" },
  not_ready: { status: 503, title: "Not ready" },
  endpoint_type_mismatch: { status: 400, title: "Wrong endpoint type" },
  worker_unavailable: { status: 503, title: "No worker available" },
  worker_failed: { status: 502, title: "Worker failed" },
  leader_unavailable: { status: 503, title: "No leader available" },
  leader_failed: { status: 502, title: "Leader failed" },
  storage_full: { status: 507, title: "Insufficient storage" },
  internal: { status: 500, title: "Internal error" },
};

/** Extra data an error may carry to its problem document. */
export interface ControlPlaneErrorOptions {
  /** The invalid fields, for validation errors. */
  fields?: FieldError[];
  /** Seconds the client should wait (429/503), sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /** Headers to add to the answer (e.g. `Allow` for 405). */
  headers?: Record<string, string>;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The one error class of the control plane. Everything a handler throws on purpose is one of these;
 * the HTTP layer turns it into an `application/problem+json` answer through {@link ERROR_HTTP}.
 */
export class ControlPlaneError extends Error {
  override readonly name = "ControlPlaneError";
  /** Invalid fields, if any. */
  readonly fields: FieldError[];
  /** Seconds to wait before retrying, if the error says so. */
  readonly retryAfterSeconds: number | undefined;
  /** Extra answer headers. */
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: ControlPlaneErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.fields = options.fields ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers ?? {};
  }

  /** The HTTP status this error is answered with. */
  get status(): number {
    return ERROR_HTTP[this.code].status;
  }

  /** True when `value` is a ControlPlaneError (also across module copies). */
  static is(value: unknown): value is ControlPlaneError {
    return value instanceof ControlPlaneError || (value instanceof Error && value.name === "ControlPlaneError");
  }
}

/** Shorthand for a validation error naming one field. */
export function invalidField(field: string, message: string, code: ErrorCode = "validation_failed"): ControlPlaneError {
  return new ControlPlaneError(code, `${field}: ${message}`, { fields: [{ field, message }] });
}
