import type { IncomingMessage, ServerResponse } from "node:http";
import { type Duplex, Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { Agent, type Dispatcher } from "undici";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import {
  BODYLESS,
  type ClientInfo,
  type ClientLink,
  connectionHeaderTokens,
  HOP_BY_HOP,
  NOT_FORWARDED,
  NodeClientLink,
  type RequestHead,
  ResponseRelay,
  readWhole,
  SocketClientLink,
  UpgradeRelay,
} from "../http/http-relay.js";
import type { Logger } from "../logging/logger.js";
import { type Histogram, histogramAdd, type RequestTally } from "../metrics/metric-history.js";
import type { BoundCounter, BoundHistogram, PrometheusRegistry } from "../metrics/prometheus-registry.js";
import type { EndpointRecord } from "../store/records.js";
import type { Clock } from "../util/clock.js";
import type { WorkerRegistry } from "../workers/worker-registry.js";
import { pickWorker, type RoutableWorker } from "./pick-worker.js";
import { type PingHealth, type PingOutcome, pingHealth } from "./ping-health.js";

/** What the load balancer works with. */
export interface LoadBalancerDependencies {
  workers: WorkerRegistry;
  /** Current endpoints (cached by the caller). */
  endpoint: (id: string) => EndpointRecord | undefined;
  endpoints: () => EndpointRecord[];
  /** Asks the autoscaler to evaluate an endpoint now (a request waits, or load rose). */
  notifyAutoscaler: (endpointId: string) => void;
  clock: Clock;
  logger: Logger;
  prometheus: PrometheusRegistry;
  /** Interval of the `/ping` health checks. */
  healthIntervalMs: number;
  /** Longest a request waits for a healthy worker before it is answered 503. */
  coldStartWaitMs: number;
  /** How long a worker may fail its `/ping` (once it was ready) before it is stopped and replaced. */
  unhealthyTimeoutMs: number;
}

/** A routable worker of a load-balancing endpoint, as the router tracks it. */
interface Backend extends RoutableWorker {
  endpointId: string;
  port: number;
  /** `http://127.0.0.1:{port}`, made once. */
  origin: string;
  /** Where its `/ping` is asked: `origin`, or its separate `PORT_HEALTH`. */
  healthOrigin: string;
  health: PingHealth;
  /** When its `/ping` started failing (the first failure of the current run of failures); null while it passes. */
  unhealthySince: number | null;
  /** A `/ping` is on its way (checks never overlap). */
  probing: boolean;
}

/** A request waiting for a healthy worker (a cold start). */
interface Waiter {
  since: number;
  wake: () => void;
}

/** The load an endpoint's requests put on its workers, for the autoscaler. */
export interface RequestLoad {
  /** Requests in flight, by worker. */
  inFlightByWorker: ReadonlyMap<string, number>;
  /** Requests in flight in all. */
  inFlight: number;
  /** Requests waiting for a healthy worker. */
  waiting: number;
  /** When the longest-waiting request arrived. */
  oldestWaitingAt: number | undefined;
  /** Since when each worker failing its `/ping` has been failing it, without a break. */
  unhealthySince: ReadonlyMap<string, number>;
  /** How long a worker may fail its `/ping` before it is stopped and replaced. */
  unhealthyTimeoutMs: number;
}

/**
 * Bodies of known length up to this size are read whole before they are relayed (one write instead of a
 * stream); larger ones, and every body without a length (chunked, SSE), stream through.
 */
const BUFFERED_BODY_BYTES = 64 * 1024;
/** Seconds a 503 tells the client to wait. */
const RETRY_AFTER_SECONDS = 5;
/** Longest a `/ping` may take before it counts as failed. */
const PING_TIMEOUT_MS = 5_000;

/**
 * The router of load-balancing endpoints: proxies each request to the healthy worker with the fewest
 * outstanding requests, through one pooled undici dispatcher (keep-alive connections to every worker).
 * Bodies stream both ways; a client that hangs up aborts the worker's request. Worker health comes from
 * `GET /ping`, polled at `healthIntervalMs`: it decides routing and the worker's status (the first 200
 * marks it ready). Requests that find no healthy worker wait for one (the autoscaler is told at once),
 * up to `coldStartWaitMs`, then get 503 with `Retry-After`; a worker that fails before answering gives
 * 502, after one retry on another worker for GET and HEAD.
 */
export class LoadBalancer {
  /** Every tracked worker, by id. */
  private readonly backends = new Map<string, Backend>();
  /** Workers, requests and metric series by endpoint. */
  private readonly pools = new Map<string, EndpointPool>();
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 512, pipelining: 1 });
  /** Open WebSocket (upgraded) connections: the client's socket and the worker's. */
  private readonly tunnels = new Set<Duplex>();
  private timer: NodeJS.Timeout | undefined;
  private picks = 0;

  constructor(private readonly deps: LoadBalancerDependencies) {}

  /** Starts the health checks. */
  start(): void {
    this.timer = setInterval(() => this.checkHealth(), this.deps.healthIntervalMs);
    this.timer.unref();
    this.checkHealth();
  }

  /** Stops the health checks, answers waiting requests 503 and closes pooled connections. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const pool of this.pools.values()) {
      for (const waiter of pool.waiters) {
        waiter.wake();
      }
    }
    this.closeTunnels();
    await this.agent.close().catch(() => {});
  }

  /** Cuts every open WebSocket connection (on shutdown: they are no longer the HTTP server's). */
  closeTunnels(): void {
    for (const socket of this.tunnels) {
      socket.destroy();
    }
    this.tunnels.clear();
  }

  /**
   * Proxies an `Upgrade` request (a WebSocket) to a worker, on Node's raw client socket: the worker's
   * `101` and then the connection's bytes both ways are relayed as they are; a worker that refuses the
   * upgrade has its answer relayed instead. The connection counts as a request in flight on its worker
   * until either side closes it. Throws problems for 400, 502 and 503 before anything was written.
   */
  async upgradeNode(
    endpoint: EndpointRecord,
    incoming: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    target: string,
    requestHead: RequestHead,
  ): Promise<void> {
    const link = new SocketClientLink(socket);
    const protocol = incoming.headers.upgrade ?? "websocket";
    await this.forward<void>(
      endpoint,
      false,
      link,
      (backend, done) =>
        new Promise<() => Promise<void>>((resolve, reject) => {
          const relay = new UpgradeRelay(socket, head, this.tunnels, {
            onHead: () => resolve(noDelivery),
            onFailBeforeHead: reject,
            done,
          });
          link.relay = relay;
          this.agent.dispatch(
            {
              origin: backend.origin,
              path: target,
              method: (incoming.method ?? "GET") as Dispatcher.HttpMethod,
              headers: requestHead.forwarded,
              upgrade: protocol,
              headersTimeout: endpoint.executionTimeoutMs,
              bodyTimeout: endpoint.executionTimeoutMs,
            },
            relay,
          );
        }),
    );
  }

  /** The request load of an endpoint, for the autoscaler. */
  load(endpointId: string): RequestLoad {
    const inFlightByWorker = new Map<string, number>();
    const unhealthySince = new Map<string, number>();
    const pool = this.pools.get(endpointId);
    let oldestWaitingAt: number | undefined;
    for (const backend of pool?.backends.values() ?? []) {
      if (backend.inFlight > 0) {
        inFlightByWorker.set(backend.workerId, backend.inFlight);
      }
      if (backend.unhealthySince !== null) {
        unhealthySince.set(backend.workerId, backend.unhealthySince);
      }
    }
    for (const waiter of pool?.waiters ?? []) {
      oldestWaitingAt = oldestWaitingAt === undefined ? waiter.since : Math.min(oldestWaitingAt, waiter.since);
    }
    return {
      inFlightByWorker,
      inFlight: pool?.inFlight ?? 0,
      waiting: pool?.waiters.size ?? 0,
      oldestWaitingAt,
      unhealthySince,
      unhealthyTimeoutMs: this.deps.unhealthyTimeoutMs,
    };
  }

  /**
   * The endpoint's requests since the previous call, for the metric history: how many finished, how many
   * were 5xx, their latencies, and how many are in flight now. Each call starts a new count.
   */
  takeTally(endpointId: string): RequestTally | undefined {
    return this.pools.get(endpointId)?.takeTally();
  }

  /** Requests in flight on one worker (its status is RUNNING while there are any). */
  inFlight(workerId: string): number {
    return this.backends.get(workerId)?.inFlight ?? 0;
  }

  /**
   * Proxies `request` to a worker of `endpoint`, at `target` (path and query on the worker's server).
   * The caller has authenticated it. Throws problems for 404, 502 and 503.
   */
  async proxy(endpoint: EndpointRecord, request: Request, target: string, client: ClientInfo): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const idempotent = method === "GET" || method === "HEAD";
    const headers = forwardedHeaders(request.headers, client, url.host, url.protocol.replace(":", ""));
    const body = await requestBody(request, idempotent);
    const link: ClientLink = {
      get gone() {
        return request.signal.aborted;
      },
      signal: () => request.signal,
    };
    return this.forward(endpoint, idempotent, link, async (backend, done) => {
      const upstream = await this.agent.request({
        origin: backend.origin,
        path: target,
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal: request.signal,
        // Long model calls: bounded by the endpoint's execution timeout, not undici's 5 minutes.
        headersTimeout: endpoint.executionTimeoutMs,
        bodyTimeout: endpoint.executionTimeoutMs,
      });
      return () => this.respond(upstream, backend, method, done);
    });
  }

  /**
   * The same as {@link proxy} on Node's own request and response objects, which the HTTP server hands
   * over (the router's hot path): a small body is read whole, the worker's answer is written to the
   * client as undici parses it (no streams in between), and no signal is made unless the request has to
   * wait for a worker.
   */
  async proxyNode(
    endpoint: EndpointRecord,
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    target: string,
    head: RequestHead,
  ): Promise<void> {
    const method = (incoming.method ?? "GET").toUpperCase();
    const link = new NodeClientLink(outgoing);
    const headers = head.forwarded;
    let body: Buffer | IncomingMessage | null = null;
    if (head.chunked || head.contentLength > 0) {
      body = !head.chunked && head.contentLength <= BUFFERED_BODY_BYTES ? await readWhole(incoming) : incoming;
    }
    if (link.gone) {
      return;
    }
    const idempotent = method === "GET" || method === "HEAD";
    await this.forward<void>(
      endpoint,
      idempotent && body === null,
      link,
      (backend, done) =>
        new Promise<() => Promise<void>>((resolve, reject) => {
          const relay = new ResponseRelay(outgoing, method, {
            onHead: () => resolve(noDelivery),
            onFailBeforeHead: reject,
            done,
          });
          link.relay = relay;
          this.agent.dispatch(
            {
              origin: backend.origin,
              path: target,
              method: method as Dispatcher.HttpMethod,
              headers,
              body,
              headersTimeout: endpoint.executionTimeoutMs,
              bodyTimeout: endpoint.executionTimeoutMs,
            },
            relay,
          );
        }),
    );
  }

  /**
   * Sends a request to a healthy worker with `send` (waiting for one; a request that may be retried is
   * retried once on another worker when its worker fails before answering), then delivers the answer;
   * throws problems for 400, 502 and 503. `send` rejects only for failures before the worker's answer
   * began, and calls `done` with the answer's status code once the answer has been relayed.
   */
  private async forward<T>(
    endpoint: EndpointRecord,
    retriable: boolean,
    client: ClientLink,
    send: (backend: Backend, done: (code: string) => void) => Promise<() => Promise<T>>,
  ): Promise<T> {
    if (endpoint.type !== "LOAD_BALANCER") {
      throw new ControlPlaneError(
        "endpoint_type_mismatch",
        `endpoint ${endpoint.id} is a queue endpoint: send jobs to /v2/${endpoint.id}/run, not requests to /lb/`,
      );
    }
    const started = performance.now();
    const endpointId = endpoint.id;
    const pool = this.pool(endpointId);
    pool.inFlight++;
    let tried: Set<string> | undefined;
    let settled = false;
    const finish = (code: string) => {
      if (settled) {
        return;
      }
      settled = true;
      pool.inFlight = Math.max(0, pool.inFlight - 1);
      pool.counted(code).inc();
      const ms = performance.now() - started;
      pool.latency.observe(ms / 1000);
      pool.tally(ms, code);
    };
    try {
      for (;;) {
        const backend = this.pickNow(pool, tried) ?? (await this.acquire(pool, tried, client));
        if (!backend) {
          finish("503");
          throw new ControlPlaneError(
            "worker_unavailable",
            client.gone
              ? "the client went away while waiting for a worker"
              : `no healthy worker of endpoint ${endpointId} became available within ${this.deps.coldStartWaitMs} ms`,
            { retryAfterSeconds: RETRY_AFTER_SECONDS },
          );
        }
        let released = false;
        const done = (code: string) => {
          if (!released) {
            released = true;
            this.release(backend);
            finish(code);
          }
        };
        let deliver: () => Promise<T>;
        try {
          deliver = await send(backend, done);
        } catch (error) {
          released = true;
          this.release(backend);
          tried ??= new Set();
          tried.add(backend.workerId);
          const reason = (error as Error).message;
          pool.upstreamFailures.inc();
          if (!client.gone) {
            this.deps.logger.warn({ endpointId, workerId: backend.workerId, err: error }, "worker failed a request");
          }
          // Check it now rather than at the next interval, so that it leaves rotation at once.
          this.probe(backend);
          if (retriable && tried.size < 2 && !client.gone && this.hasOtherHealthy(pool, tried)) {
            continue;
          }
          // 499: the client hung up (nginx's code), which aborted the worker's request; not the worker's fault.
          finish(client.gone ? "499" : "502");
          throw new ControlPlaneError(
            "worker_failed",
            `worker ${backend.workerId} failed before answering: ${reason}`,
            { cause: error },
          );
        }
        return await deliver();
      }
    } catch (error) {
      finish("502");
      throw error;
    }
  }

  /** Turns the worker's answer into the client's, releasing the worker when its body has been relayed. */
  private async respond(
    upstream: Dispatcher.ResponseData,
    backend: Backend,
    method: string,
    done: (code: string) => void,
  ): Promise<Response> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(responseHeaders(upstream.headers))) {
      if (Array.isArray(value)) {
        for (const item of value) {
          headers.append(name, item);
        }
      } else {
        headers.set(name, value);
      }
    }
    const code = String(upstream.statusCode);
    const end = () => done(code);
    upstream.body.once("close", end);
    if (method === "HEAD" || BODYLESS.has(upstream.statusCode)) {
      upstream.body.dump().then(end, end);
      return new Response(null, { status: upstream.statusCode, headers });
    }
    const length = Number(upstream.headers["content-length"] ?? Number.NaN);
    if (Number.isFinite(length) && length <= BUFFERED_BODY_BYTES) {
      // A small answer of known length is relayed whole: one write to the client instead of a chunked
      // stream (streams, SSE and chunked answers have no length and are relayed as they come).
      try {
        return new Response(await upstream.body.arrayBuffer(), { status: upstream.statusCode, headers });
      } catch (error) {
        throw new ControlPlaneError("worker_failed", `worker ${backend.workerId} failed while answering`, {
          cause: error,
        });
      }
    }
    const stream = Readable.toWeb(upstream.body) as unknown as ReadableStream<Uint8Array>;
    return new Response(stream, { status: upstream.statusCode, headers });
  }

  /** The healthy worker with the fewest requests in flight, taken for a request; none when there is none. */
  private pickNow(pool: EndpointPool, tried: ReadonlySet<string> | undefined): Backend | undefined {
    const backend = pickWorker(pool.backends.values(), tried, this.routable);
    if (backend) {
      backend.inFlight++;
      backend.lastPicked = ++this.picks;
      // REQUEST_COUNT: more requests per worker than the scaler value asks the autoscaler for more.
      if (pool.inFlight > pool.backends.size * (this.deps.endpoint(pool.endpointId)?.scalerValue ?? Infinity)) {
        this.deps.notifyAutoscaler(pool.endpointId);
      }
    }
    return backend;
  }

  /** A healthy worker for the request, waiting for a cold start when there is none; undefined on timeout. */
  private async acquire(
    pool: EndpointPool,
    tried: ReadonlySet<string> | undefined,
    client: ClientLink,
  ): Promise<Backend | undefined> {
    const deadline = this.deps.clock.now() + this.deps.coldStartWaitMs;
    for (;;) {
      const backend = this.pickNow(pool, tried);
      if (backend) {
        return backend;
      }
      const left = deadline - this.deps.clock.now();
      if (left <= 0 || client.gone) {
        return undefined;
      }
      await this.waitForWorker(pool, left, client.signal());
    }
  }

  private waitForWorker(pool: EndpointPool, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        since: this.deps.clock.now(),
        wake: () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", waiter.wake);
          pool.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      signal.addEventListener("abort", waiter.wake, { once: true });
      pool.waiters.add(waiter);
      // A waiting request is load: the autoscaler starts a worker for it (from zero, too).
      this.deps.notifyAutoscaler(pool.endpointId);
    });
  }

  /** A worker may be given requests: its `/ping` says healthy, and it is not draining or parked. */
  private readonly routable = (backend: Backend): boolean =>
    backend.health === "healthy" && this.deps.workers.mayTake(backend.workerId);

  private hasOtherHealthy(pool: EndpointPool, tried: ReadonlySet<string>): boolean {
    return pickWorker(pool.backends.values(), tried, this.routable) !== undefined;
  }

  private release(backend: Backend): void {
    backend.inFlight = Math.max(0, backend.inFlight - 1);
  }

  /** The endpoint's pool of workers and requests (made on first use). */
  private pool(endpointId: string): EndpointPool {
    let pool = this.pools.get(endpointId);
    if (!pool) {
      pool = new EndpointPool(endpointId, this.deps.prometheus);
      this.pools.set(endpointId, pool);
    }
    return pool;
  }

  /** Brings the tracked workers in line with the registry, then asks each one `/ping`. */
  private checkHealth(): void {
    const seen = new Set<string>();
    for (const endpoint of this.deps.endpoints()) {
      if (endpoint.type !== "LOAD_BALANCER") {
        continue;
      }
      for (const worker of this.deps.workers.list(endpoint.id)) {
        if (worker.port === null || worker.placement !== "active") {
          continue;
        }
        seen.add(worker.id);
        let backend = this.backends.get(worker.id);
        if (!backend) {
          backend = {
            workerId: worker.id,
            endpointId: endpoint.id,
            port: worker.port,
            origin: `http://127.0.0.1:${worker.port}`,
            healthOrigin: `http://127.0.0.1:${worker.healthPort ?? worker.port}`,
            health: "initializing",
            unhealthySince: null,
            probing: false,
            inFlight: 0,
            lastPicked: 0,
          };
          this.backends.set(worker.id, backend);
          this.pool(endpoint.id).backends.set(worker.id, backend);
        }
        this.probe(backend);
      }
    }
    for (const [workerId, backend] of this.backends) {
      // A worker that is gone keeps its entry while requests still stream from it.
      if (!seen.has(workerId) && backend.inFlight === 0) {
        this.backends.delete(workerId);
        this.pools.get(backend.endpointId)?.backends.delete(workerId);
      } else if (!seen.has(workerId)) {
        backend.health = "unhealthy";
      }
    }
  }

  /** Asks one worker `GET /ping` (on `PORT_HEALTH`) and applies what it answers. */
  private probe(backend: Backend): void {
    if (backend.probing) {
      return;
    }
    backend.probing = true;
    const timeout = Math.min(PING_TIMEOUT_MS, Math.max(1_000, this.deps.healthIntervalMs * 2));
    this.agent
      .request({
        origin: backend.healthOrigin,
        path: "/ping",
        method: "GET",
        headersTimeout: timeout,
        bodyTimeout: timeout,
      })
      .then(
        async (answer): Promise<PingOutcome> => {
          await answer.body.dump();
          return { kind: "answered", status: answer.statusCode };
        },
        (error: Error): PingOutcome => ({ kind: "failed", reason: error.message }),
      )
      .then((outcome) => this.applyHealth(backend, outcome))
      .catch((error) => this.deps.logger.error({ err: error, workerId: backend.workerId }, "health check failed"))
      .finally(() => {
        backend.probing = false;
      });
  }

  private async applyHealth(backend: Backend, outcome: PingOutcome): Promise<void> {
    const worker = this.deps.workers.find(backend.workerId);
    if (!worker) {
      backend.health = "unhealthy";
      return;
    }
    const health = pingHealth(outcome, worker.readyAt !== null);
    const before = backend.health;
    backend.health = health;
    if (health !== "unhealthy") {
      backend.unhealthySince = null;
    } else if (backend.unhealthySince === null) {
      backend.unhealthySince = this.deps.clock.now();
    } else if (this.deps.clock.now() - backend.unhealthySince >= this.deps.unhealthyTimeoutMs) {
      // Past the limit: the autoscaler stops it and starts another (see decide).
      this.deps.notifyAutoscaler(backend.endpointId);
    }
    if (health === "healthy") {
      // The first 200 is the worker's readiness (INITIALIZING → IDLE), as a first job-take is for handlers.
      this.deps.workers.seen(worker.id, true);
      if (worker.unhealthyReason !== null) {
        await this.deps.workers.markHealthy(worker.id);
      }
      if (before !== "healthy") {
        this.deps.logger.info({ endpointId: backend.endpointId, workerId: worker.id }, "worker is healthy");
        for (const waiter of [...(this.pools.get(backend.endpointId)?.waiters ?? [])]) {
          waiter.wake();
        }
      }
    } else if (health === "unhealthy" && worker.unhealthyReason === null) {
      const why = outcome.kind === "answered" ? `answered ${outcome.status}` : `did not answer (${outcome.reason})`;
      await this.deps.workers.markUnhealthy(worker.id, `GET /ping ${why}`);
    }
  }
}

