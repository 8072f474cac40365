import { randomBytes } from "node:crypto";
import { PostgresStore, type PostgresStoreOptions } from "@runfleet/control-plane";
import pg from "pg";
import { requireService } from "./control-plane-process.js";

/**
 * The database the PostgreSQL tests use: `RUNFLEET_TEST_DATABASE_URL`, which
 * `eval "$(scripts/postgres-cluster.sh env)"` sets (`.ci/run` does it).
 */
export const TEST_DATABASE_URL = process.env.RUNFLEET_TEST_DATABASE_URL;

const WHAT =
  "a PostgreSQL server named by RUNFLEET_TEST_DATABASE_URL " +
  '(apt-get install postgresql && scripts/postgres-cluster.sh up && eval "$(scripts/postgres-cluster.sh env)")';

/**
 * Whether the PostgreSQL tests run: the URL is set and the server answers. In CI they must; elsewhere
 * they skip with a message that says what to install and start.
 */
export async function requirePostgres(): Promise<boolean> {
  let available = false;
  if (TEST_DATABASE_URL) {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      available = true;
    } catch {
      available = false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return requireService(available, WHAT);
}

/**
 * A fresh, empty schema in the test database, so that tests (and the replicas of one test) share a server
 * without seeing each other's rows. Returns its name; {@link dropTestSchema} removes it.
 */
export function newTestSchema(prefix = "t"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** Drops a schema made for a test, with everything in it. */
export async function dropTestSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL store on its own fresh schema of the test database. */
export function newTestPostgresStore(options: Partial<PostgresStoreOptions> = {}): PostgresStore {
  if (!TEST_DATABASE_URL) {
    throw new Error("RUNFLEET_TEST_DATABASE_URL is not set");
  }
  return new PostgresStore({ url: TEST_DATABASE_URL, schema: newTestSchema(), poolSize: 4, ...options });
}
