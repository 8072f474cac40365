import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { ApiKeyRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { toIso } from "../util/clock.js";
import { credentialFromHeader, hashesEqual, hashSecret } from "./api-key-secret.js";
import type { Principal } from "./principal.js";

/** Finds the worker a token belongs to, by the token's hash. */
export type WorkerTokenLookup = (hash: string) => { workerId: string; endpointId: string } | undefined;

/** How long a resolved API key is trusted without asking the store again. */
const KEY_CACHE_MS = 5_000;
/** How often `lastUsedAt` is written for a key at most. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Turns an `Authorization` header into a {@link Principal}, or a 401 that says what is wrong.
 *
 * Keys are looked up by the SHA-256 of the secret and the stored hash is compared in constant time.
 * Resolved keys are cached briefly because this runs on every request; revocation through this
 * process evicts at once, so the cache only delays revocations made by another replica.
 */
export class Authenticator {
  private readonly cache = new Map<string, { key: ApiKeyRecord; until: number; touchedAt: number }>();
  private workerLookup: WorkerTokenLookup = () => undefined;
  /** Hashes of recently seen credentials: hashing on every request of a busy worker is wasted work. */
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Installs the lookup of worker tokens (the worker registry owns them). */
  setWorkerTokenLookup(lookup: WorkerTokenLookup): void {
    this.workerLookup = lookup;
  }

  /** Resolves the caller, or throws `unauthorized` naming the reason. */
  async authenticate(header: string | null | undefined): Promise<Principal> {
    const credential = credentialFromHeader(header);
    if (!credential) {
      throw new ControlPlaneError(
        "unauthorized",
        "missing API key: send it as `Authorization: Bearer <key>` (the admin key is printed on first start)",
        { headers: { "WWW-Authenticate": 'Bearer realm="runfleet"' } },
      );
    }
    let hash = this.hashes.get(credential);
    if (hash === undefined) {
      hash = hashSecret(credential);
      if (this.hashes.size >= 10_000) {
        this.hashes.clear();
      }
      this.hashes.set(credential, hash);
    }
    const worker = this.workerLookup(hash);
    if (worker) {
      return { kind: "worker", ...worker };
    }
    const key = await this.findKey(hash);
    if (!key) {
      throw new ControlPlaneError("unauthorized", "unknown API key: check the key or create one with an admin key", {
        headers: { "WWW-Authenticate": 'Bearer realm="runfleet", error="invalid_token"' },
      });
    }
    if (key.revokedAt !== null) {
      throw new ControlPlaneError("unauthorized", `API key ${key.prefix}… was revoked at ${toIso(key.revokedAt)}`, {
        headers: { "WWW-Authenticate": 'Bearer realm="runfleet", error="invalid_token"' },
      });
    }
    return { kind: "apiKey", key };
  }

  /**
   * The caller, when the credential is one this process resolved recently (a worker token, or an API key
   * in the cache and not revoked), without waiting; undefined when {@link authenticate} must decide. For
   * hot paths that would rather not make a promise per request (the load-balancing router).
   */
  cachedPrincipal(header: string | null | undefined): Principal | undefined {
    const credential = credentialFromHeader(header);
    const hash = credential ? this.hashes.get(credential) : undefined;
    if (hash === undefined) {
      return undefined;
    }
    const worker = this.workerLookup(hash);
    if (worker) {
      return { kind: "worker", ...worker };
    }
    const now = this.clock.now();
    const cached = this.cache.get(hash);
    if (!cached || cached.until <= now || cached.key.revokedAt !== null) {
      return undefined;
    }
    this.touch(cached, now);
    return { kind: "apiKey", key: cached.key };
  }

  /** Forgets a cached key so that a revocation takes effect at once. */
  evict(keyId: string): void {
    for (const [hash, entry] of this.cache) {
      if (entry.key.id === keyId) {
        this.cache.delete(hash);
      }
    }
  }

  private async findKey(hash: string): Promise<ApiKeyRecord | undefined> {
    const now = this.clock.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) {
      this.touch(cached, now);
      return cached.key;
    }
    const key = await this.store.findApiKeyByHash(hash);
    if (!key || !hashesEqual(key.hash, hash)) {
      this.cache.delete(hash);
      return undefined;
    }
    const entry = { key, until: now + KEY_CACHE_MS, touchedAt: cached?.touchedAt ?? 0 };
    this.cache.set(hash, entry);
    this.touch(entry, now);
    return key;
  }

  private touch(entry: { key: ApiKeyRecord; touchedAt: number }, now: number): void {
    if (now - entry.touchedAt < TOUCH_EVERY_MS) {
      return;
    }
    entry.touchedAt = now;
    entry.key = { ...entry.key, lastUsedAt: now };
    // Best effort: a failed bookkeeping write must not fail the request it accompanies.
    this.store.touchApiKey(entry.key.id, now).catch(() => undefined);
  }
}
