import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { ControlPlaneConfig, ControlPlaneOptions } from "./config/config.js";
import { type ControlPlane, type ControlPlaneOverrides, createControlPlane } from "./control-plane.js";

/** A control plane listening on a port. */
export interface RunningControlPlane extends ControlPlane {
  /** The URL it listens on, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
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
    server = serve({ fetch: controlPlane.app.fetch, hostname: config.host, port: config.port }, (info) =>
      resolve(info),
    );
    server.once("error", reject);
  });
  // Long polls (job-take, status-sync, stream) hold requests for up to 5 minutes.
  const httpServer = server as unknown as import("node:http").Server;
  httpServer.requestTimeout = 0;
  httpServer.headersTimeout = 60_000;
  httpServer.keepAliveTimeout = 65_000;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
  controlPlane.baseUrl = config.publicUrl ?? url;
  let stopping: Promise<void> | undefined;
  return Object.assign(controlPlane, {
    url,
    stop: () => {
      stopping ??= (async () => {
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
