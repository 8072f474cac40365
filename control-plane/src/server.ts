import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { FollowerProxy } from "./cluster/follower-proxy.js";
import { type LeaderAddress, LeaderDirectory } from "./cluster/leader-directory.js";
import { type ControlPlaneConfig, type ControlPlaneOptions, compileConfig } from "./config/config.js";
import { type ControlPlane, type ControlPlaneOverrides, createControlPlane } from "./control-plane.js";
import { hostKeyCandidate, loadHostKey, type SshGateway, SshListener, startSshGateway } from "./exec/ssh-gateway.js";
import { createLogger, type Logger } from "./logging/logger.js";
import { PostgresStore } from "./store/postgres/postgres-store.js";
import { newId } from "./util/ids.js";

/**
 * Largest request head (request line and headers) the server reads, in bytes. The contract lets a worker's
 * heartbeat name its jobs in `job_id` up to 65,536 characters; with its commas percent-encoded (3 bytes
 * each) that is at most ~131 KB, far over Node's default of 16 KB, which would answer 431 and let the
 * leases of a busy worker's jobs run out. A client that breaks the contract's ASCII pattern can send up to
 * 12 bytes a character (a 4-byte UTF-8 character, percent-encoded): 1 MiB covers that too, so such a
 * request is read and answered with a 400 naming the parameter, not cut off by the HTTP parser.
 */
export const MAX_REQUEST_HEAD_BYTES = 1024 * 1024;

/** A control plane listening on a port. */
export interface RunningControlPlane extends ControlPlane {
  /** The URL it listens on, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The SSH gateway, when `sshPort` is set. */
  readonly sshGateway: SshGateway | undefined;
  /** Stops accepting connections, ends background work and closes the store. */
  stop(): Promise<void>;
}

/**
 * Assembles a control plane and binds it to the configured host and port (0 picks a free port).
 *
 * With a database, the process is one replica of a cluster: it listens at once as a follower, relaying
 * every request to the leader (see {@link FollowerProxy}), while it waits for the database's active lock;
 * once it holds the lock it loads the state, serves the requests itself and publishes its address for the
 * other replicas. The promise resolves when it leads.
 */
