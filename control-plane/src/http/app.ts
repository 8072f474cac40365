import type { IncomingMessage } from "node:http";
import { Hono } from "hono";
import type { Authenticator } from "../auth/authenticator.js";
import { denialReason, type Principal } from "../auth/principal.js";
import { ControlPlaneError, type FieldError } from "../errors/control-plane-error.js";
import { authorizeRoutedRequest, routedTarget } from "../load-balancing/routed-request.js";
import type { Logger } from "../logging/logger.js";
import { StoreFullError } from "../store/store.js";
import { mountConsole } from "./console-assets.js";
import type { ClientInfo } from "./http-relay.js";
import { exceedsJsonDepth } from "./json-depth.js";
import type { OpenApiDocument, OperationDescriptor } from "./openapi-document.js";
import type { OperationContext, OperationHandlers, OperationId } from "./operation-types.js";
import { problemResponse } from "./problem.js";

/** What the HTTP layer is built from. */
export interface AppDependencies {
  document: OpenApiDocument;
  handlers: OperationHandlers;
  authenticator: Authenticator;
  logger: Logger;
  /** Body limit of operations that do not declare their own, in bytes. */
  maxBodyBytes: number;
  /**
   * The router of load-balancing endpoints (`/lb/{endpointId}/{path…}`): proxies an authenticated
   * request to a worker's own HTTP server at `target` (path and query). Absent: no such routes.
   */
  routeToWorkers?: (endpointId: string, request: Request, target: string, client: ClientInfo) => Promise<Response>;
  /** With it, `{endpointId}.{lbDomain}` Host headers are routed to that endpoint's workers too. */
  lbDomain?: string;
  /** Deepest nesting of arrays and objects a JSON body may have (see `maxJsonDepth` in the config). */
  maxJsonDepth: number;
  /**
   * Admission control of job submissions: decides before the body is read, and throws the 429 of a
   * refusal. Returns what ends the request's admission, or undefined for operations it does not govern.
   */
  admit?: (
    operationId: OperationId,
    principal: Principal | null,
    pathParams: Record<string, string>,
  ) => (() => void) | undefined;
  /** Directory of the built web console, served at /console; none when absent. */
  consoleDir?: string;
}

/**
 * Builds the HTTP application: one route per operation of the contract, each authenticated, validated
 * against the contract and dispatched to the handler table by `operationId`. Every failure, including
 * unknown routes, wrong methods and bodies that do not parse, is answered as a problem document.
 */
export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();
  if (deps.routeToWorkers) {
    mountLoadBalancerRoutes(app, deps, deps.routeToWorkers);
  }
  if (deps.consoleDir !== undefined) {
    mountConsole(app, deps.consoleDir);
  }
  for (const operation of deps.document.operations) {
    app.on(operation.method.toUpperCase(), operation.routerPath, async (c) => {
      try {
        const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
        return await dispatch(
          deps,
          operation,
          c.req.raw,
          c.req.param() as Record<string, string>,
          incoming?.socket?.remoteAddress ?? null,
        );
      } catch (thrown) {
        const error = answerableError(thrown);
        if (c.req.raw.signal.aborted && !ControlPlaneError.is(error)) {
          // The client hung up (mid-body, or while held): nothing went wrong here, and nobody gets the answer.
          deps.logger.debug({ err: thrown, operationId: operation.operationId }, "the client hung up");
        } else if (!ControlPlaneError.is(error)) {
          deps.logger.error({ err: error, operationId: operation.operationId }, "unexpected error in handler");
        } else if (error.code === "storage_full") {
          deps.logger.error({ err: thrown, operationId: operation.operationId }, "a write failed: the disk is full");
        }
        return problemResponse(error, new URL(c.req.url).pathname);
      }
    });
  }
  const routes = deps.document.operations.map((operation) => ({
    method: operation.method.toUpperCase(),
    pattern: new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = routes.filter((route) => route.pattern.test(path)).map((route) => route.method);
    if (allowed.length > 0) {
      return problemResponse(
        new ControlPlaneError(
          "method_not_allowed",
          `${c.req.method} is not allowed on ${path}; use ${allowed.join(", ")}`,
          {
            headers: { allow: allowed.join(", ") },
          },
        ),
        path,
      );
    }
    return problemResponse(new ControlPlaneError("route_not_found", `no route ${c.req.method} ${path}`), path);
  });
  app.onError((error, c) => {
    deps.logger.error({ err: error }, "unexpected error");
    return problemResponse(error, new URL(c.req.url).pathname);
  });
  return app;
}

