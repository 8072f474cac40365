import { ApiError, createRunfleet, type Runfleet } from "@runfleet/sdk";
import type { components } from "@runfleet/sdk/generated";

/** The API's schemas, for the pages' types. */
export type Schemas = components["schemas"];

/** Where the signed-in key is kept: session storage, so it ends with the tab and never enters a URL. */
const KEY_STORAGE = "runfleet.console.apiKey";

/** The subprotocol of the worker terminal's WebSocket. */
const SHELL_PROTOCOL = "runfleet.shell.v1";
/** The subprotocol that carries the API key on a WebSocket (`runfleet.bearer.<key>`). */
const BEARER_PROTOCOL_PREFIX = "runfleet.bearer.";

/** A signed-in console: the client and what the key may do. */
export interface Session {
  runfleet: Runfleet;
  /** The key, without its secret (from /v1/whoami). */
  key: Schemas["ApiKey"];
  /** True for an admin key: only then are the forms that change things enabled. */
  canWrite: boolean;
  /**
   * Opens the WebSocket of an interactive terminal in a worker (the exec path; admin keys only). A
   * browser cannot set `Authorization` on a WebSocket, so the key travels as the `runfleet.bearer.<key>`
   * subprotocol, beside `runfleet.shell.v1`, as the contract describes.
   */
  openShell(endpointId: string, workerId: string, size: { cols: number; rows: number }): WebSocket;
}

/** A client for this control plane (the console is served by it, so the API is on the same origin). */
export function clientFor(apiKey: string): Runfleet {
  return createRunfleet({ baseUrl: window.location.origin, apiKey });
}

/** Signs in: checks the key against the API, then keeps it for the tab's life. */
export async function signIn(apiKey: string): Promise<Session> {
  const runfleet = clientFor(apiKey);
  const key = await runfleet.whoami();
  if (key.scope === "invoke") {
    // An invoke key may call only the job API: the console's pages would all be refused.
    throw new Error("this key has scope invoke and may only send jobs: sign in with a read or an admin key");
  }
  sessionStorage.setItem(KEY_STORAGE, apiKey);
  const openShell = (endpointId: string, workerId: string, size: { cols: number; rows: number }) => {
    const url = new URL(
      `/v1/endpoints/${encodeURIComponent(endpointId)}/workers/${encodeURIComponent(workerId)}/exec`,
      window.location.origin,
    );
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("cols", String(size.cols));
    url.searchParams.set("rows", String(size.rows));
    return new WebSocket(url, [SHELL_PROTOCOL, `${BEARER_PROTOCOL_PREFIX}${apiKey}`]);
  };
  return { runfleet, key, canWrite: key.scope === "admin", openShell };
}

/** The session of a key kept earlier in this tab, if it still works. */
export async function resumeSession(): Promise<Session | undefined> {
  const apiKey = sessionStorage.getItem(KEY_STORAGE);
  if (!apiKey) {
    return undefined;
  }
  try {
    return await signIn(apiKey);
  } catch {
    sessionStorage.removeItem(KEY_STORAGE);
    return undefined;
  }
}

/** Forgets the key. */
export function signOut(): void {
  sessionStorage.removeItem(KEY_STORAGE);
}

/** A message a person can act on, from any failure of a call. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    return error.problem ? `${error.problem.title}: ${error.problem.detail}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The field errors of a problem document, keyed by the field they name. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) {
    for (const item of error.problem?.errors ?? []) {
      out[item.field] = out[item.field] ? `${out[item.field]}; ${item.message}` : item.message;
    }
  }
  return out;
}