export async function startServer(
  options: ControlPlaneOptions | ControlPlaneConfig,
  overrides: ControlPlaneOverrides = {},
): Promise<RunningControlPlane> {
  const config = compileConfig(options);
  let handleRequest: RequestListener = (_incoming, outgoing) => {
    outgoing.writeHead(503, { "retry-after": "1" }).end();
  };
  let handleUpgrade: (incoming: IncomingMessage, socket: Duplex, head: Buffer) => void = (_incoming, socket) =>
    socket.destroy();
  const httpServer = createServer(
    {
      maxHeaderSize: MAX_REQUEST_HEAD_BYTES,
      // Node checks the request and headers timeouts on this interval (30 s by default), so a timeout of
      // a few seconds would otherwise fire up to 30 s late.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    (incoming, outgoing) => handleRequest(incoming, outgoing),
  );
  // Node's requestTimeout covers receiving the request (headers and body), not answering it: long polls
  // (job-take, runsync, status-sync, stream, logs follow) are complete requests whose answers take time,
  // and are not cut. A client trickling its body is.
  httpServer.requestTimeout = config.requestTimeoutMs;
  httpServer.headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  httpServer.keepAliveTimeout = config.keepAliveTimeoutMs;
  // Connections past the cap are closed as they are accepted, before they cost a request's work.
  httpServer.maxConnections = config.maxConnections;
  // The interactive shell is a WebSocket on the exec path.
  httpServer.on("upgrade", (incoming: IncomingMessage, socket: Duplex, head: Buffer) =>
    handleUpgrade(incoming, socket, head),
  );
  const closeHttp = () =>
    new Promise<void>((resolve) => {
      httpServer.close(() => resolve());
      httpServer.closeIdleConnections();
      // Held long polls are answered at once (answerHeldRequests); what still runs after 2 s (a log follow,
      // a stream the client keeps open) is cut.
      setTimeout(() => httpServer.closeAllConnections(), 2_000).unref();
    });

  const sshUnavailable = (error: unknown) =>
    new Error(`cannot start the SSH gateway on ${config.sshHost}:${config.sshPort}: ${(error as Error).message}`, {
      cause: error,
    });
  let sshListener: SshListener | undefined;
  let follower: FollowerProxy | undefined;
  let directory: LeaderDirectory | undefined;
  let replicaId: string | undefined;
  let url: string;
  let controlPlane: ControlPlane;
  if (config.databaseUrl === undefined || config.followerMode === "wait") {
    controlPlane = await createControlPlane(config, overrides);
    url = await listen(httpServer, config);
  } else {
    // A replica listens before it leads: until then it relays requests to whichever replica leads.
    url = await listen(httpServer, config);
    replicaId = newId("rep");
    directory = new LeaderDirectory({
      url: config.databaseUrl,
      schema: config.databaseSchema,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
    });
    const logger = overrides.logger ?? createLogger(config.logLevel);
    follower = new FollowerProxy({
      directory,
      replicaId,
      waitMs: config.followerWaitMs,
      logger: logger.child({ component: "follower" }),
    });
    handleRequest = follower.handle;
    handleUpgrade = follower.handleUpgrade;
    if (config.sshPort !== undefined) {
      // SSH clients too are served at once: relayed to the leader's gateway until this replica leads.
      try {
        sshListener = await SshListener.listen(config.sshHost, config.sshPort);
      } catch (error) {
        await closeHttp();
        await follower.close();
        await directory.close();
        throw sshUnavailable(error);
      }
      const relay = follower;
      sshListener.route = (socket) => relay.relaySsh(socket);
    }
    logger.info({ url, replicaId }, "follower: listening; requests are relayed to the leader until this replica leads");
    try {
      controlPlane = await createControlPlane(config, overrides);
    } catch (error) {
      await closeHttp();
      await sshListener?.close();
      await follower.close();
      await directory.close();
      throw error;
    }
  }
  const leader = controlPlane;
  const apiListener = getRequestListener(leader.app.fetch, { hostname: config.host });
  // Requests for load-balancing endpoints go straight to the router, ahead of the API application.
  handleRequest = (incoming, outgoing) => {
    if (!leader.routeToWorkers(incoming, outgoing)) {
      void apiListener(incoming, outgoing);
    }
  };
  handleUpgrade = leader.handleUpgrade;
  leader.baseUrl = config.publicUrl ?? url;
  let sshGateway: SshGateway | undefined;
  if (config.sshPort !== undefined) {
    try {
      sshListener ??= await SshListener.listen(config.sshHost, config.sshPort);
      const keyPath = join(config.dataDir, "ssh_host_ed25519_key");
      // Every replica of a cluster offers the same host key, so that clients trust whichever answers.
      const hostKey =
        leader.store instanceof PostgresStore
          ? await leader.store.sharedSecret(SSH_HOST_KEY_SECRET, hostKeyCandidate(keyPath))
          : loadHostKey(keyPath);
      sshGateway = await startSshGateway({
        listener: sshListener,
        hostKey,
        exec: leader.exec,
        sshKeys: leader.sshKeys,
        workers: leader.workers,
        logger: leader.logger.child({ component: "ssh" }),
      });
    } catch (error) {
      httpServer.close();
      await sshListener?.close();
      await leader.close();
      await follower?.close();
      await directory?.close();
      throw sshUnavailable(error);
    }
  }
  if (config.databaseUrl !== undefined) {
    // Published in either follower mode, so that replicas that relay find a leader that waited.
    replicaId ??= newId("rep");
    directory ??= new LeaderDirectory({
      url: config.databaseUrl,
      schema: config.databaseSchema,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
    });
    const advertiseUrl = config.advertiseUrl ?? advertisedUrl(config, url);
    const sshAddress = sshGateway === undefined ? null : `${new URL(advertiseUrl).hostname}:${String(sshGateway.port)}`;
    publishLeader(directory, { replicaId, url: advertiseUrl, since: Date.now(), sshAddress }, leader.logger);
    leader.logger.info({ advertiseUrl, replicaId }, "leader: this replica serves the cluster");
  }
  let stopping: Promise<void> | undefined;
  return Object.assign(leader, {
    url,
    sshGateway,
    stop: () => {
      stopping ??= (async () => {
        await sshGateway?.close();
        leader.handleUpgrade.close();
        const httpClosed = closeHttp();
        // Answered rather than cut when the connections are closed below.
        leader.answerHeldRequests();
        await httpClosed;
        await follower?.close();
        await leader.close();
        await directory?.close();
      })();
      return stopping;
    },
  });
}

/** The name of the SSH host key among the secrets a cluster's replicas share. */
const SSH_HOST_KEY_SECRET = "ssh_host_ed25519_key";

/** Binds the server to the configured host and port; resolves with the URL it can be reached at here. */
async function listen(server: Server, config: ControlPlaneConfig): Promise<string> {
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
}

/**
 * The URL the other replicas reach this one at, when `advertiseUrl` is not set: the listening address,
 * with the machine's host name in place of a wildcard address (which only this host could use).
 */
function advertisedUrl(config: ControlPlaneConfig, listeningUrl: string): string {
  if (config.host !== "0.0.0.0" && config.host !== "::") {
    return listeningUrl;
  }
  const url = new URL(listeningUrl);
  url.hostname = hostname();
  return url.origin;
}

/**
 * Publishes this replica as the leader, trying again every second while the database refuses: followers
 * relay to the published address only, so a leader that could not publish would serve no one but its
 * own clients.
 */
function publishLeader(directory: LeaderDirectory, address: LeaderAddress, logger: Logger): void {
  const attempt = (): void => {
    directory.publish(address).catch((error: unknown) => {
      logger.error({ err: error }, "leader: cannot publish this replica's address; trying again in 1 s");
      setTimeout(attempt, 1_000).unref();
    });
  };
  attempt();
}