/**
 * The load-balancing routes of the application: `/lb/{endpointId}/{path…}` for any method, and, with
 * `lbDomain`, any path on a `{endpointId}.{lbDomain}` Host. They serve in-process calls (`fetch`); behind
 * Node's HTTP server such requests never reach the application (the router's Node path takes them
 * first, see `routeToWorkers` of the control plane). Authenticated like the job API, never validated or
 * buffered: bodies stream through.
 */
function mountLoadBalancerRoutes(
  app: Hono,
  deps: AppDependencies,
  route: NonNullable<AppDependencies["routeToWorkers"]>,
): void {
  const handle = async (request: Request): Promise<Response | undefined> => {
    const url = new URL(request.url);
    const routed = routedTarget(`${url.pathname}${url.search}`, request.headers.get("host") ?? url.host, deps.lbDomain);
    if (!routed) {
      return undefined;
    }
    try {
      const method = request.method.toUpperCase();
      await authorizeRoutedRequest(deps.authenticator, request.headers.get("authorization"), method, routed.endpointId);
      return await route(routed.endpointId, request, routed.target, { address: undefined });
    } catch (error) {
      if (!ControlPlaneError.is(error)) {
        deps.logger.error({ err: error, endpointId: routed.endpointId }, "unexpected error routing a request");
      }
      return problemResponse(error, url.pathname);
    }
  };
  if (deps.lbDomain !== undefined) {
    app.use("*", async (c, next) => (await handle(c.req.raw)) ?? next());
  }
  const byPath = async (c: { req: { raw: Request }; notFound: () => Response | Promise<Response> }) =>
    (await handle(c.req.raw)) ?? c.notFound();
  app.all("/lb/:endpointId", byPath);
  app.all("/lb/:endpointId/*", byPath);
}

/** Seconds a client is told to wait after a write failed for lack of space. */
const STORAGE_FULL_RETRY_AFTER_S = 30;

/** Errors of the layers below that have an answer of their own, as the problem they are answered with. */
function answerableError(error: unknown): unknown {
  if (error instanceof StoreFullError) {
    return new ControlPlaneError(
      "storage_full",
      "the control plane's disk is full, so nothing was written; retry later or on another replica",
      { retryAfterSeconds: STORAGE_FULL_RETRY_AFTER_S, cause: error },
    );
  }
  return error;
}

async function dispatch(
  deps: AppDependencies,
  operation: OperationDescriptor,
  request: Request,
  pathParams: Record<string, string>,
  remoteAddress: string | null,
): Promise<Response> {
  let principal: Principal | null = null;
  if (operation.secured) {
    principal = await deps.authenticator.authenticate(request.headers.get("authorization"));
    const reason = denialReason(principal, {
      operationId: operation.operationId,
      family: operation.family,
      readOnly: operation.readOnly,
      adminOnly: operation.adminOnly,
      endpointId: pathParams.endpointId,
      workerId: pathParams.workerId,
    });
    if (reason) {
      throw new ControlPlaneError("forbidden", reason);
    }
  }

  const release = deps.admit?.(operation.operationId, principal, pathParams);
  try {
    return await validateAndHandle(deps, operation, request, pathParams, remoteAddress, principal, release ?? noop);
  } finally {
    release?.();
  }
}

function noop(): void {}

