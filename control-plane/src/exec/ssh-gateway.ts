import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Writable } from "node:stream";
import ssh2 from "ssh2";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { Logger } from "../logging/logger.js";
import { fingerprintOf, type SshKeyService } from "../management/ssh-key-service.js";
import type { SshKeyRecord } from "../store/records.js";
import type { WorkerRegistry } from "../workers/worker-registry.js";
import type { AuditedSession, ExecService } from "./exec-service.js";
import { shellCommand } from "./exec-service.js";

/** Options of the SSH gateway. */
export interface SshGatewayOptions {
  /** Address to bind (`127.0.0.1` unless the operator says otherwise). */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** File of the host key (OpenSSH format), created on first start with mode 0600. */
  hostKeyPath: string;
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

/**
 * Reads the gateway's host key, creating an Ed25519 one on first start, readable by its owner only. It
 * is kept in the data directory, so that clients see the same host key after every restart.
 */
export function loadHostKey(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw error;
    }
  }
  const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment: "runfleet ssh gateway" });
  // `wx`: two control planes starting on one data directory must not overwrite each other's key.
  writeFileSync(path, pair.private, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return pair.private;
}

/**
 * The SSH gateway: `ssh <workerId>@host -p <port>` opens a shell in that worker, `ssh … '<command>'` runs
 * a command there (through `/bin/sh -c`, as sshd would). Built on ssh2. Only public-key authentication is
 * offered, and only keys registered through `/v1/ssh-keys` pass; the user name is the worker's id. Each
 * channel is a session of the {@link ExecService}, so that it is audited like an exec call, with the SSH
 * key as its actor. Port forwarding, SFTP and agent forwarding are refused.
 */
export async function startSshGateway(options: SshGatewayOptions): Promise<SshGateway> {
  const hostKey = loadHostKey(options.hostKeyPath);
  const parsedHostKey = ssh2.utils.parseKey(hostKey);
  if (parsedHostKey instanceof Error) {
    throw new Error(`the SSH host key ${options.hostKeyPath} cannot be read: ${parsedHostKey.message}`);
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
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.removeListener("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  options.logger.info({ host: options.host, port, hostKey: hostKeyFingerprint }, "ssh gateway listening");
  return {
    port,
    hostKeyFingerprint,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const client of clients) {
          client.end();
        }
      });
    },
  };
}
