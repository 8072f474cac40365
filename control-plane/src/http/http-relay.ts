import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Dispatcher } from "undici";

/*
 * Relaying HTTP through undici between a client's Node request and another server: the pieces the
 * load-balancing router (client → worker) and the cluster's follower replicas (client → leader) share.
 */

/** Where a proxied request came from, for `X-Forwarded-*`. */
export interface ClientInfo {
  /** The client's address, when the server knows it. */
  address: string | undefined;
}

/** Headers that concern one connection only (RFC 9110 §7.6.1), never forwarded either way. */
export const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
/** Request headers not passed to the worker: hop-by-hop ones, the platform's key, and the Host (sent as X-Forwarded-Host). */
export const NOT_FORWARDED = new Set([...HOP_BY_HOP, "authorization", "host", "expect"]);
/**
 * Request headers a follower does not pass to its leader: hop-by-hop ones only. The key and the Host go
 * along (the leader authenticates, and routes `{endpointId}.{lbDomain}` by Host, as if it were asked).
 */
const NOT_RELAYED_TO_LEADER = new Set([...HOP_BY_HOP, "expect"]);
/** Statuses whose answers have no body. */
export const BODYLESS = new Set([101, 204, 205, 304]);

/**
 * Names listed in a `Connection` header: hop-by-hop for this message too. Added to `into` when given;
 * the usual `keep-alive` and `close` name no other header and add nothing.
 */
export function connectionHeaderTokens(
  value: string | string[] | undefined,
  into?: Set<string>,
): Set<string> | undefined {
  const text = Array.isArray(value) ? value.join(",") : (value ?? "");
  if (text === "keep-alive" || text === "close") {
    return into;
  }
  const tokens = into ?? new Set<string>();
  for (const token of text.split(",")) {
    const name = token.trim().toLowerCase();
    if (name.length > 0) {
      tokens.add(name);
    }
  }
  return tokens;
}

/** What the router needs to know of the client of a request: whether it left, and a signal for waits. */
export interface ClientLink {
  /** The client hung up (its answer will not be read). */
  readonly gone: boolean;
  /** A signal aborted when the client hangs up (made on demand: most requests never wait). */
  signal(): AbortSignal;
}

/**
 * A client that can hang up while its request is relayed: once it has, waits for it are aborted and the
 * relay in progress is cancelled.
 */
export abstract class LeavingClientLink<Relay extends { cancel(reason: Error): void }> implements ClientLink {
  gone = false;
  /** The relay in progress, cancelled when the client leaves. */
  relay: Relay | undefined;
  private controller: AbortController | undefined;

  /** The client hung up before its answer was done. */
  protected left(): void {
    this.gone = true;
    const reason = new Error("the client closed the connection");
    this.controller?.abort(reason);
    this.relay?.cancel(reason);
  }

  signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.gone) {
      this.controller.abort(new Error("the client closed the connection"));
    }
    return this.controller.signal;
  }
}

/** A client on Node's HTTP server: gone when its response closes before it was finished. */
export class NodeClientLink extends LeavingClientLink<ResponseRelay> {
  constructor(outgoing: ServerResponse) {
    super();
    outgoing.once("close", () => {
      if (!outgoing.writableFinished) {
        this.left();
      }
    });
  }
}

/** What a {@link ResponseRelay} tells the router. */
export interface RelayHooks {
  /** The worker's status and headers arrived and were written to the client. */
  onHead: () => void;
  /** The worker failed before its answer began (the request may be retried elsewhere). */
  onFailBeforeHead: (error: Error) => void;
  /** The answer ended (completely or not), with its status code. */
  done: (code: string) => void;
  /**
   * Looks at the head of an answer before it is relayed: an error returned refuses the answer, which is
   * then read to its end and dropped, and reported through `onFailBeforeHead` (the request may be sent
   * elsewhere). Absent: every answer is relayed.
   */
  refuse?: (statusCode: number, headers: readonly Buffer[]) => Error | undefined;
}

/**
 * The part of a relay that the client can cancel: undici hands over the request's abort once it is
 * connected, and a client that left before that aborts it as soon as it is.
 */
abstract class CancellableRelay {
  protected status = 0;
  private abortUpstream: ((error?: Error) => void) | undefined;
  private cancelled: Error | undefined;

  /** Aborts the upstream request (the client left). */
  cancel(reason: Error): void {
    this.cancelled = reason;
    this.abortUpstream?.(reason);
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.cancelled) {
      abort(this.cancelled);
    }
  }
}