async function validateAndHandle(
  deps: AppDependencies,
  operation: OperationDescriptor,
  request: Request,
  pathParams: Record<string, string>,
  remoteAddress: string | null,
  principal: Principal | null,
  admitted: () => void,
): Promise<Response> {
  const url = new URL(request.url);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
  }
  const header: Record<string, string> = {};
  for (const name of operation.headerNames) {
    const value = request.headers.get(name);
    if (value !== null) {
      header[name] = value;
    }
  }
  const fields: FieldError[] = [
    ...operation.validatePath(pathParams),
    ...operation.validateQuery(query),
    ...operation.validateHeader(header),
  ];
  let body: unknown;
  if (operation.body !== "none") {
    const bytes = await readBody(request, operation.maxBodyBytes ?? deps.maxBodyBytes);
    // Before parsing: a value nested thousands deep parses, then overflows the stack of every walk over it.
    if (exceedsJsonDepth(bytes, deps.maxJsonDepth)) {
      throw new ControlPlaneError(
        "validation_failed",
        `body: nests arrays and objects deeper than the ${deps.maxJsonDepth} levels this server accepts`,
        { fields: [{ field: "body", message: `nests deeper than ${deps.maxJsonDepth} levels` }] },
      );
    }
    const text = bytes.toString("utf8");
    if (text.trim() === "") {
      if (operation.body === "required") {
        fields.push({ field: "body", message: "a JSON body is required" });
      }
    } else {
      try {
        // The body is JSON whatever the content type says: RunPod's worker SDK posts JSON as a form.
        body = JSON.parse(text);
      } catch (error) {
        throw new ControlPlaneError("malformed_json", `the body is not valid JSON: ${(error as Error).message}`, {
          fields: [{ field: "body", message: "is not valid JSON" }],
          cause: error,
        });
      }
      fields.push(...operation.validateBody(body));
    }
  }
  if (fields.length > 0) {
    throw new ControlPlaneError("validation_failed", fields.map((f) => `${f.field}: ${f.message}`).join("; "), {
      fields,
    });
  }

  const handler = deps.handlers[operation.operationId] as unknown as (
    context: OperationContext<OperationId>,
  ) => Promise<{ status: number; body: unknown; headers?: Record<string, string> }>;
  const result = await handler({
    input: { path: pathParams, query, header, body } as unknown as OperationContext<OperationId>["input"],
    principal,
    request,
    remoteAddress,
    // Made on first use: only the held operations (job-take, runsync, status-sync, stream) need one.
    get signal() {
      return request.signal;
    },
    admitted,
  });
  if (result.body === undefined || result.status === 204) {
    return new Response(null, { status: result.status, headers: result.headers });
  }
  if (operation.responseType === "application/x-ndjson") {
    return new Response(ndjsonStream(result.body as AsyncIterable<unknown>), {
      status: result.status,
      headers: { "content-type": "application/x-ndjson", "cache-control": "no-store", ...result.headers },
    });
  }
  const payload = operation.responseType === "application/json" ? JSON.stringify(result.body) : String(result.body);
  const contentType =
    operation.responseType === "application/json" ? "application/json" : `${operation.responseType}; charset=utf-8`;
  return new Response(payload, { status: result.status, headers: { "content-type": contentType, ...result.headers } });
}

/**
 * Sends each document of `documents` as one JSON line, as soon as it comes. A client that hangs up ends
 * the iteration (its `return`), so that whatever feeds it stops too.
 */
function ndjsonStream(documents: AsyncIterable<unknown>): ReadableStream<Uint8Array> {
  const iterator = documents[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        controller.close();
      } else {
        controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** Reads a body, refusing it as soon as it passes `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new ControlPlaneError(
      "payload_too_large",
      `the body is larger than the ${formatBytes(limit)} this operation accepts`,
    );
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw tooLarge();
  }
  if (Number.isFinite(declared)) {
    // The HTTP parser holds a body to its declared length, so one within the limit is read whole. Behind
    // Node's server this reads the socket directly (no Web stream is made for it): the job path's fast path.
    return Buffer.from(await request.arrayBuffer());
  }
  if (!request.body) {
    return Buffer.alloc(0);
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}
