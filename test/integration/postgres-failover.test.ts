import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import {
  type AdminCall,
  adminCall,
  crashTestServeArgs,
  expectAllCompleted,
  freePort,
  type ServeProcess,
  startServeProcess,
} from "../support/control-plane-subprocess.js";
import { type FailoverProxy, startFailoverProxy } from "../support/failover-proxy.js";
import { dropTestSchema, newTestSchema, requirePostgres, TEST_DATABASE_URL } from "../support/postgres.js";
import { eventually, NODE, startWorker, stopAllWorkers } from "../support/workers.js";

/** The TypeScript echo worker: it runs many jobs at once and can log each execution, to count re-runs. */
const ECHO = [NODE, "examples/echo-worker/dist/worker.js"];
const run = await requirePostgres();

describe.runIf(run)("three control planes on one PostgreSQL database (one leader, two followers that relay)", () => {
  const schema = newTestSchema("failover");
  const dataDirs = [0, 1, 2].map((i) => mkdtempSync(join(tmpdir(), `runfleet-pg-${i}-`)));
  const serves: ServeProcess[] = [];
  let proxy: FailoverProxy | undefined;
  let ports: number[] = [];
  let endpointId = "";
  let executions = "";
  let call: AdminCall = () => Promise.reject(new Error("the cluster is not started"));
  const listeningAt = new Map<ServeProcess, number>();

  afterAll(async () => {
    await stopAllWorkers();
    for (const serve of serves) {
      serve.child.kill("SIGTERM");
      await serve.exited;
    }
    await proxy?.close();
    for (const dir of dataDirs) {
      rmSync(dir, { recursive: true, force: true });
    }
    await dropTestSchema(schema);
  });

  it("answers any request on any replica: jobs sent round-robin to all three complete, runsync through a follower", async () => {
    proxy = await startFailoverProxy();
    const env = {
      RUNFLEET_ADMIN_KEY: TEST_ADMIN_KEY,
      RUNFLEET_SECRET_KEY: "failover-test-secret-key-0123456789abcdef",
      RUNFLEET_DATABASE_URL: TEST_DATABASE_URL as string,
      RUNFLEET_DATABASE_SCHEMA: schema,
      // Workers reach the cluster through the load balancer, never one control plane.
      RUNFLEET_PUBLIC_URL: proxy.url,
      RUNFLEET_LOG_LEVEL: "warn",
    };
    ports = [await freePort(), await freePort(), await freePort()];
    proxy.setUpstreams(ports.map((port) => `http://127.0.0.1:${port}`));
    const first = await startServeProcess(crashTestServeArgs(ports[0] as number, dataDirs[0] as string), env);
    serves.push(first);
    call = adminCall(() => ({ url: proxy?.url }) as ServeProcess, TEST_ADMIN_KEY);

    const template = await call<{ id: string }>("POST", "/v1/templates", { name: "failover-echo", command: ECHO });
    const endpoint = await call<{ id: string }>("POST", "/v1/endpoints", {
      name: "failover-echo",
      templateId: template.body.id,
      computeType: "CPU",
      workersMax: 0,
    });
    expect(endpoint.status).toBe(201);
    endpointId = endpoint.body.id;
    executions = join(dataDirs[0] as string, "executions.log");
    for (let i = 0; i < 2; i++) {
      const worker = await call<{ env: Record<string, string> }>("POST", `/v1/endpoints/${endpointId}/workers`, {
        concurrency: 10,
      });
      expect(worker.status).toBe(201);
      startWorker(ECHO, { ...worker.body.env, ECHO_CONCURRENCY: "10", ECHO_EXECUTIONS_FILE: executions });
    }

    // Two more control planes start while the first leads: they listen at once, as followers, and print
    // their banner only when they come to lead.
    const followers = [1, 2].map((i) =>
      startServeProcess(crashTestServeArgs(ports[i] as number, dataDirs[i] as string), env).then((serve) => {
        listeningAt.set(serve, Date.now());
        serves.push(serve);
        return serve;
      }),
    );
    for (const follower of followers) {
      follower.catch(() => undefined);
    }
    for (const port of ports.slice(1)) {
      await eventually(
        () =>
          fetch(`http://127.0.0.1:${port}/healthz`).then(
            (response) => (response.status === 200 ? true : undefined),
            () => undefined,
          ),
        30_000,
        `the follower on port ${port} to listen`,
      );
      // Readiness is relayed: a follower is ready when the leader is.
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    }

    // Each request goes to the next replica in turn; the followers relay theirs to the leader.
    const direct = (port: number) =>
      adminCall(() => ({ url: `http://127.0.0.1:${port}` }) as ServeProcess, TEST_ADMIN_KEY);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const port = ports[i % 3] as number;
      const { status, body } = await direct(port)<{ id: string }>("POST", `/v2/${endpointId}/run`, {
        input: { n: i },
      });
      expect(status, `run through port ${port}`).toBe(200);
      ids.push(body.id);
    }
    // Their status is read through another replica than the one that took each.
    await expectAllCompleted(direct(ports[2] as number), endpointId, ids.slice(0, 15), 30_000);
    await expectAllCompleted(direct(ports[1] as number), endpointId, ids.slice(15), 30_000);
    // runsync through a follower: the job is taken and finished by a worker that talks to the leader.
    const sync = await direct(ports[2] as number)<{ status: string; output: unknown }>(
      "POST",
      `/v2/${endpointId}/runsync`,
      { input: { message: "through a follower" } },
    );
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ status: "COMPLETED", output: { echo: { message: "through a follower" } } });
    // A request already relayed once is not relayed again by a follower (it asks again instead).
    const chained = await fetch(`http://127.0.0.1:${ports[1]}/v1/endpoints`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "x-runfleet-forwarded-by": "rep_test" },
    });
    expect(chained.status).toBe(503);
    expect(chained.headers.get("x-runfleet-not-leader")).toBe("1");
    expect(((await chained.json()) as { code: string }).code).toBe("leader_unavailable");
  }, 120_000);

  it("a follower takes over each time the leader is SIGKILLed under load, and every acknowledged job completes", async () => {
    expect(endpointId).not.toBe("");
    const first = serves[0] as ServeProcess;
    // Steady load through the load balancer (to the first replica that accepts a connection: the leader,
    // then a follower that relays or leads): the leader is killed one second in, and the one that took
    // over is killed once it has led for two seconds. Followers hold requests during a take-over.
    const acknowledged: string[] = [];
    let refused = 0;
    const takeOvers: number[] = [];
    let active: ServeProcess | undefined = first;
    let killedAt = 0;
    const started = Date.now();
    while (Date.now() - started < 12_000 || takeOvers.length < 2) {
      if (Date.now() - started > 60_000) {
        throw new Error(`only ${takeOvers.length} take-over(s) within a minute`);
      }
      if (active === undefined) {
        const next = [...listeningAt.entries()].find(([serve, at]) => at >= killedAt && serve.child.exitCode === null);
        if (next) {
          active = next[0];
          takeOvers.push(next[1] - killedAt);
        }
      } else if (
        (active === first && Date.now() - started > 1000) ||
        (active !== first && takeOvers.length === 1 && Date.now() - (listeningAt.get(active) ?? 0) > 2000)
      ) {
        active.child.kill("SIGKILL");
        await active.exited;
        killedAt = Date.now();
        active = undefined;
      }
      const response = await fetch(`${proxy?.url}/v2/${endpointId}/run`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
        body: JSON.stringify({ input: { sleepMs: 200, n: acknowledged.length } }),
      }).catch(() => undefined);
      if (response?.status === 200) {
        acknowledged.push(((await response.json()) as { id: string }).id);
      } else {
        refused += 1;
        await response?.body?.cancel();
        await new Promise((done) => setTimeout(done, 50));
      }
    }

    await expectAllCompleted(call, endpointId, acknowledged, 90_000);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const figures = (
      await client.query<{ completed: string; rerun: string }>(
        `SELECT count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
                count(*) FILTER (WHERE retries > 0) AS rerun
         FROM "${schema}".jobs WHERE id = ANY($1)`,
        [acknowledged],
      )
    ).rows[0];
    await client.end();
    expect(Number(figures?.completed)).toBe(acknowledged.length);
    // Every acknowledged job ran; one that ran more than once was re-queued after its lease (counted).
    const runs = new Map<string, number>();
    for (const id of existsSync(executions) ? readFileSync(executions, "utf8").split("\n").filter(Boolean) : []) {
      runs.set(id, (runs.get(id) ?? 0) + 1);
    }
    expect(acknowledged.filter((id) => !runs.has(id))).toEqual([]);
    const ranTwice = [...runs.values()].filter((count) => count > 1).length;
    console.log(
      `failover: acknowledged ${acknowledged.length}, completed ${figures?.completed}, re-queued ${figures?.rerun}, ` +
        `ran more than once ${ranTwice}, refused during take-overs ${refused}, ` +
        `take-overs ${takeOvers.join(" ms and ")} ms (kill to the next control plane leading)`,
    );
    expect(takeOvers).toHaveLength(2);
    expect(acknowledged.length).toBeGreaterThan(10);
  }, 240_000);
});
