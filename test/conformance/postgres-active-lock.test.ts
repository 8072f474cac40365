import { ActiveLock, type PostgresStore } from "@runfleet/control-plane";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  dropTestSchema,
  newTestPostgresStore,
  newTestSchema,
  requirePostgres,
  TEST_DATABASE_URL,
} from "../support/postgres.js";
import { eventually } from "../support/workers.js";

const run = await requirePostgres();

describe.runIf(run)("the active lock of control planes sharing a database", () => {
  const schema = newTestSchema("lock");
  const stores: PostgresStore[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await dropTestSchema(schema);
  });
  const store = () => {
    const made = newTestPostgresStore({ schema });
    stores.push(made);
    return made;
  };

  it("lets one holder serve, hands the lock to a waiting standby when the holder's session dies, and tells the holder", async () => {
    const lost: unknown[] = [];
    const first = await ActiveLock.acquire(await store().sessionClient(), schema, {
      checkMs: 100,
      onLost: (cause) => lost.push(cause),
    });
    let waiting = false;
    let standbyLost = false;
    const second = ActiveLock.acquire(await store().sessionClient(), schema, {
      pollMs: 50,
      onWaiting: () => {
        waiting = true;
      },
      onLost: () => {
        standbyLost = true;
      },
    });
    let secondHolds = false;
    void second.then(() => {
      secondHolds = true;
    });
    await eventually(async () => (waiting ? true : undefined), 5000, "the standby to wait");
    await new Promise((done) => setTimeout(done, 300));
    expect(secondHolds).toBe(false);

    // The holder's session is killed from outside, as when its process or host dies.
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const holders = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
         AND l.objid = (hashtextextended($1, 0) & 4294967295)::oid`,
      [`runfleet.active.${schema}`],
    );
    expect(holders.rows).toHaveLength(1);
    const killedAt = Date.now();
    await admin.query("SELECT pg_terminate_backend($1)", [holders.rows[0]?.pid]);
    await admin.end();

    const takeover = await second;
    const takeoverMs = Date.now() - killedAt;
    await eventually(
      async () => (lost.length > 0 ? true : undefined),
      5000,
      "the old holder to learn it lost the lock",
    );
    expect(takeoverMs).toBeLessThan(5000);
    expect(standbyLost).toBe(false);
    await takeover.release();
    await first.release();
  });

  it("stops waiting when its signal aborts", async () => {
    const holder = await ActiveLock.acquire(await store().sessionClient(), schema, { onLost: () => undefined });
    const controller = new AbortController();
    const waiting = ActiveLock.acquire(await store().sessionClient(), schema, {
      pollMs: 50,
      signal: controller.signal,
      onLost: () => undefined,
    });
    setTimeout(() => controller.abort(), 200);
    await expect(waiting).rejects.toThrow();
    await holder.release();
  });
});
