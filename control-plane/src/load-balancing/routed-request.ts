import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Authenticator } from "../auth/authenticator.js";
import { denialReason, type Principal } from "../auth/principal.js";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import { type RequestHead, requestHead } from "../http/http-relay.js";
import { problemResponse } from "../http/problem.js";
import type { Logger } from "../logging/logger.js";
import type { EndpointRecord } from "../store/records.js";

/** Where a request for a load-balancing endpoint goes: the endpoint, and the path and query on its worker. */
export interface RoutedTarget {
  /** The endpoint id as the client sent it (percent-decoded; checked by {@link authorizeRoutedRequest}). */
  endpointId: string;
  /** Path and query on the worker's server (`/` at least). */
  target: string;
}

/**
 * Which load-balancing endpoint a request is for, from its request target (`/lb/{endpointId}/{path…}`,
 * as Node gives it: origin form, not decoded) and, when `lbDomain` is set, its Host header
 * (`{endpointId}.{lbDomain}`, any path); undefined for every other request. Pure.
 */
export function routedTarget(
  url: string,
  host: string | undefined,
  lbDomain: string | undefined,
): RoutedTarget | undefined {
  if (lbDomain !== undefined && host !== undefined) {
    const name = host.toLowerCase().replace(/:\d+$/, "");
    const suffix = `.${lbDomain.toLowerCase()}`;
    if (name.endsWith(suffix)) {
      const endpointId = name.slice(0, -suffix.length);
      if (endpointId !== "" && !endpointId.includes(".")) {
        return { endpointId, target: url.startsWith("/") ? url : `/${url}` };
      }
    }
  }
  if (!url.startsWith("/lb/")) {
    return undefined;
  }
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  const slash = path.indexOf("/", 4);
  const segment = slash === -1 ? path.slice(4) : path.slice(4, slash);
  if (segment === "") {
    return undefined;
  }
  let endpointId: string;
  try {
    endpointId = decodeURIComponent(segment);
  } catch {
    endpointId = segment;
  }
  const rest = slash === -1 ? "/" : path.slice(slash);
  return { endpointId, target: query === -1 ? rest : `${rest}${url.slice(query)}` };
}

/** The contract's `Id` pattern: the router takes no body or query validation, but its endpoint id is checked. */
const ENDPOINT_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Authenticates a routed request like the job API (an admin key, or an invoke key for the endpoint) and
 * checks its endpoint id; throws the 401, 403 or 400 problem.
 */
export async function authorizeRoutedRequest(
  authenticator: Authenticator,
  authorization: string | null | undefined,
  method: string,
  endpointId: string,
): Promise<void> {
  checkRoutedAccess(await authenticator.authenticate(authorization), method, endpointId);
}

/** Checks that `principal` may send `method` requests to the endpoint, and its id; throws the 403 or 400. */
function checkRoutedAccess(principal: Principal, method: string, endpointId: string): void {
  const reason = denialReason(principal, {
    operationId: method === "GET" ? "proxyLoadBalancerGet" : "proxyLoadBalancerPost",
    family: "jobs",
    readOnly: method === "GET" || method === "HEAD",
    endpointId,
    workerId: undefined,
  });
  if (reason) {
    throw new ControlPlaneError("forbidden", reason);
  }
  if (!ENDPOINT_ID_PATTERN.test(endpointId)) {
    throw new ControlPlaneError("validation_failed", "endpointId: not an endpoint id", {
      fields: [{ field: "endpointId", message: "must match ^[A-Za-z0-9_-]{1,128}$, the contract's Id" }],
    });
  }
}

/** What the Node route is built from. */
export interface NodeRouteDependencies {
  authenticator: Authenticator;
  logger: Logger;
  /** With it, `{endpointId}.{lbDomain}` Host headers are routed too. */
  lbDomain: string | undefined;
  /** The endpoint from the control plane's cache, when it is there (no wait). */
  cachedEndpoint: (endpointId: string) => EndpointRecord | undefined;
  /** The endpoint from the store; throws the 404 problem. */
  loadEndpoint: (endpointId: string) => Promise<EndpointRecord>;
  /** Proxies an authorized request to a worker of the endpoint (the load balancer's Node path). */
  proxy: (
    endpoint: EndpointRecord,
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    target: string,
    head: RequestHead,
  ) => Promise<void>;
}

/**
 * The router's entry on Node's HTTP server, ahead of the API application: takes the requests for
 * load-balancing endpoints (returns true) and leaves every other one to the application (false). Routed
 * requests skip the application's generic pipeline (routing table, Web Request objects, body limits and
 * JSON checks are for the API's own operations; a worker's server sets its own limits), which makes up
 * much of a small request's cost; with a key and endpoint already cached, nothing is awaited before the
 * request leaves for its worker but its body. Failures are answered with the API's problem documents.
 */
