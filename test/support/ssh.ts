import { execFile, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";

/** Whether Debian's OpenSSH client (`ssh`, `ssh-keygen`, `ssh-keyscan`) is installed. */
export const HAS_OPENSSH =
  spawnSync("ssh", ["-V"], { stdio: "ignore" }).status === 0 &&
  spawnSync("ssh-keygen", ["-?"], { stdio: "ignore" }).error === undefined;

/** What the OpenSSH client needs to be installed, for a skipped test's message. */
export const OPENSSH_CLIENT = "Debian's openssh-client (apt-get install openssh-client)";

/** What an `ssh` run did. */
export interface SshResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Where and as whom {@link runSsh} connects. */
export interface SshTarget {
  /** The gateway's port on 127.0.0.1. */
  port: number;
  /** The private key file to offer. */
  identity: string;
  /** The user name: a worker's id. */
  user: string;
  /** HOME for the client (no user configuration is read; known hosts are not kept). */
  home: string;
}

/** Runs the OpenSSH client against a gateway on 127.0.0.1, with `input` on its standard input. */
export function runSsh(target: SshTarget, args: readonly string[], input = ""): Promise<SshResult> {
  return new Promise((resolve) => {
    const child = execFile(
      "ssh",
      [
        ...["-i", target.identity, "-p", String(target.port), "-F", "/dev/null"],
        ...["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes"],
        ...["-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10"],
        `${target.user}@127.0.0.1`,
        ...args,
      ],
      { timeout: 30_000, env: { PATH: process.env.PATH, HOME: target.home } },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ status: error ? (typeof code === "number" ? code : null) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/**
 * The ed25519 host key a gateway on 127.0.0.1:`port` offers, as `ssh-keyscan` prints it (type and key), or
 * "" when none answered. Asynchronous: the gateway may run in this very process.
 */
export function scanHostKey(port: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      "ssh-keyscan",
      ["-p", String(port), "-t", "ed25519", "-T", "10", "127.0.0.1"],
      { timeout: 30_000 },
      (_error, stdout) => {
        const line = stdout.split("\n").find((l) => l.includes("ssh-ed25519"));
        resolve(line?.split(" ").slice(1, 3).join(" ") ?? "");
      },
    );
  });
}

/**
 * A new Ed25519 public key in OpenSSH's one-line form (`ssh-ed25519 <base64 of its wire encoding>`), without
 * a comment; made with node:crypto, so no OpenSSH is needed.
 */
export function newOpenSshPublicKey(): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]).toString("base64")}`;
}