/**
 * Writes a worker's answer to the client's Node response as undici parses it: the head as soon as it
 * arrives, each body chunk as it comes (SSE and chunked answers flow as produced), with backpressure (the
 * worker's connection pauses while the client's is full). A worker failing after its head cuts the
 * client's connection: the status was already sent.
 */
export class ResponseRelay extends CancellableRelay implements Dispatcher.DispatchHandlers {
  private bodyless = false;
  private refused: Error | undefined;
  private resume: (() => void) | undefined;
  private readonly drained = () => this.resume?.();

  constructor(
    private readonly outgoing: ServerResponse,
    private readonly method: string,
    private readonly hooks: RelayHooks,
  ) {
    super();
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) {
      // 1xx informational answers (100 Continue, 103 Early Hints) are the worker's business.
      return true;
    }
    this.refused = this.hooks.refuse?.(statusCode, headers);
    if (this.refused !== undefined) {
      return true;
    }
    this.status = statusCode;
    this.resume = resume;
    this.bodyless = this.method === "HEAD" || BODYLESS.has(statusCode);
    this.outgoing.writeHead(statusCode, relayedResponseHeaders(headers));
    this.hooks.onHead();
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.refused !== undefined || this.bodyless || this.outgoing.write(chunk)) {
      return true;
    }
    this.outgoing.once("drain", this.drained);
    return false;
  }

  onComplete(): void {
    if (this.refused !== undefined) {
      this.hooks.onFailBeforeHead(this.refused);
      return;
    }
    this.outgoing.end();
    this.hooks.done(String(this.status));
  }

  onError(error: Error): void {
    if (this.status === 0) {
      this.hooks.onFailBeforeHead(error);
      return;
    }
    this.outgoing.destroy();
    this.hooks.done(String(this.status));
  }
}

/** A client whose request is an upgrade: gone when its socket closes before the worker's answer ends. */
export class SocketClientLink extends LeavingClientLink<UpgradeRelay> {
  constructor(socket: Duplex) {
    super();
    socket.once("close", () => {
      if (!this.relay?.settled) {
        this.left();
      }
    });
  }
}

/**
 * Relays a worker's answer to an upgrade request on the client's raw socket. A `101` joins the two
 * connections (bytes both ways, each closing the other); any other answer is written as an HTTP/1.1
 * response delimited by closing the connection, as an upgrade request's connection is not reused.
 */
export class UpgradeRelay extends CancellableRelay implements Dispatcher.DispatchHandlers {
  /** The answer has ended (the tunnel closed, or the refusal was relayed). */
  settled = false;
  private resume: (() => void) | undefined;
  private readonly drained = () => this.resume?.();

  constructor(
    private readonly socket: Duplex,
    private readonly head: Buffer,
    private readonly tunnels: Set<Duplex>,
    private readonly hooks: RelayHooks,
  ) {
    super();
  }

  onUpgrade(statusCode: number, headers: Buffer[] | string[] | null, upstream: Duplex): void {
    this.status = statusCode;
    const client = this.socket;
    client.write(`${statusLine(statusCode)}${headerLines(headers ?? [], false)}\r\n`);
    if (this.head.length > 0) {
      upstream.write(this.head);
    }
    this.tunnels.add(client);
    this.tunnels.add(upstream);
    let closed = false;
    const close = () => {
      if (closed) {
        return;
      }
      closed = true;
      this.settled = true;
      this.tunnels.delete(client);
      this.tunnels.delete(upstream);
      client.destroy();
      upstream.destroy();
      this.hooks.done(String(statusCode));
    };
    for (const side of [client, upstream]) {
      side.once("close", close);
      side.once("error", close);
      side.once("end", close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    this.hooks.onHead();
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) {
      return true;
    }
    this.status = statusCode;
    this.resume = resume;
    this.socket.write(`${statusLine(statusCode)}${headerLines(headers, true)}connection: close\r\n\r\n`);
    this.hooks.onHead();
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.socket.write(chunk)) {
      return true;
    }
    this.socket.once("drain", this.drained);
    return false;
  }

  onComplete(): void {
    this.settled = true;
    this.socket.end();
    this.hooks.done(String(this.status));
  }

  onError(error: Error): void {
    if (this.status === 0) {
      this.hooks.onFailBeforeHead(error);
      return;
    }
    this.settled = true;
    this.socket.destroy();
    this.hooks.done(String(this.status));
  }
}