/** The body to send the worker: none for GET/HEAD, a small one of known length whole, else a stream. */
async function requestBody(request: Request, idempotent: boolean): Promise<Buffer | Readable | null> {
  if (!request.body || idempotent) {
    return null;
  }
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(length) && length <= BUFFERED_BODY_BYTES) {
    return Buffer.from(await request.arrayBuffer());
  }
  return Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
}

/** The request headers sent to the worker: end-to-end ones, plus `X-Forwarded-*`. */
function forwardedHeaders(
  source: Iterable<[string, string | string[] | undefined]>,
  client: ClientInfo,
  fallbackHost: string,
  proto: string,
): Record<string, string> {
  const entries: [string, string][] = [];
  let connection = "";
  let host = fallbackHost;
  let prior: string | undefined;
  for (const [name, raw] of source) {
    if (raw === undefined) {
      continue;
    }
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    if (name === "connection") {
      connection = value;
    } else if (name === "host") {
      host = value;
    } else if (name === "x-forwarded-for") {
      prior = value;
    }
    entries.push([name, value]);
  }
  const connectionTokens = connectionHeaderTokens(connection);
  const headers: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!NOT_FORWARDED.has(name) && !connectionTokens?.has(name)) {
      headers[name] = value;
    }
  }
  if (client.address !== undefined) {
    headers["x-forwarded-for"] = prior ? `${prior}, ${client.address}` : client.address;
  }
  headers["x-forwarded-host"] = host;
  headers["x-forwarded-proto"] = proto;
  return headers;
}

