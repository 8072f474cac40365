import { ApiError, ConnectionError, createRunfleet, type Problem, type Runfleet } from "@runfleet/sdk";
import type { Connection } from "./connection.js";

/** The fetch function the client uses; tests pass one to inject faults into real answers. */
export type FetchFunction = (request: Request) => Promise<Response>;

/**
 * The `@runfleet/sdk` client for one call, with the SDK's retries of refused connections, 429 and 503.
 * Built per call so that nothing stateful outlives it or gets serialized, and so that it uses the
 * connection settings in force now.
 */
export function connectRunfleet(connection: Connection, fetchFn?: FetchFunction): Runfleet {
  return createRunfleet({ baseUrl: connection.baseUrl, apiKey: connection.apiKey, fetch: fetchFn });
}

/** A management API request that got no HTTP answer: a wrong base URL, a control plane that is down. */
export class ControlPlaneUnreachableError extends Error {
  override readonly name = "ControlPlaneUnreachableError";

  constructor(
    /** The request's method. */
    readonly method: string,
    /** The URL requested, which starts with the configured base URL. */
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `cannot reach the Runfleet control plane: ${method} ${url} failed: ${reasonOf(cause)} ` +
        "(check runfleet:baseUrl or RUNFLEET_BASE_URL)",
      { cause },
    );
  }
}

/** The most specific reason of a network failure: undici puts the system error (ECONNREFUSED...) in `cause`. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const cause: unknown = error.cause;
  return cause instanceof Error && cause.message !== "" ? `${error.message} (${cause.message})` : error.message;
}

/**
 * A management API call that the control plane refused. The message carries the problem's detail and
 * the fields it names, so `pulumi up` shows which property to fix.
 */
export class RunfleetApiError extends Error {
  override readonly name = "RunfleetApiError";

  constructor(
    /** What the provider was doing, e.g. `create endpoint`. */
    readonly action: string,
    /** The HTTP status of the answer. */
    readonly status: number,
    /** The problem document, when the answer carried one. */
    readonly problem: Problem | undefined,
    options?: { cause?: unknown },
  ) {
    super(describe(action, status, problem), options);
  }

  /** Whether the control plane answered that the object does not exist. */
  get notFound(): boolean {
    return this.status === 404;
  }
}

function describe(action: string, status: number, problem: Problem | undefined): string {
  if (!problem) {
    return `${action} failed: HTTP ${status}`;
  }
  // The detail often lists the fields already; name the fields only when it does not.
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`);
  const unnamed = fields.filter((field) => !problem.detail.includes(field));
  const detail = unnamed.length > 0 ? `${problem.detail} (${unnamed.join("; ")})` : problem.detail;
  return `${action} failed: ${detail} [${problem.code}, HTTP ${status}]`;
}

/**
 * Runs one SDK call and turns its failures into the provider's errors, which say what the provider was
 * doing (`action`) and, for a connection failure, which request got no answer and where to fix the URL.
 */
export async function managementCall<T>(action: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError) {
      throw new RunfleetApiError(action, error.status, error.problem, { cause: error });
    }
    if (error instanceof ConnectionError) {
      const request = error.request ?? { method: "?", url: error.url };
      throw new ControlPlaneUnreachableError(request.method, request.url, error.cause);
    }
    throw error;
  }
}

/** Like {@link managementCall}, but a 404 answer resolves to `undefined`: the object is gone. */
export async function unlessGone<T>(action: string, call: Promise<T>): Promise<T | undefined> {
  try {
    return await managementCall(action, call);
  } catch (error) {
    if (error instanceof RunfleetApiError && error.notFound) {
      return undefined;
    }
    throw error;
  }
}
