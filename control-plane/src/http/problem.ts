import type { components } from "@runfleet/sdk/generated";
import { ControlPlaneError, ERROR_HTTP } from "../errors/control-plane-error.js";

/** An RFC 9457 problem document as the contract defines it. */
export type Problem = components["schemas"]["Problem"];

/** Builds the problem document for an error; anything not a ControlPlaneError becomes `internal`. */
export function problemFor(error: unknown, instance: string): Problem {
  if (ControlPlaneError.is(error)) {
    const { title, status } = ERROR_HTTP[error.code];
    const problem: Problem = {
      type: `urn:runfleet:problem:${error.code}`,
      title,
      status,
      code: error.code,
      detail: error.message,
      instance,
    };
    if (error.fields.length > 0) {
      problem.errors = error.fields;
    }
    return problem;
  }
  // Never leak internals (messages, stacks) of unexpected errors: they are logged instead.
  return {
    type: "urn:runfleet:problem:internal",
    title: ERROR_HTTP.internal.title,
    status: 500,
    code: "internal",
    detail: "the control plane hit an unexpected error; it has been logged",
    instance,
  };
}

/** The HTTP answer for an error. */
export function problemResponse(error: unknown, instance: string): Response {
  const problem = problemFor(error, instance);
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (ControlPlaneError.is(error)) {
    Object.assign(headers, error.headers);
    if (error.retryAfterSeconds !== undefined) {
      headers["retry-after"] = String(Math.ceil(error.retryAfterSeconds));
    }
  }
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}
