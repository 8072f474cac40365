import type { components } from "@runfleet/sdk/generated";
import { generateSecret, hashSecret } from "../auth/api-key-secret.js";
import type { Authenticator } from "../auth/authenticator.js";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { ApiKeyRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newId } from "../util/ids.js";

type Schemas = components["schemas"];

/** The admin key situation at start-up, for the banner. */
export type AdminKeyBootstrap =
  | { kind: "created"; secret: string }
  | { kind: "from-environment" }
  | { kind: "existing" };

/** API keys: created with a scope, stored hashed, revoked but never deleted (for the audit trail). */
export class ApiKeyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly authenticator: Authenticator,
  ) {}

  /** Creates a key and returns it with its secret, which is not kept. */
  async create(input: Schemas["ApiKeyCreate"]): Promise<{ record: ApiKeyRecord; secret: string }> {
    const endpointIds = input.endpointIds ?? [];
    if (input.scope !== "invoke" && endpointIds.length > 0) {
      throw new ControlPlaneError("validation_failed", "endpointIds applies only to keys with scope invoke", {
        fields: [{ field: "endpointIds", message: `must be empty for scope ${input.scope}` }],
      });
    }
    for (const [index, endpointId] of endpointIds.entries()) {
      if (!(await this.store.getEndpoint(endpointId))) {
        throw new ControlPlaneError("endpoint_not_found", `no endpoint with id ${endpointId}`, {
          fields: [{ field: `endpointIds/${index}`, message: `endpoint ${endpointId} does not exist` }],
        });
      }
    }
    const { secret, prefix, hash } = generateSecret();
    const record: ApiKeyRecord = {
      id: newId("key"),
      name: input.name,
      scope: input.scope,
      endpointIds,
      prefix,
      hash,
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.store.insertApiKey(record);
    return { record, secret };
  }

  /** A key, or 404. */
  async get(id: string): Promise<ApiKeyRecord> {
    const key = await this.store.getApiKey(id);
    if (!key) {
      throw new ControlPlaneError("api_key_not_found", `no API key with id ${id}`);
    }
    return key;
  }

  /** All keys. */
  list(): Promise<ApiKeyRecord[]> {
    return this.store.listApiKeys();
  }

  /** Revokes a key; revoking the last active admin key is refused so that nobody is locked out. */
  async revoke(id: string): Promise<void> {
    const key = await this.get(id);
    if (key.revokedAt !== null) {
      return;
    }
    if (key.scope === "admin") {
      const activeAdmins = (await this.store.listApiKeys()).filter((k) => k.scope === "admin" && k.revokedAt === null);
      if (activeAdmins.length <= 1) {
        throw new ControlPlaneError("last_admin_key", "refusing to revoke the last admin key: create another first");
      }
    }
    await this.store.revokeApiKey(id, this.clock.now());
    this.authenticator.evict(id);
  }

  /**
   * Makes sure an admin key exists: the one from `RUNFLEET_ADMIN_KEY` when given (registered if new),
   * else a generated one on the very first start, whose secret is returned to be printed once.
   */
  async ensureAdminKey(fromEnvironment: string | undefined): Promise<AdminKeyBootstrap> {
    if (fromEnvironment !== undefined) {
      const hash = hashSecret(fromEnvironment);
      const existing = await this.store.findApiKeyByHash(hash);
      if (existing && existing.revokedAt !== null) {
        throw new ControlPlaneError("unauthorized", "RUNFLEET_ADMIN_KEY names a key that was revoked");
      }
      if (!existing) {
        await this.store.insertApiKey({
          id: newId("key"),
          name: "admin (RUNFLEET_ADMIN_KEY)",
          scope: "admin",
          endpointIds: [],
          prefix: fromEnvironment.slice(0, 9),
          hash,
          createdAt: this.clock.now(),
          lastUsedAt: null,
          revokedAt: null,
        });
      }
      return { kind: "from-environment" };
    }
    const keys = await this.store.listApiKeys();
    if (keys.some((k) => k.scope === "admin" && k.revokedAt === null)) {
      return { kind: "existing" };
    }
    const { secret } = await this.create({ name: "admin (first start)", scope: "admin" });
    return { kind: "created", secret };
  }
}
