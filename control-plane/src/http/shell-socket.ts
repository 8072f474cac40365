import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import type { Authenticator } from "../auth/authenticator.js";
import { denialReason } from "../auth/principal.js";
import { ControlPlaneError, ERROR_HTTP } from "../errors/control-plane-error.js";
import { type AuditedSession, type ExecService, shellCommand } from "../exec/exec-service.js";
import { OutputFlow } from "../exec/output-flow.js";
import type { Logger } from "../logging/logger.js";
import type { EndpointService } from "../management/endpoint-service.js";
import { actorOf } from "./handlers/exec-handlers.js";
import type { OpenApiDocument } from "./openapi-document.js";
import { problemFor } from "./problem.js";

/** Handles HTTP upgrade requests (the Node server's `upgrade` event). */
export interface UpgradeHandler {
  /** Serves one upgrade request. */
  (request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Drops every open WebSocket (on shutdown; their sessions are cancelled). An upgraded connection is no
   * longer the HTTP server's, so closing the server would wait for it.
   */
  close(): void;
}

/** What the WebSocket shell needs. */
export interface ShellSocketDependencies {
  document: OpenApiDocument;
  authenticator: Authenticator;
  endpoints: EndpointService;
  exec: ExecService;
  logger: Logger;
}

/** The subprotocol a browser names, with the key in a second one: browsers cannot set `Authorization`. */
export const SHELL_PROTOCOL = "runfleet.shell.v1";
/** Prefix of the subprotocol that carries an API key (`runfleet.bearer.<key>`). */
export const BEARER_PROTOCOL_PREFIX = "runfleet.bearer.";

/**
 * The credential of an upgrade request: its `Authorization` header, else the key a browser sends as the
 * subprotocol `runfleet.bearer.<key>` next to `runfleet.shell.v1` (as Kubernetes does for its exec).
 */
export function upgradeCredential(authorization: string | undefined, protocols: string | undefined): string | null {
  if (authorization !== undefined) {
    return authorization;
  }
  const offered = (protocols ?? "").split(",").map((protocol) => protocol.trim());
  const bearer = offered.find((protocol) => protocol.startsWith(BEARER_PROTOCOL_PREFIX));
  return bearer !== undefined ? `Bearer ${bearer.slice(BEARER_PROTOCOL_PREFIX.length)}` : null;
}

/** A control message a client sends as a text frame. */
type ClientControl = { type: "resize"; cols: number; rows: number };

/**
 * Serves `openWorkerShell`: the WebSocket upgrade on `/v1/endpoints/{id}/workers/{workerId}/exec`. The
 * request is authenticated, authorized (admin keys only) and validated against the contract like any
 * other, and the session is started, before the upgrade is accepted, so that every refusal is an
 * ordinary problem document. Then binary frames carry the terminal's bytes both ways and text frames
 * carry JSON control messages (see the contract).
 */
export function shellSocketHandler(deps: ShellSocketDependencies): UpgradeHandler {
  const operation = deps.document.operations.find((candidate) => candidate.operationId === "openWorkerShell");
  if (operation === undefined) {
    throw new Error("openapi.yaml has no openWorkerShell operation");
  }
  const names: string[] = [];
  const pattern = new RegExp(
    `^${operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    })}$`,
  );
  // Frames are keystrokes and control messages: nothing legitimate comes near this size.
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    // The key's subprotocol is never echoed back: only the shell's own is chosen.
    handleProtocols: (protocols) => (protocols.has(SHELL_PROTOCOL) ? SHELL_PROTOCOL : false),
  });

  const open = async (request: IncomingMessage, socket: Duplex, head: Buffer, path: string, query: URLSearchParams) => {
    const match = pattern.exec(path);
    if (!match) {
      throw new ControlPlaneError("route_not_found", `no WebSocket at ${path}`);
    }
    const params = Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? "")]));
    const principal = await deps.authenticator.authenticate(
      upgradeCredential(request.headers.authorization, request.headers["sec-websocket-protocol"]),
    );
    const reason = denialReason(principal, {
      operationId: operation.operationId,
      family: operation.family,
      readOnly: operation.readOnly,
      adminOnly: operation.adminOnly,
      endpointId: params.endpointId,
      workerId: params.workerId,
    });
    if (reason) {
      throw new ControlPlaneError("forbidden", reason);
    }
    const values: Record<string, unknown> = Object.fromEntries(query);
    const fields = [...operation.validatePath(params), ...operation.validateQuery(values)];
    if (fields.length > 0) {
      throw new ControlPlaneError("validation_failed", fields.map((f) => `${f.field}: ${f.message}`).join("; "), {
        fields,
      });
    }
    // The validator coerced the query and applied its defaults.
    const { command, cols, rows } = values as { command?: string; cols: number; rows: number };
    const endpoint = await deps.endpoints.get(params.endpointId ?? "");
    let socketOpen: WebSocket | undefined;
    const early: Buffer[] = [];
    // Output waiting for a slow client pauses the command rather than piling up here.
    let started: AuditedSession | undefined;
    const flow = new OutputFlow({ pause: () => started?.pause(), resume: () => started?.resume() });
    const send = (ws: WebSocket, data: Buffer) => {
      ws.send(data, { binary: true }, () => flow.written(data.length));
    };
    const session = await deps.exec.start({
      actor: actorOf(principal),
      endpointId: endpoint.id,
      workerId: params.workerId ?? "",
      command: shellCommand(command),
      tty: { cols, rows },
      transport: "websocket",
      remoteAddress: request.socket.remoteAddress ?? null,
      onOutput: (_stream, data) => {
        flow.queued(data.length);
        if (socketOpen) {
          send(socketOpen, data);
        } else {
          early.push(data);
        }
      },
    });
    started = session;
    if (flow.isPaused) {
      session.pause();
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      socketOpen = ws;
      attach(ws, session);
      for (const data of early.splice(0)) {
        send(ws, data);
      }
    });
  };

  const attach = (ws: WebSocket, session: AuditedSession) => {
    ws.send(JSON.stringify({ type: "started", sessionId: session.id }));
    ws.on("message", (data: RawData, isBinary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        session.write(bytes);
        return;
      }
      const control = parseControl(bytes.toString("utf8"));
      if (control?.type === "resize") {
        session.resize({ cols: control.cols, rows: control.rows });
      }
    });
    // The client left (or the connection broke): the command goes with it.
    ws.on("close", () => session.cancel());
    ws.on("error", () => session.cancel());
    session.ended.then(
      (end) => {
        ws.send(JSON.stringify({ type: "exit", exitCode: end.exitCode, signal: end.signal }));
        ws.close(1000, "session ended");
      },
      (error: unknown) => {
        ws.send(JSON.stringify({ type: "error", message: (error as Error).message }));
        ws.close(1011, "session failed");
      },
    );
  };

  const handler = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? "/", "http://control-plane");
    socket.on("error", () => undefined);
    open(request, socket, head, url.pathname, url.searchParams).catch((error: unknown) => {
      if (!ControlPlaneError.is(error)) {
        deps.logger.error({ err: error, path: url.pathname }, "unexpected error opening a shell");
      }
      refuse(socket, error, url.pathname);
    });
  };
  return Object.assign(handler, {
    close: () => {
      for (const client of sockets.clients) {
        client.terminate();
      }
    },
  });
}

/** A client's text frame, if it is a control message this server knows. */
export function parseControl(text: string): ClientControl | undefined {
  try {
    const message = JSON.parse(text) as Partial<ClientControl>;
    if (
      message.type === "resize" &&
      Number.isInteger(message.cols) &&
      Number.isInteger(message.rows) &&
      (message.cols as number) > 0 &&
      (message.rows as number) > 0 &&
      (message.cols as number) <= 1000 &&
      (message.rows as number) <= 1000
    ) {
      return { type: "resize", cols: message.cols as number, rows: message.rows as number };
    }
  } catch {
    // Not JSON: ignored, as an unknown control message is.
  }
  return undefined;
}

/** Answers a refused upgrade with a problem document and closes the connection. */
function refuse(socket: Duplex, error: unknown, path: string): void {
  const problem = problemFor(error, path);
  const body = JSON.stringify(problem);
  const extra = ControlPlaneError.is(error)
    ? Object.entries(error.headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("")
    : "";
  const title = ERROR_HTTP[problem.code]?.title ?? "Error";
  socket.end(
    `HTTP/1.1 ${problem.status} ${title}\r\n` +
      "content-type: application/problem+json\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n${extra}\r\n${body}`,
  );
}