/** The worker's answer headers without hop-by-hop ones. */
function responseHeaders(source: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const connectionTokens = connectionHeaderTokens(source.connection);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !connectionTokens?.has(name)) {
      headers[name] = value;
    }
  }
  return headers;
}

/** One endpoint's workers, waiting requests, requests in flight and metric series (bound once). */
class EndpointPool {
  /** Its tracked workers, by id. */
  readonly backends = new Map<string, Backend>();
  /** Requests waiting for a healthy worker. */
  readonly waiters = new Set<Waiter>();
  /** Requests in flight (sent, or waiting for a worker). */
  inFlight = 0;
  readonly latency: BoundHistogram;
  readonly upstreamFailures: BoundCounter;
  private readonly byCode = new Map<string, BoundCounter>();
  private finished = 0;
  private errors = 0;
  private latencyMs: Histogram = {};

  constructor(
    readonly endpointId: string,
    private readonly prometheus: PrometheusRegistry,
  ) {
    const labels = { endpoint: endpointId };
    this.latency = prometheus.histogram(
      "runfleet_lb_request_seconds",
      "Time from a routed request's arrival to the end of its response",
      labels,
    );
    this.upstreamFailures = prometheus.counter(
      "runfleet_lb_upstream_failures_total",
      "Routed requests a worker failed",
      labels,
    );
  }

  /** Counts a finished request for the metric history. */
  tally(ms: number, code: string): void {
    this.finished++;
    if (code.startsWith("5")) {
      this.errors++;
    }
    histogramAdd(this.latencyMs, ms);
  }

  /** The count since the previous call, which starts a new one. */
  takeTally(): RequestTally {
    const tally = { inFlight: this.inFlight, finished: this.finished, errors: this.errors, latency: this.latencyMs };
    this.finished = 0;
    this.errors = 0;
    this.latencyMs = {};
    return tally;
  }

  /** The request counter of one answer code. */
  counted(code: string): BoundCounter {
    let counter = this.byCode.get(code);
    if (!counter) {
      counter = this.prometheus.counter("runfleet_lb_requests_total", "Requests routed to load-balancing workers", {
        endpoint: this.endpointId,
        code,
      });
      this.byCode.set(code, counter);
    }
    return counter;
  }
}

/** What a Node-path `send` hands back once the relay has taken over the answer. */
const noDelivery = (): Promise<void> => Promise.resolve();