/** A raw header name or value as text (HTTP header bytes are Latin-1). */
export function latin1(value: Buffer | string | undefined): string {
  return Buffer.isBuffer(value) ? value.toString("latin1") : (value ?? "");
}

/** An HTTP/1.1 status line. */
export function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}\r\n`;
}

/**
 * Raw header lines of a worker's answer for the client's socket; with `endToEndOnly`, hop-by-hop ones
 * are left out (a body without a length is delimited by the connection's end). A `101` keeps them all:
 * `Upgrade` and `Connection` are what it switches.
 */
export function headerLines(raw: readonly (Buffer | string)[], endToEndOnly: boolean): string {
  let lines = "";
  for (let i = 0; i < raw.length; i += 2) {
    const name = latin1(raw[i]);
    if (endToEndOnly && HOP_BY_HOP.has(name.toLowerCase())) {
      continue;
    }
    lines += `${name}: ${latin1(raw[i + 1])}\r\n`;
  }
  return lines;
}

/** True when the request came over TLS. */
export function isEncrypted(incoming: IncomingMessage): boolean {
  return (incoming.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
}

/** Reads a (small) request body whole. */
export function readWhole(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.once("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    incoming.once("error", reject);
    incoming.once("close", () => {
      if (!incoming.complete) {
        reject(new Error("the client closed the connection while sending its body"));
      }
    });
  });
}

/** What the router's Node path reads of a request's head, in one pass over its raw headers. */
export interface RequestHead {
  /** The `Authorization` header (the platform's key; never forwarded). */
  authorization: string | undefined;
  /** The body's length from `Content-Length` (0 when absent). */
  contentLength: number;
  /** The body comes with a transfer coding (chunked): its length is unknown. */
  chunked: boolean;
  /** The headers to send the worker, as a flat name/value list: end-to-end ones, plus `X-Forwarded-*`. */
  forwarded: string[];
}

/**
 * Reads a request's head from Node's raw header list (names as the client spelled them), without the
 * parsed `headers` object Node would build for it. For a `worker` the key is held back and the Host
 * becomes `X-Forwarded-Host`; for the cluster's `leader` both go along as they came.
 */
export function requestHead(
  incoming: IncomingMessage,
  client: ClientInfo,
  to: "worker" | "leader" = "worker",
): RequestHead {
  const dropped = to === "worker" ? NOT_FORWARDED : NOT_RELAYED_TO_LEADER;
  const raw = incoming.rawHeaders;
  let connectionTokens: Set<string> | undefined;
  let host = "";
  let prior: string | undefined;
  let authorization: string | undefined;
  let contentLength = 0;
  let chunked = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === "connection") {
      connectionTokens = connectionHeaderTokens(value, connectionTokens);
    } else if (name === "host") {
      host = value;
    } else if (name === "x-forwarded-for") {
      prior = prior === undefined ? value : `${prior}, ${value}`;
    } else if (name === "authorization") {
      authorization = value;
    } else if (name === "content-length") {
      contentLength = Number(value);
    } else if (name === "transfer-encoding") {
      chunked = true;
    }
  }
  const forwarded: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (!dropped.has(name) && name !== "x-forwarded-for" && !connectionTokens?.has(name)) {
      forwarded.push(raw[i] as string, raw[i + 1] as string);
    }
  }
  if (client.address !== undefined) {
    forwarded.push("x-forwarded-for", prior ? `${prior}, ${client.address}` : client.address);
  } else if (prior !== undefined) {
    forwarded.push("x-forwarded-for", prior);
  }
  if (to === "worker") {
    forwarded.push("x-forwarded-host", host);
  }
  forwarded.push("x-forwarded-proto", isEncrypted(incoming) ? "https" : "http");
  return { authorization, contentLength, chunked, forwarded };
}

/** The worker's raw answer headers without hop-by-hop ones, as the flat list Node's `writeHead` takes. */
export function relayedResponseHeaders(raw: readonly Buffer[]): string[] {
  const headers: string[] = [];
  let connectionTokens: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString("latin1");
    const value = (raw[i + 1] as Buffer).toString("latin1");
    const lower = name.toLowerCase();
    if (lower === "connection") {
      connectionTokens = connectionHeaderTokens(value, connectionTokens);
    } else if (!HOP_BY_HOP.has(lower)) {
      headers.push(lower, value);
    }
  }
  if (connectionTokens === undefined) {
    return headers;
  }
  const tokens = connectionTokens;
  return headers.filter((_, i) => !tokens.has(headers[i - (i % 2)] as string));
}
