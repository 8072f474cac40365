import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import type { Writable } from "node:stream";
import ssh2 from "ssh2";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { Logger } from "../logging/logger.js";
import { fingerprintOf, type SshKeyService } from "../management/ssh-key-service.js";
import type { SshKeyRecord } from "../store/records.js";
import type { WorkerRegistry } from "../workers/worker-registry.js";
import type { AuditedSession, ExecService } from "./exec-service.js";
import { shellCommand } from "./exec-service.js";

/**
 * The TCP port SSH clients connect to. Each connection goes where {@link route} says: into this process's
 * gateway once it serves, or (on a follower of a cluster) through a relay to the leader's gateway.
 */
export class SshListener {
  /** Where each new connection goes; until set, connections are hung up. */
  route: (socket: Socket) => void = (socket) => socket.destroy();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The port it listens on. */
    readonly port: number,
  ) {
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
      this.route(socket);
    });
  }

  /** Listens on `host:port` (port 0 picks a free one). */
  static async listen(host: string, port: number): Promise<SshListener> {
    const server = createServer();
    const bound = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.removeListener("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
    return new SshListener(server, bound);
  }

  /**
   * Stops listening; resolves once every connection has closed. Those still open after `graceMs` (their
   * owners were asked to end them) are cut.
   */
  close(graceMs = 1_000): Promise<void> {
    return new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        for (const socket of this.sockets) {
          socket.destroy();
        }
      }, graceMs);
      cut.unref();
      this.server.close(() => {
        clearTimeout(cut);
        resolve();
      });
    });
  }
}

/** Options of the SSH gateway. */
export interface SshGatewayOptions {
  /** Where clients connect; the gateway takes every connection it gets from then on. */
  listener: SshListener;
  /** The host key (OpenSSH format): {@link loadHostKey}'s, or the one a cluster's replicas share. */
  hostKey: string;
  exec: ExecService;
  sshKeys: SshKeyService;
  workers: WorkerRegistry;
  logger: Logger;
}

/** A listening SSH gateway. */
export interface SshGateway {
  /** The port it listens on. */
  readonly port: number;
  /** The host key's fingerprint (`SHA256:…`), for the banner and for users to check. */
  readonly hostKeyFingerprint: string;
  /** Stops listening and hangs up every connection (their sessions are ended). */
  close(): Promise<void>;
}

/** The host key kept at `path`, or undefined when there is none yet. */
function readHostKey(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw error;
    }
    return undefined;
  }
}

/** A new Ed25519 host key (OpenSSH format). */
function newHostKey(): string {
  return ssh2.utils.generateKeyPairSync("ed25519", { comment: "runfleet ssh gateway" }).private;
}

/**
 * Reads the gateway's host key, creating an Ed25519 one on first start, readable by its owner only. It
 * is kept in the data directory, so that clients see the same host key after every restart.
 */
