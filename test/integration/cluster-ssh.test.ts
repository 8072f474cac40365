import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireService, TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import {
  adminCall,
  crashTestServeArgs,
  endRecordedWorkers,
  freePort,
  type ServeProcess,
  startServeProcess,
} from "../support/control-plane-subprocess.js";
import { dropTestSchema, newTestSchema, requirePostgres, TEST_DATABASE_URL } from "../support/postgres.js";
import { HAS_OPENSSH, OPENSSH_CLIENT, runSsh, scanHostKey } from "../support/ssh.js";
import { eventually, NODE } from "../support/workers.js";

const run = (await requirePostgres()) && requireService(HAS_OPENSSH, OPENSSH_CLIENT);

describe.runIf(run)("the SSH gateway of a cluster (two control planes on one PostgreSQL database)", () => {
  const schema = newTestSchema("ssh");
  const dataDirs = [0, 1].map((i) => mkdtempSync(join(tmpdir(), `runfleet-ssh-pg-${i}-`)));
  const keys = mkdtempSync(join(tmpdir(), "runfleet-ssh-keys-"));
  const identity = join(keys, "id_ed25519");
  const serves: ServeProcess[] = [];

  afterAll(async () => {
    for (const serve of serves) {
      serve.child.kill("SIGTERM");
      await serve.exited;
    }
    // The killed leader's worker: nobody adopts it (the next leader has a data directory of its own).
    endRecordedWorkers(dataDirs[0] as string);
    for (const dir of [...dataDirs, keys]) {
      rmSync(dir, { recursive: true, force: true });
    }
    await dropTestSchema(schema);
  });

  it("answers on every replica with one host key, relays to the leader's workers, and goes on after a take-over", async () => {
    spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", identity]);
    const env = {
      RUNFLEET_ADMIN_KEY: TEST_ADMIN_KEY,
      RUNFLEET_SECRET_KEY: "cluster-ssh-test-secret-key-0123456789abcdef",
      RUNFLEET_DATABASE_URL: TEST_DATABASE_URL as string,
      RUNFLEET_DATABASE_SCHEMA: schema,
      RUNFLEET_LOG_LEVEL: "warn",
    };
    const ports = [await freePort(), await freePort()];
    const sshPorts = [await freePort(), await freePort()];
    const serveArgs = (i: number) =>
      crashTestServeArgs(ports[i] as number, dataDirs[i] as string, [
        "--ssh-port",
        String(sshPorts[i]),
        "--autoscaler-tick-ms",
        "100",
      ]);
    const leader = await startServeProcess(serveArgs(0), env);
    serves.push(leader);
    const follower = startServeProcess(serveArgs(1), env);
    follower.then(
      (serve) => serves.push(serve),
      () => undefined,
    );
    const call = adminCall(() => leader, TEST_ADMIN_KEY);
    const template = await call<{ id: string }>("POST", "/v1/templates", {
      name: "ssh-sleeper",
      command: [NODE, "-e", "setInterval(() => {}, 1000)"],
    });
    const endpoint = await call<{ id: string }>("POST", "/v1/endpoints", {
      name: "ssh-sleeper",
      templateId: template.body.id,
      computeType: "CPU",
      workersMin: 1,
      workersMax: 1,
    });
    expect(endpoint.status).toBe(201);
    const key = await call("POST", "/v1/ssh-keys", {
      name: "test",
      publicKey: readFileSync(`${identity}.pub`, "utf8"),
    });
    expect(key.status).toBe(201);
    const workerOf = (via: () => ServeProcess) =>
      eventually(
        async () => {
          const { body } = await adminCall(via, TEST_ADMIN_KEY)<{ id: string; status: string }[]>(
            "GET",
            `/v1/endpoints/${endpoint.body.id}/workers`,
          );
          return body.find((worker) => worker.status !== "STOPPING")?.id;
        },
        30_000,
        "a worker",
      );
    const workerId = await workerOf(() => leader);
    const podId = (port: number, user: string) => runSsh({ port, identity, user, home: keys }, ["echo $RUNPOD_POD_ID"]);

    // The follower listens for SSH at once, before it leads, and relays to the leader's gateway.
    await eventually(
      async () => ((await scanHostKey(sshPorts[1] as number)) !== "" ? true : undefined),
      30_000,
      "the follower's SSH port to answer",
    );
    const hostKey = await scanHostKey(sshPorts[0] as number);
    expect(hostKey).toMatch(/^ssh-ed25519 /);
    expect(await scanHostKey(sshPorts[1] as number)).toBe(hostKey);
    // The API names the leader's gateway, whichever replica is asked.
    const gatewayVia = async (port: number) =>
      (
        await adminCall(() => ({ url: `http://127.0.0.1:${port}` }) as ServeProcess, TEST_ADMIN_KEY)<{
          port: number;
        }>("GET", "/v1/ssh-gateway")
      ).body;
    expect(await gatewayVia(ports[1] as number)).toMatchObject({ enabled: true, port: sshPorts[0] });
    expect(await podId(sshPorts[1] as number, workerId)).toMatchObject({ status: 0, stdout: `${workerId}\n` });
    expect(await podId(sshPorts[0] as number, workerId)).toMatchObject({ status: 0, stdout: `${workerId}\n` });

    // The leader dies: the follower leads, starts its own gateway with the cluster's host key, and its own
    // worker for the endpoint.
    leader.child.kill("SIGKILL");
    await leader.exited;
    const next = await follower;
    const nextWorker = await workerOf(() => next);
    expect(await scanHostKey(sshPorts[1] as number)).toBe(hostKey);
    expect(await podId(sshPorts[1] as number, nextWorker)).toMatchObject({ status: 0, stdout: `${nextWorker}\n` });
    expect(await gatewayVia(ports[1] as number)).toMatchObject({ enabled: true, port: sshPorts[1] });
  }, 150_000);
});
