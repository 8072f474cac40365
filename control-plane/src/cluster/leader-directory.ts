import pg from "pg";

/** Where the cluster's leader can be reached, as it published itself. */
export interface LeaderAddress {
  /** The id the leading process drew at its start (a restarted process draws a new one). */
  replicaId: string;
  /** Its advertise URL: how the other control planes reach it directly. */
  url: string;
  /** When it started to lead (epoch ms). */
  since: number;
  /** Where its SSH gateway listens (`host:port`), for followers to relay SSH connections to; null without one. */
  sshAddress: string | null;
}

/** What a follower needs of the directory: the current leader, as last published. */
export interface LeaderLookup {
  /** The published leader, or undefined when none was published yet (or the table is not made yet). */
  lookup(): Promise<LeaderAddress | undefined>;
}

/** Options of a {@link LeaderDirectory}. */
export interface LeaderDirectoryOptions {
  /** The database URL of the cluster (`postgres://...`). */
  url: string;
  /** The schema of the cluster's tables. */
  schema: string;
  /** How long opening a connection may take. @defaultValue 10000 */
  connectTimeoutMs?: number;
}

/** PostgreSQL's SQLSTATE for a table that does not exist (the schema is not migrated yet). */
const UNDEFINED_TABLE = "42P01";

/**
 * The `cluster_leader` row of a schema: the control plane that takes the active lock writes its address
 * there once it serves, and followers read it to relay requests to it. The row outlives its writer: a
 * follower that cannot reach the published leader looks again until a new leader has published itself.
 *
 * It keeps one pooled connection of its own, so that a follower can look up the leader while its store
 * is still migrating or waiting for the lock.
 */
export class LeaderDirectory implements LeaderLookup {
  private readonly pool: pg.Pool;

  constructor(private readonly options: LeaderDirectoryOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      max: 1,
      idleTimeoutMillis: 30_000,
      application_name: "runfleet-leader-directory",
      keepAlive: true,
    });
    // A broken idle connection is dropped by the pool; the next lookup opens another.
    this.pool.on("error", () => undefined);
  }

  async lookup(): Promise<LeaderAddress | undefined> {
    try {
      const row = (
        await this.pool.query<{ replica_id: string; url: string; since: string; ssh_address: string | null }>(
          `SELECT replica_id, url, since, ssh_address FROM "${this.options.schema}".cluster_leader WHERE id = 1`,
        )
      ).rows[0];
      return row === undefined
        ? undefined
        : { replicaId: row.replica_id, url: row.url, since: Number(row.since), sshAddress: row.ssh_address };
    } catch (error) {
      if ((error as { code?: string }).code === UNDEFINED_TABLE) {
        return undefined;
      }
      throw error;
    }
  }

  /** Records `leader` as the cluster's leader (called by the control plane that holds the active lock). */
  async publish(leader: LeaderAddress): Promise<void> {
    await this.pool.query(
      `INSERT INTO "${this.options.schema}".cluster_leader (id, replica_id, url, since, ssh_address)
       VALUES (1, $1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET replica_id = EXCLUDED.replica_id, url = EXCLUDED.url, since = EXCLUDED.since,
         ssh_address = EXCLUDED.ssh_address`,
      [leader.replicaId, leader.url, leader.since, leader.sshAddress],
    );
  }

  /** Closes its connection. */
  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
