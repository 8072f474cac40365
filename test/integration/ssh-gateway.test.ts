import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiError, createRunfleet, type Runfleet } from "@runfleet/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { HAS_OPENSSH, OPENSSH_CLIENT, runSsh, scanHostKey } from "../support/ssh.js";
import { eventually, NODE } from "../support/workers.js";

describe.runIf(requireService(HAS_OPENSSH, OPENSSH_CLIENT))("the SSH gateway (OpenSSH client, process driver)", () => {
  let cp: TestControlPlane;
  let runfleet: Runfleet;
  let endpointId: string;
  let workerId: string;
  let port: number;
  const keys = mkdtempSync(join(tmpdir(), "runfleet-ssh-"));
  const registered = join(keys, "registered");
  const stranger = join(keys, "stranger");

  const ssh = (identity: string, user: string, args: string[], input = "") =>
    runSsh({ port, identity, user, home: keys }, args, input);

  beforeAll(async () => {
    for (const file of [registered, stranger]) {
      spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", file]);
    }
    cp = await startTestControlPlane({ autoscalerTickMs: 100, sshPort: 0 });
    runfleet = createRunfleet({ baseUrl: cp.url, apiKey: TEST_ADMIN_KEY });
    port = cp.server.sshGateway?.port ?? 0;
    endpointId = await createCommandEndpoint(cp, [NODE, "-e", "setInterval(() => {}, 1000)"], {
      workersMin: 1,
      workersMax: 1,
    });
    workerId = await eventually(async () => (await runfleet.workers.list(endpointId))[0]?.id, 15_000, "a worker");
  });

  afterAll(async () => {
    await cp?.dispose();
    rmSync(keys, { recursive: true, force: true });
  });

  it("keeps its host key in the data directory, readable by its owner only", () => {
    const path = join(cp.dataDir, "ssh_host_ed25519_key");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toMatch(/BEGIN OPENSSH PRIVATE KEY/);
    expect(cp.server.sshGateway?.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("tells admin keys where it listens and its host key's fingerprint, as ssh-keygen prints the key", async () => {
    const gateway = await runfleet.sshKeys.gateway();
    expect(gateway).toEqual({ enabled: true, port, hostKeyFingerprint: cp.server.sshGateway?.hostKeyFingerprint });
    const hostKey = join(keys, "host_key.pub");
    writeFileSync(hostKey, `${await scanHostKey(port)}\n`);
    const printed = spawnSync("ssh-keygen", ["-l", "-E", "sha256", "-f", hostKey], { encoding: "utf8" });
    expect(printed.stdout.split(" ")[1]).toBe(gateway.hostKeyFingerprint);
    const reader = await runfleet.keys.create({ name: "reader", scope: "read" });
    const refused = await createRunfleet({ baseUrl: cp.url, apiKey: reader.key })
      .sshKeys.gateway()
      .catch((error: unknown) => error as ApiError);
    expect((refused as ApiError).status).toBe(403);
  });

  it("registers a public key through /v1/ssh-keys with the fingerprint ssh-keygen prints; refuses junk and duplicates", async () => {
    const publicKey = readFileSync(`${registered}.pub`, "utf8");
    const key = await runfleet.sshKeys.create({ name: "test key", publicKey });
    const printed = spawnSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${registered}.pub`], { encoding: "utf8" });
    expect(printed.stdout.split(" ")[1]).toBe(key.fingerprint);
    expect(key).toMatchObject({ type: "ssh-ed25519", name: "test key", lastUsedAt: null });
    expect(publicKey.startsWith(key.publicKey)).toBe(true);
    const duplicate = (await runfleet.sshKeys
      .create({ name: "again", publicKey })
      .catch((e: unknown) => e)) as ApiError;
    expect(duplicate.status).toBe(409);
    expect(duplicate.code).toBe("ssh_key_exists");
    const junk = (await runfleet.sshKeys
      .create({ name: "junk", publicKey: "ssh-ed25519 not-base64-at-all" })
      .catch((e: unknown) => e)) as ApiError;
    expect(junk.status).toBe(400);
    const secret = readFileSync(registered, "utf8");
    const privateKey = (await runfleet.sshKeys
      .create({ name: "oops", publicKey: secret })
      .catch((e: unknown) => e)) as ApiError;
    expect(privateKey.status).toBe(400);
    expect(privateKey.message).toMatch(/private key/);
    expect((await runfleet.sshKeys.list()).map((k) => k.id)).toEqual([key.id]);
  });

  it("runs a command in the worker named by the user: echo $RUNPOD_POD_ID gives the worker's id", async () => {
    const result = await ssh(registered, workerId, ["echo $RUNPOD_POD_ID"]);
    expect(result.stderr).toBe("");
    expect(result).toMatchObject({ status: 0, stdout: `${workerId}\n` });
    const failing = await ssh(registered, workerId, ["echo to-stderr >&2; exit 7"]);
    expect(failing).toMatchObject({ status: 7, stderr: "to-stderr\n" });
  });

  it("opens an interactive shell on a terminal (ssh -tt)", async () => {
    const result = await ssh(registered, workerId, ["-tt"], "echo $((6 * 7))-shell\nexit 3\n");
    expect(result.stdout).toMatch(/42-shell/);
    expect(result.status).toBe(3);
  });

  it("refuses a key that is not registered, and says so for an unknown worker", async () => {
    const refused = await ssh(stranger, workerId, ["echo in"]);
    expect(refused.status).toBe(255);
    expect(refused.stderr).toMatch(/Permission denied \(publickey\)/);
    expect(refused.stdout).toBe("");
    const unknown = await ssh(registered, "wk_nobody", ["echo in"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/no worker "wk_nobody"/);
  });

  it("records SSH sessions in the audit log with the SSH key as the actor", async () => {
    const [key] = await runfleet.sshKeys.list();
    const events = (await runfleet.audit.list({ workerId })).filter((event) => event.transport === "ssh");
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const event of events) {
      expect(event.actor).toEqual({ type: "sshKey", id: key?.id, name: "test key" });
      expect(event.remoteAddress).toBe("127.0.0.1");
    }
    expect(events.find((event) => event.command.at(-1) === "echo $RUNPOD_POD_ID")).toMatchObject({
      tty: false,
      exitCode: 0,
    });
    expect(events.find((event) => event.tty)).toMatchObject({ exitCode: 3, outcome: "exited" });
    expect(key?.lastUsedAt).not.toBeNull();
  });

  it("refuses a key once it is removed", async () => {
    const [key] = await runfleet.sshKeys.list();
    await runfleet.sshKeys.delete(key?.id ?? "");
    const refused = await ssh(registered, workerId, ["echo in"]);
    expect(refused.status).toBe(255);
    const gone = (await runfleet.sshKeys.get(key?.id ?? "").catch((e: unknown) => e)) as ApiError;
    expect(gone.status).toBe(404);
  });
});
