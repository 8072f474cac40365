import type pg from "pg";
import { sleep } from "../../util/sleep.js";

/** Options of {@link ActiveLock.acquire}. */
export interface ActiveLockOptions {
  /** How often a standby asks for the lock. @defaultValue 250 */
  pollMs?: number;
  /** How often the holder checks that its session (and so its lock) is still alive. @defaultValue 2000 */
  checkMs?: number;
  /** Told once while waiting, so that an operator sees why this process does not serve yet. */
  onWaiting?: () => void;
  /**
   * Called once if the session that holds the lock breaks: the lock is gone and a standby may already
   * serve, so the holder must stop serving at once.
   */
  onLost: (cause: unknown) => void;
  /** Aborts the wait (a standby asked to shut down). */
  signal?: AbortSignal;
}

/**
 * The right to serve one database schema: a PostgreSQL session-level advisory lock, held on a connection
 * of its own for as long as the control plane runs.
 *
 * Control planes that share a database run active/standby: the first takes the lock and serves; the
 * others wait (without listening) and the first to get the lock after the holder dies becomes active,
 * rebuilding its state from the store as after a restart. PostgreSQL releases the lock when the holder's
 * session ends — at once when its process dies on the same network, after TCP keepalive when its host
 * vanishes — so a takeover needs no lease expiry. The holder checks its session every few seconds and
 * gives up serving if it broke (its lock may be someone else's by then).
 */
export class ActiveLock {
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  private lost = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly key: string,
    private readonly onLost: (cause: unknown) => void,
  ) {}

  /**
   * Waits until this process holds the lock of `schema` on `client` (a connected client of its own, which
   * the lock keeps until {@link release}). Rejects when `signal` aborts the wait or the session fails; the
   * client is ended then.
   */
  static async acquire(client: pg.Client, schema: string, options: ActiveLockOptions): Promise<ActiveLock> {
    const key = `runfleet.active.${schema}`;
    try {
      await ActiveLock.waitFor(client, key, options);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    const lock = new ActiveLock(client, key, options.onLost);
    client.on("error", (error) => lock.lose(error));
    client.on("end", () => lock.lose(new Error("the connection that holds the active lock ended")));
    lock.timer = setInterval(() => {
      client.query("SELECT 1").catch((error: unknown) => lock.lose(error));
    }, options.checkMs ?? 2000);
    lock.timer.unref();
    return lock;
  }

  private static async waitFor(client: pg.Client, key: string, options: ActiveLockOptions): Promise<void> {
    let told = false;
    for (;;) {
      options.signal?.throwIfAborted();
      const row = (
        await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", [key])
      ).rows[0];
      if (row?.locked) {
        return;
      }
      if (!told) {
        told = true;
        options.onWaiting?.();
      }
      await sleep(options.pollMs ?? 250, options.signal);
    }
  }

  /** Gives the lock up (on shutdown), so that a standby takes over at once. */
  async release(): Promise<void> {
    if (this.released) {
      return;
    }
    this.released = true;
    clearInterval(this.timer);
    if (!this.lost) {
      await this.client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [this.key]).catch(() => undefined);
    }
    await this.client.end().catch(() => undefined);
  }

  private lose(cause: unknown): void {
    if (this.released || this.lost) {
      return;
    }
    this.lost = true;
    clearInterval(this.timer);
    this.onLost(cause);
  }
}
