import type { IncomingMessage, ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { Agent, type Dispatcher } from "undici";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import {
  type ClientLink,
  NodeClientLink,
  type RequestHead,
  ResponseRelay,
  readWhole,
  requestHead,
  SocketClientLink,
  statusLine,
  UpgradeRelay,
} from "../http/http-relay.js";
import { problemFor } from "../http/problem.js";
import type { Logger } from "../logging/logger.js";
import { PrometheusRegistry } from "../metrics/prometheus-registry.js";
import { sleep } from "../util/sleep.js";
import type { LeaderAddress, LeaderLookup } from "./leader-directory.js";

/**
 * Names the follower that relayed a request. A control plane that does not lead and gets a request
 * bearing it answers 503 with {@link NOT_LEADER_HEADER} instead of relaying it again, so that a request
 * never travels between followers; the follower that sent it looks the leader up again.
 */
export const FORWARDED_BY_HEADER = "x-runfleet-forwarded-by";
/** Marks a 503 that means "this control plane does not lead" (the request was not acted on). */
export const NOT_LEADER_HEADER = "x-runfleet-not-leader";

/** Options of a {@link FollowerProxy}. */
export interface FollowerProxyOptions {
  /** Where the leader published itself. */
  directory: LeaderLookup;
  /** This process's replica id (sent in {@link FORWARDED_BY_HEADER}). */
  replicaId: string;
  /** Longest a request waits for a leader that answers before it gets 503 `leader_unavailable`. */
  waitMs: number;
  /** Pause between two looks for the leader while none answers. @defaultValue 250 */
  retryMs?: number;
  /** Request bodies of known length up to this size are held, so that they can be sent again. @defaultValue 1048576 */
  replayableBodyBytes?: number;
  logger: Logger;
}

/** How a relayed request ended, as `runfleet_follower_requests_total` counts it. */
type RelayOutcome = "relayed" | "leader_unavailable" | "leader_failed" | "client_left";

/** The leader answered that it does not lead (any more): nothing was done, the request can go elsewhere. */
class NotLeaderAnswer extends Error {
  override readonly name = "NotLeaderAnswer";
}

/**
 * Failures that mean the request never reached the leader: no connection could be made. Such a request
 * is sent again once a leader answers, whatever its method.
 */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Seconds a `leader_unavailable` answer asks the client to wait. */
const RETRY_AFTER_SECONDS = 1;

/**
 * What a follower does with every request it gets: relays it to the cluster's leader, as it came (its
 * key and Host included, plus `X-Forwarded-For`/`-Proto`), and relays the answer back as it is produced
 * (long polls, streams and WebSocket upgrades included); a client that hangs up aborts the leader's request.
 *
 * While no leader answers (one died and another is taking over), requests wait, looking the leader up
 * again every `retryMs`, for up to `waitMs`; then they are answered 503 `leader_unavailable` with
 * `Retry-After`. A request is sent again only when it is sure it was not acted on (no connection could be
 * made, or the leader answered that it does not lead) — or, once, when it is a GET or HEAD; a failure
 * after the leader took a request answers 502 `leader_failed`.
 */
export class FollowerProxy {
  private readonly agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: 256,
    pipelining: 1,
    connect: { timeout: 2_000 },
    // Long polls and streams are held by the leader for as long as they need.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  private readonly tunnels = new Set<Duplex>();
  private current: LeaderAddress | undefined;
  private looking: Promise<LeaderAddress | undefined> | undefined;
  private lastLeaderUrl: string | undefined;
  /** The leader whose unreachability was last logged (logged once per leader). */
  private unreachableReported: string | undefined;
  private closed = false;
  /** This process's own metrics while it follows (a follower's `/metrics` is its own, not the leader's). */
  private readonly prometheus = new PrometheusRegistry();

  constructor(private readonly options: FollowerProxyOptions) {
    this.prometheus.set("runfleet_replica_leader", "1 while this replica leads its database cluster, else 0", {}, 0);
  }

  /** Relays a request (Node's request listener). */
  readonly handle = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    if (incoming.url === "/healthz" && (incoming.method === "GET" || incoming.method === "HEAD")) {
      // Liveness is this process's own: a follower stays alive while its leader is away.
      outgoing.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (incoming.url === "/metrics" && incoming.method === "GET") {
      // Prometheus scrapes every replica: each reports its own figures, so that sums do not double.
      outgoing.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(this.prometheus.render());
      return;
    }
    if (incoming.headers[FORWARDED_BY_HEADER] !== undefined) {
      // Another follower took this process for the leader: it looks again rather than chaining followers.
      this.answer(
        outgoing,
        incoming.url,
        new ControlPlaneError("leader_unavailable", "this control plane does not lead the cluster", {
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        }),
        { [NOT_LEADER_HEADER]: "1" },
      );
      return;
    }
    this.relayRequest(incoming, outgoing).then(
      (outcome) => this.count(outcome),
      (error: unknown) => {
        this.count(
          ControlPlaneError.is(error) && error.code === "leader_failed" ? "leader_failed" : "leader_unavailable",
        );
        this.answer(outgoing, incoming.url, error);
      },
    );
  };

  /** Relays an `Upgrade` request (Node's `upgrade` listener): the leader's 101 joins the two sockets. */
  readonly handleUpgrade = (incoming: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const link = new SocketClientLink(socket);
    const forwarded = this.headOf(incoming, (socket as Partial<Socket>).remoteAddress);
    this.send(
      link,
      true,
      false,
      (origin) =>
        new Promise<void>((resolve, reject) => {
          const relay = new UpgradeRelay(socket, head, this.tunnels, {
            onHead: () => undefined,
            onFailBeforeHead: reject,
            done: () => resolve(),
          });
          link.relay = relay;
          this.agent.dispatch(
            {
              origin,
              path: incoming.url ?? "/",
              method: (incoming.method ?? "GET") as Dispatcher.HttpMethod,
              headers: forwarded.forwarded,
              upgrade: incoming.headers.upgrade ?? "websocket",
            },
            relay,
          );
        }),
    ).catch((error: unknown) => {
      if (!socket.destroyed) {
        const problem = problemFor(error, incoming.url ?? "/");
        const body = JSON.stringify(problem);
        socket.end(
          `${statusLine(problem.status)}content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
      }
    });
  };

  /**
   * Relays an SSH connection to the leader's SSH gateway, byte for byte: the SSH session is between the
   * client and the leader, so the client sees the host key the replicas share. Like a request, it waits
   * for a leader that answers, for up to `waitMs`; no byte is sent before the leader's gateway accepts the
   * connection, so a refused one is tried again on the next leader. It is hung up when none answers in
   * time, or when the leader runs no SSH gateway.
   */
  relaySsh(client: Socket): void {
    client.pause();
    client.on("error", () => undefined);
    this.tunnels.add(client);
    client.once("close", () => this.tunnels.delete(client));
    this.connectToLeaderSsh(client).then(
      (upstream) => {
        if (upstream === undefined || client.destroyed) {
          upstream?.destroy();
          client.destroy();
          return;
        }
        this.tunnels.add(upstream);
        upstream.on("error", () => undefined);
        upstream.once("close", () => {
          this.tunnels.delete(upstream);
          client.destroy();
        });
        client.once("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  }

  /** A connection to the current leader's SSH gateway, or undefined when there is none to be had in time. */
  private async connectToLeaderSsh(client: Socket): Promise<Socket | undefined> {
    const deadline = Date.now() + this.options.waitMs;
    const retryMs = this.options.retryMs ?? 250;
    while (!this.closed && !client.destroyed && Date.now() < deadline) {
      const leader = this.current ?? (await this.lookUp());
      if (leader !== undefined && leader.sshAddress === null) {
        this.options.logger.warn(
          { leader: leader.url },
          "follower: an SSH connection was hung up: the leader runs no SSH gateway (give every replica --ssh-port)",
        );
        return undefined;
      }
      if (leader?.sshAddress) {
        try {
          return await connectTcp(leader.sshAddress, 2_000);
        } catch (error) {
          if (this.current === leader) {
            this.current = undefined;
          }
          this.options.logger.debug(
            { leader: leader.sshAddress, err: error },
            "follower: the leader's SSH gateway does not answer",
          );
        }
      }
      await sleep(retryMs);
    }
    return undefined;
  }

  /** Ends the relays in progress and closes the connections to the leader. */
  async close(): Promise<void> {
    this.closed = true;
    for (const tunnel of this.tunnels) {
      tunnel.destroy();
    }
    await this.agent.destroy().catch(() => undefined);
  }

  private count(outcome: RelayOutcome): void {
    this.prometheus.inc(
      "runfleet_follower_requests_total",
      "Requests this follower relayed to the leader, by how they ended",
      { outcome },
    );
  }

  private async relayRequest(incoming: IncomingMessage, outgoing: ServerResponse): Promise<RelayOutcome> {
    const method = (incoming.method ?? "GET").toUpperCase();
    const link = new NodeClientLink(outgoing);
    const head = this.headOf(incoming, incoming.socket.remoteAddress);
    const replayableLimit = this.options.replayableBodyBytes ?? 1_048_576;
    let body: Buffer | IncomingMessage | null = null;
    let replayable = true;
    if (head.chunked || head.contentLength > replayableLimit) {
      // Too large to hold: streamed once, so it is not sent again.
      body = incoming;
      replayable = false;
    } else if (head.contentLength > 0) {
      body = await readWhole(incoming);
    }
    if (link.gone) {
      return "client_left";
    }
    const answered = await this.send(
      link,
      replayable,
      body === null && (method === "GET" || method === "HEAD"),
      (origin) =>
        new Promise<void>((resolve, reject) => {
          const relay = new ResponseRelay(outgoing, method, {
            onHead: () => undefined,
            onFailBeforeHead: reject,
            done: () => resolve(),
            refuse: (statusCode, headers) =>
              statusCode === 503 &&
              headers.some((raw, i) => i % 2 === 0 && raw.toString("latin1").toLowerCase() === NOT_LEADER_HEADER)
                ? new NotLeaderAnswer("the control plane asked does not lead the cluster")
                : undefined,
          });
          link.relay = relay;
          this.agent.dispatch(
            {
              origin,
              path: incoming.url ?? "/",
              method: method as Dispatcher.HttpMethod,
              headers: head.forwarded,
              body,
            },
            relay,
          );
        }),
    );
    return answered ? "relayed" : "client_left";
  }

  /** The head to send the leader: the client's, with this follower named. */
  private headOf(incoming: IncomingMessage, address: string | undefined): RequestHead {
    const head = requestHead(incoming, { address }, "leader");
    head.forwarded.push(FORWARDED_BY_HEADER, this.options.replicaId);
    return head;
  }

  /**
   * Sends a request to the leader with `attempt` until it is answered: waits for a leader while none is
   * known or none answers, and sends again only what is safe to send again (see the class). Resolves
   * false when the client left first.
   */
  private async send(
    link: ClientLink,
    replayable: boolean,
    idempotent: boolean,
    attempt: (origin: string) => Promise<void>,
  ): Promise<boolean> {
    const deadline = Date.now() + this.options.waitMs;
    const retryMs = this.options.retryMs ?? 250;
    let retriedAfterFailure = false;
    for (;;) {
      let leader = this.current ?? (await this.lookUp());
      while (leader === undefined) {
        this.giveUpAfter(deadline, "no control plane leads the cluster yet");
        await sleep(retryMs, link.signal());
        if (link.gone) {
          return false;
        }
        leader = await this.lookUp();
      }
      try {
        await attempt(leader.url);
        return true;
      } catch (error) {
        if (link.gone) {
          return false;
        }
        if (this.current === leader) {
          this.current = undefined;
        }
        const unreached =
          error instanceof NotLeaderAnswer || UNREACHABLE_CODES.has((error as { code?: string }).code ?? "");
        if (unreached && !(error instanceof NotLeaderAnswer) && this.unreachableReported !== leader.replicaId) {
          // Once per leader: a take-over under way, or an advertise URL this host cannot reach.
          this.unreachableReported = leader.replicaId;
          this.options.logger.warn(
            { leader: leader.url, err: error },
            "follower: cannot reach the published leader; waiting for it or for the next one (check its --advertise-url if this lasts)",
          );
        }
        if (unreached && replayable) {
          this.giveUpAfter(deadline, `the leader at ${leader.url} does not answer`);
          await sleep(retryMs, link.signal());
          continue;
        }
        if (unreached) {
          throw new ControlPlaneError("leader_unavailable", `the leader at ${leader.url} does not answer`, {
            retryAfterSeconds: RETRY_AFTER_SECONDS,
            cause: error,
          });
        }
        if (idempotent && !retriedAfterFailure) {
          retriedAfterFailure = true;
          continue;
        }
        throw new ControlPlaneError(
          "leader_failed",
          `the leader at ${leader.url} failed while handling the request; it may or may not have taken effect`,
          { cause: error },
        );
      }
    }
  }

  private giveUpAfter(deadline: number, why: string): void {
    if (this.closed || Date.now() >= deadline) {
      throw new ControlPlaneError("leader_unavailable", `${why}; try again shortly`, {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
  }

  /** Reads the published leader (one read at a time, shared by every waiting request). */
  private lookUp(): Promise<LeaderAddress | undefined> {
    this.looking ??= this.options.directory
      .lookup()
      .then((leader) => {
        this.current = leader;
        if (leader !== undefined && leader.url !== this.lastLeaderUrl) {
          this.lastLeaderUrl = leader.url;
          this.options.logger.info({ leader: leader.url }, "follower: relaying requests to the leader");
        }
        return leader;
      })
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error }, "follower: cannot read the cluster's leader from the database");
        return undefined;
      })
      .finally(() => {
        this.looking = undefined;
      });
    return this.looking;
  }

  /** Answers an error as a problem document, unless the answer has begun or the client has left. */
  private answer(
    outgoing: ServerResponse,
    url: string | undefined,
    error: unknown,
    extraHeaders: Record<string, string> = {},
  ): void {
    if (outgoing.headersSent || outgoing.destroyed) {
      if (!outgoing.writableEnded) {
        outgoing.destroy();
      }
      return;
    }
    if (!ControlPlaneError.is(error)) {
      this.options.logger.error({ err: error }, "follower: relaying a request failed");
    }
    const problem = problemFor(error, url ?? "/");
    const headers: Record<string, string> = { "content-type": "application/problem+json", ...extraHeaders };
    if (ControlPlaneError.is(error) && error.retryAfterSeconds !== undefined) {
      headers["retry-after"] = String(Math.ceil(error.retryAfterSeconds));
    }
    outgoing.writeHead(problem.status, headers).end(JSON.stringify(problem));
  }
}

/** Opens a TCP connection to `host:port` (IPv6 hosts in brackets), failing after `timeoutMs`. */
function connectTcp(address: string, timeoutMs: number): Promise<Socket> {
  const url = new URL(`ssh://${address}`);
  const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port) });
  return new Promise<Socket>((resolve, reject) => {
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer from ${address} in ${timeoutMs} ms`)));
    socket.once("error", fail);
    socket.once("connect", () => {
      socket.setTimeout(0);
      socket.removeListener("error", fail);
      resolve(socket);
    });
  });
}