export function loadHostKey(path: string): string {
  const kept = readHostKey(path);
  if (kept !== undefined) {
    return kept;
  }
  const key = newHostKey();
  // `wx`: two control planes starting on one data directory must not overwrite each other's key.
  writeFileSync(path, key, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return key;
}

/**
 * The host key a replica offers to share with its cluster: the one in its data directory when it has one
 * (so that a control plane that joins a cluster keeps the key its clients know), else a new one, kept in
 * memory only (the cluster's, not this file, is the one in use).
 */
export function hostKeyCandidate(path: string): string {
  return readHostKey(path) ?? newHostKey();
}

/**
 * The SSH gateway: `ssh <workerId>@host -p <port>` opens a shell in that worker, `ssh … '<command>'` runs
 * a command there (through `/bin/sh -c`, as sshd would). Built on ssh2. Only public-key authentication is
 * offered, and only keys registered through `/v1/ssh-keys` pass; the user name is the worker's id. Each
 * channel is a session of the {@link ExecService}, so that it is audited like an exec call, with the SSH
 * key as its actor. Port forwarding, SFTP and agent forwarding are refused.
 */
export async function startSshGateway(options: SshGatewayOptions): Promise<SshGateway> {
  const hostKey = options.hostKey;
  const parsedHostKey = ssh2.utils.parseKey(hostKey);
  if (parsedHostKey instanceof Error) {
    throw new Error(`the SSH host key cannot be read: ${parsedHostKey.message}`);
  }
  const hostKeyFingerprint = fingerprintOf(parsedHostKey.type, parsedHostKey.getPublicSSH()).fingerprint;
  const clients = new Set<ssh2.Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKey], ident: "Runfleet" }, (client, info) => {
    clients.add(client);
    client.on("close", () => clients.delete(client));
    client.on("error", (error) => options.logger.debug({ err: error, ip: info.ip }, "ssh connection error"));
    let key: SshKeyRecord | undefined;
    let username = "";
    client.on("authentication", (context) => {
      if (context.method !== "publickey") {
        context.reject(["publickey"]);
        return;
      }
      options.sshKeys
        .match(context.key.algo, context.key.data)
        .then((registered) => {
          if (registered === undefined) {
            options.logger.info({ ip: info.ip, user: context.username }, "ssh key refused: not registered");
            context.reject(["publickey"]);
            return;
          }
          // Without a signature the client only asks whether the key would do; with one it proves it holds
          // the private key, over this session's data.
          if (context.signature !== undefined) {
            const offered = ssh2.utils.parseKey(context.key.data);
            if (
              offered instanceof Error ||
              offered.verify(context.blob as Buffer, context.signature, context.hashAlgo) !== true
            ) {
              context.reject(["publickey"]);
              return;
            }
            key = registered;
            username = context.username;
          }
          context.accept();
        })
        .catch((error: unknown) => {
          options.logger.error({ err: error }, "ssh key lookup failed");
          context.reject(["publickey"]);
        });
    });
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        let terminal: { cols: number; rows: number } | null = null;
        let running: AuditedSession | undefined;
        session.on("pty", (accept, _reject, pty) => {
          terminal = { cols: pty.cols || 80, rows: pty.rows || 24 };
          accept?.();
        });
        session.on("window-change", (accept, _reject, size) => {
          terminal = { cols: size.cols || 80, rows: size.rows || 24 };
          running?.resize(terminal);
          accept?.();
        });
        // The worker's own environment is what a session gets; what the client sends is not taken.
        session.on("env", (accept) => accept?.());
        const run = (channel: ssh2.ServerChannel, command: string | undefined) => {
          const actor = { type: "sshKey" as const, id: key?.id ?? "", name: key?.name ?? "" };
          const worker = options.workers.find(username);
          if (worker === undefined || key === undefined) {
            channel.stderr.write(
              `runfleet: no worker ${JSON.stringify(username)}: log in as a worker's id (runfleet workers ls <endpoint>)\r\n`,
            );
            channel.exit(1);
            channel.end();
            return;
          }
          // A client reading slowly pauses the command (ssh's window), rather than its output piling up here.
          let started: AuditedSession | undefined;
          let draining = false;
          const deliver = (stream: Writable, data: Buffer) => {
            if (!stream.write(data) && !draining) {
              draining = true;
              started?.pause();
              stream.once("drain", () => {
                draining = false;
                started?.resume();
              });
            }
          };
          options.exec
            .start({
              actor,
              endpointId: worker.endpointId,
              workerId: worker.id,
              command: shellCommand(command),
              tty: terminal,
              transport: "ssh",
              remoteAddress: info.ip,
              onOutput: (stream, data) => deliver(stream === "stderr" ? channel.stderr : channel, data),
            })
            .then((session) => {
              started = session;
              running = session;
              if (draining) {
                session.pause();
              }
              channel.on("data", (data: Buffer) => session.write(data));
              channel.on("end", () => session.closeInput());
              channel.on("close", () => session.cancel());
              return session.ended.then((end) => {
                if (end.signal !== null) {
                  channel.exit(end.signal.replace(/^SIG/, ""), false, "");
                } else {
                  channel.exit(end.exitCode ?? 255);
                }
                channel.end();
              });
            })
            .catch((error: unknown) => {
              const message = ControlPlaneError.is(error) ? error.message : "the session could not be started";
              if (!ControlPlaneError.is(error)) {
                options.logger.error({ err: error }, "ssh session failed");
              }
              channel.stderr.write(`runfleet: ${message}\r\n`);
              channel.exit(1);
              channel.end();
            });
        };
        session.on("shell", (accept) => run(accept(), undefined));
        session.on("exec", (accept, _reject, request) => run(accept(), request.command));
        session.on("subsystem", (_accept, reject) => reject());
      });
      client.on("tcpip", (_accept, reject) => reject());
      client.on("request", (_accept, reject) => reject?.());
    });
  });
  const { listener } = options;
  listener.route = (socket) => server.injectSocket(socket);
  options.logger.info({ port: listener.port, hostKey: hostKeyFingerprint }, "ssh gateway listening");
  return {
    port: listener.port,
    hostKeyFingerprint,
    close: async () => {
      for (const client of clients) {
        client.end();
      }
      await listener.close();
    },
  };
}
