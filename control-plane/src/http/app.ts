import { Hono } from "hono";
import type { Authenticator } from "../auth/authenticator.js";
import { denialReason, type Principal } from "../auth/principal.js";
import { ControlPlaneError, type FieldError } from "../errors/control-plane-error.js";
import type { Logger } from "../logging/logger.js";
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
}

/**
 * Builds the HTTP application: one route per operation of the contract, each authenticated, validated
 * against the contract and dispatched to the handler table by `operationId`. Every failure, including
 * unknown routes, wrong methods and bodies that do not parse, is answered as a problem document.
 */
export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();
  for (const operation of deps.document.operations) {
    app.on(operation.method.toUpperCase(), operation.routerPath, async (c) => {
      try {
        return await dispatch(deps, operation, c.req.raw, c.req.param() as Record<string, string>);
      } catch (error) {
        if (!ControlPlaneError.is(error)) {
          deps.logger.error({ err: error, operationId: operation.operationId }, "unexpected error in handler");
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

async function dispatch(
  deps: AppDependencies,
  operation: OperationDescriptor,
  request: Request,
  pathParams: Record<string, string>,
): Promise<Response> {
  let principal: Principal | null = null;
  if (operation.secured) {
    principal = await deps.authenticator.authenticate(request.headers.get("authorization"));
    const reason = denialReason(principal, {
      operationId: operation.operationId,
      family: operation.family,
      readOnly: operation.readOnly,
      endpointId: pathParams.endpointId,
      workerId: pathParams.workerId,
    });
    if (reason) {
      throw new ControlPlaneError("forbidden", reason);
    }
  }

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
    const text = await readBody(request, operation.maxBodyBytes ?? deps.maxBodyBytes);
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
    signal: request.signal,
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

/** Reads a body as text, refusing it as soon as it passes `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<string> {
  const tooLarge = () =>
    new ControlPlaneError(
      "payload_too_large",
      `the body is larger than the ${formatBytes(limit)} this operation accepts`,
    );
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw tooLarge();
  }
  if (!request.body) {
    return "";
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
  return Buffer.concat(chunks).toString("utf8");
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}