export function nodeLoadBalancerRoute(
  deps: NodeRouteDependencies,
): (incoming: IncomingMessage, outgoing: ServerResponse) => boolean {
  return (incoming, outgoing) => {
    const url = incoming.url ?? "/";
    const routed = routedTarget(url, deps.lbDomain === undefined ? undefined : incoming.headers.host, deps.lbDomain);
    if (!routed) {
      return false;
    }
    const { endpointId, target } = routed;
    const method = (incoming.method ?? "GET").toUpperCase();
    const head = requestHead(incoming, { address: incoming.socket?.remoteAddress });
    let answered: Promise<void>;
    const principal = deps.authenticator.cachedPrincipal(head.authorization);
    const endpoint = principal && deps.cachedEndpoint(endpointId);
    try {
      if (principal && endpoint) {
        checkRoutedAccess(principal, method, endpointId);
        answered = deps.proxy(endpoint, incoming, outgoing, target, head);
      } else {
        answered = (async () => {
          await authorizeRoutedRequest(deps.authenticator, head.authorization, method, endpointId);
          await deps.proxy(await deps.loadEndpoint(endpointId), incoming, outgoing, target, head);
        })();
      }
    } catch (error) {
      answered = Promise.reject(error);
    }
    answered.catch((error: unknown) => {
      if (!ControlPlaneError.is(error)) {
        deps.logger.error({ err: error, endpointId }, "unexpected error routing a request");
      }
      writeProblem(outgoing, error, url.split("?")[0] as string).catch((failure: unknown) => {
        deps.logger.error({ err: failure }, "unexpected error answering a routed request");
        outgoing.destroy();
      });
    });
    return true;
  };
}

/** What the upgrade route is built from: the Node route's, with the load balancer's upgrade path. */
export interface UpgradeRouteDependencies extends Omit<NodeRouteDependencies, "proxy"> {
  /** Proxies an authorized upgrade request to a worker of the endpoint. */
  upgrade: (
    endpoint: EndpointRecord,
    incoming: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    target: string,
    requestHead: RequestHead,
  ) => Promise<void>;
}

/**
 * The router's entry for `Upgrade` requests (WebSockets) on Node's HTTP server: takes those for
 * load-balancing endpoints (returns true), authenticated as every routed request (a key in
 * `Authorization`), and leaves the others to the next upgrade handler (false).
 */
export function nodeLoadBalancerUpgrade(
  deps: UpgradeRouteDependencies,
): (incoming: IncomingMessage, socket: Duplex, head: Buffer) => boolean {
  return (incoming, socket, head) => {
    const url = incoming.url ?? "/";
    const routed = routedTarget(url, deps.lbDomain === undefined ? undefined : incoming.headers.host, deps.lbDomain);
    if (!routed) {
      return false;
    }
    const { endpointId, target } = routed;
    const method = (incoming.method ?? "GET").toUpperCase();
    const requestHeadOf = requestHead(incoming, { address: incoming.socket?.remoteAddress });
    (async () => {
      await authorizeRoutedRequest(deps.authenticator, requestHeadOf.authorization, method, endpointId);
      const endpoint = deps.cachedEndpoint(endpointId) ?? (await deps.loadEndpoint(endpointId));
      await deps.upgrade(endpoint, incoming, socket, head, target, requestHeadOf);
    })().catch(async (error: unknown) => {
      if (!ControlPlaneError.is(error)) {
        deps.logger.error({ err: error, endpointId }, "unexpected error routing an upgrade request");
      }
      if (socket.destroyed) {
        return;
      }
      const response = problemResponse(error, url.split("?")[0] as string);
      const body = Buffer.from(await response.text());
      let lines = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? "Error"}\r\n`;
      response.headers.forEach((value, name) => {
        lines += `${name}: ${value}\r\n`;
      });
      socket.end(
        Buffer.concat([Buffer.from(`${lines}content-length: ${body.length}\r\nconnection: close\r\n\r\n`), body]),
      );
    });
    return true;
  };
}

/** Answers with the problem document of `error`, unless an answer already began (then the connection is cut). */
async function writeProblem(outgoing: ServerResponse, error: unknown, instance: string): Promise<void> {
  if (outgoing.headersSent || outgoing.destroyed) {
    outgoing.destroy();
    return;
  }
  const response = problemResponse(error, instance);
  const body = Buffer.from(await response.text());
  const headers: Record<string, string> = { "content-length": String(body.length) };
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  outgoing.writeHead(response.status, headers);
  outgoing.end(body);
}
