import type { components, paths } from "@runfleet/sdk/generated";
import createClient, { type Client } from "openapi-fetch";
import type { Connection } from "./connection.js";

/** The typed client of the management API the provider calls. */
export type ManagementClient = Client<paths>;

/** The fetch function the client uses; tests pass one to inject faults into real answers. */
export type FetchFunction = (request: Request) => Promise<Response>;

/** Builds a client for one call. Built per call so that nothing stateful outlives it or gets serialized. */
export function createManagementClient(connection: Connection, fetchFn: FetchFunction = fetch): ManagementClient {
  return createClient<paths>({
    baseUrl: connection.baseUrl,
    headers: { authorization: `Bearer ${connection.apiKey}` },
    fetch: fetchFn,
  });
}

type Problem = components["schemas"]["Problem"];

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
  ) {
    super(describe(action, status, problem));
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

/** The shape every openapi-fetch call resolves to, reduced to what {@link expectData} needs. */
interface CallResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Returns the answer's data, or throws a {@link RunfleetApiError} for an error answer. */
export async function expectData<T>(action: string, call: Promise<CallResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    throw new RunfleetApiError(action, response.status, asProblem(error));
  }
  return data as T;
}

/** Like {@link expectData}, but a 404 answer resolves to `undefined`: the object is gone. */
export async function dataOrGone<T>(action: string, call: Promise<CallResult<T>>): Promise<T | undefined> {
  try {
    return await expectData(action, call);
  } catch (error) {
    if (error instanceof RunfleetApiError && error.notFound) {
      return undefined;
    }
    throw error;
  }
}

function asProblem(error: unknown): Problem | undefined {
  if (typeof error === "object" && error !== null && "code" in error && "detail" in error) {
    return error as Problem;
  }
  return undefined;
}
