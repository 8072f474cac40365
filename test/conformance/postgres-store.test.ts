import { type JobRecord, POSTGRES_MIGRATIONS, type PostgresStore, StoreConflictError } from "@runfleet/control-plane";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  dropTestSchema,
  newTestPostgresStore,
  newTestSchema,
  requirePostgres,
  TEST_DATABASE_URL,
} from "../support/postgres.js";
import { describeStoreConformance } from "./store.suite.js";

const run = await requirePostgres();

describe.runIf(run)("postgres store against a real server", () => {
  const schemas: string[] = [];
  const make = (schema = newTestSchema()): PostgresStore => {
    schemas.push(schema);
    return newTestPostgresStore({ schema });
  };
  afterAll(async () => {
    for (const schema of new Set(schemas)) {
      await dropTestSchema(schema);
    }
  });

  describeStoreConformance("postgres", () => make());

  it("migrates once when several replicas open the same schema at once", async () => {
    const schema = newTestSchema();
    const replicas = [make(schema), make(schema), make(schema)];
    await Promise.all(replicas.map((store) => store.open()));
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const rows = (await client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)).rows;
      expect(rows.map((r) => Number(r.version))).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    } finally {
      await client.end();
    }
    await Promise.all(replicas.map((store) => store.close()));
  });

  it("inserts the jobs of one turn together; a conflicting one fails alone", async () => {
    const store = make();
    const base = (id: string, key: string | null): JobRecord => ({
      id,
      endpointId: "ep",
      status: "IN_QUEUE",
      kind: "async",
      queueOrder: 0,
      lowPriority: false,
      input: { id },
      webhook: null,
      s3Config: null,
      executionTimeoutMs: 1000,
      expiresAt: 1e12,
      createdAt: 1,
      startedAt: null,
      completedAt: null,
      workerId: null,
      retries: 0,
      output: undefined,
      error: undefined,
      retainUntil: null,
      idempotencyKey: key,
      requestHash: null,
    });
    await store.insertJob(base("first", "k"));
    const results = await Promise.allSettled([
      store.insertJob(base("a", null)),
      store.insertJob(base("b", "k")),
      store.insertJob(base("c", null)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflictError);
    const orders = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.queueOrder] : []));
    expect(new Set(orders).size).toBe(2);
    expect((await store.listJobsByStatus("IN_QUEUE")).map((j) => j.id)).toEqual(["first", "a", "c"]);
    const together = await Promise.all(Array.from({ length: 50 }, (_, i) => store.insertJob(base(`t${i}`, null))));
    const sorted = together.map((j) => j.queueOrder);
    expect(new Set(sorted).size).toBe(50);
    expect((await store.getJob("t7"))?.input).toEqual({ id: "t7" });
    await store.close();
  });

  it("hands each queued job to exactly one worker when replicas take at once", async () => {
    const schema = newTestSchema();
    const [a, b] = [make(schema), make(schema)];
    await a.insertTemplate({
      id: "tpl",
      name: "tpl",
      imageName: null,
      command: ["true"],
      env: {},
      secretEnv: {},
      ports: [],
      cpuLimit: null,
      memoryLimitMb: null,
      containerDiskInGb: null,
      volumeMounts: [],
      containerRegistryAuthId: null,
      version: 1,
      createdAt: 1,
      updatedAt: 1,
    });
    const ids = Array.from({ length: 200 }, (_, i) => `job_${i}`);
    for (const id of ids) {
      await a.insertJob({
        id,
        endpointId: "ep",
        status: "IN_QUEUE",
        kind: "async",
        queueOrder: 0,
        lowPriority: false,
        input: {},
        webhook: null,
        s3Config: null,
        executionTimeoutMs: 1000,
        expiresAt: 1e12,
        createdAt: 1,
        startedAt: null,
        completedAt: null,
        workerId: null,
        retries: 0,
        output: undefined,
        error: undefined,
        retainUntil: null,
        idempotencyKey: null,
        requestHash: null,
      });
    }
    // Twenty takers on two replicas race for the same ids, in overlapping slices.
    const takes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).takeJobs(ids.slice((i * 10) % 200, ((i * 10) % 200) + 40), `wk_${i}`, 5, {
          from: ["IN_QUEUE"],
          to: "IN_PROGRESS",
        }),
      ),
    );
    const taken = takes.flat().map((job) => job.id);
    expect(new Set(taken).size).toBe(taken.length);
    expect(taken.length).toBe(200);
    await Promise.all([a.close(), b.close()]);
  });
});
