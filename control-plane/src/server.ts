import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { ControlPlaneConfig, ControlPlaneOptions } from "./config/config.js";
import { type ControlPlane, type ControlPlaneOverrides, createControlPlane } from "./control-plane.js";
import { type SshGateway, startSshGateway } from "./exec/ssh-gateway.js";

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

/** Assembles a control plane and binds it to the configured host and port (0 picks a free port). */
export async function startServer(
  options: ControlPlaneOptions | ControlPlaneConfig,
  overrides: ControlPlaneOverrides = {},
): Promise<RunningControlPlane> {
  const controlPlane = await createControlPlane(options, overrides);
  const { config } = controlPlane;
  let server!: ReturnType<typeof serve>;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server = serve(
      {
        fetch: controlPlane.app.fetch,
        hostname: config.host,
        port: config.port,
        // Requests for load-balancing endpoints go straight to the router, ahead of the API application.
        createServer: ((
          serverOptions: Parameters<typeof createServer>[0],
          listener: Parameters<typeof createServer>[1],
        ) =>
          createServer(serverOptions, (incoming, outgoing) => {
            if (!controlPlane.routeToWorkers(incoming, outgoing)) {
              listener?.(incoming, outgoing);
            }
          })) as typeof createServer,
        serverOptions: {
          maxHeaderSize: MAX_REQUEST_HEAD_BYTES,
          // Node checks the request and headers timeouts on this interval (30 s by default), so a
          // timeout of a few seconds would otherwise fire up to 30 s late.
          connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
        },
      },
      (info) => resolve(info),
    );
    server.once("error", reject);
  });
  const httpServer = server as unknown as import("node:http").Server;
  // Node's requestTimeout covers receiving the request (headers and body), not answering it: long polls
  // (job-take, runsync, status-sync, stream, logs follow) are complete requests whose answers take time,
  // and are not cut. A client trickling its body is.
  httpServer.requestTimeout = config.requestTimeoutMs;
  httpServer.headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  httpServer.keepAliveTimeout = config.keepAliveTimeoutMs;
  // Connections past the cap are closed as they are accepted, before they cost a request's work.
  httpServer.maxConnections = config.maxConnections;
  // The interactive shell is a WebSocket on the exec path.
  httpServer.on("upgrade", controlPlane.handleUpgrade);
  let sshGateway: SshGateway | undefined;
  if (config.sshPort !== undefined) {
    try {
      sshGateway = await startSshGateway({
        host: config.sshHost,
        port: config.sshPort,
        hostKeyPath: join(config.dataDir, "ssh_host_ed25519_key"),
        exec: controlPlane.exec,
        sshKeys: controlPlane.sshKeys,
        workers: controlPlane.workers,
        logger: controlPlane.logger.child({ component: "ssh" }),
      });
    } catch (error) {
      httpServer.close();
      await controlPlane.close();
      throw new Error(
        `cannot start the SSH gateway on ${config.sshHost}:${config.sshPort}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
  controlPlane.baseUrl = config.publicUrl ?? url;
  let stopping: Promise<void> | undefined;
  return Object.assign(controlPlane, {
    url,
    sshGateway,
    stop: () => {
      stopping ??= (async () => {
        await sshGateway?.close();
        controlPlane.handleUpgrade.close();
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeIdleConnections();
          // Held long polls would keep close() waiting; they are answered by close() below.
          setTimeout(() => httpServer.closeAllConnections(), 2_000).unref();
        });
        await controlPlane.close();
      })();
      return stopping;
    },
  });
}
