import type { components } from "@runfleet/sdk/generated";
import { z } from "zod";
import { dataOrGone, expectData } from "./management-client.js";
import type { ResourceSpec } from "./resource-provider.js";
import { idSchema, nameSchema } from "./schema-parts.js";

type Schemas = components["schemas"];

/** The plain inputs of an `ApiKey`: the management API's create body. */
export type ApiKeyInputs = Schemas["ApiKeyCreate"];

/** What Pulumi stores for an `ApiKey`. `key` is the secret, shown by the API only at creation. */
export type ApiKeyOutputs = Omit<Schemas["ApiKey"], "id" | "lastUsedAt" | "revokedAt"> & {
  /** The key's id (not its secret). */
  keyId: string;
  /** The secret to send as a bearer token; stored encrypted, as a Pulumi secret. */
  key: string;
};

/** The contract's rules for a new API key. */
export const apiKeySchema = z.strictObject({
  name: nameSchema,
  scope: z.enum(["admin", "invoke", "read"]),
  endpointIds: z.array(idSchema).max(1000).optional(),
}) satisfies z.ZodType<ApiKeyInputs>;

/**
 * How an `ApiKey` maps onto `/v1/keys`. Keys cannot be edited, only created and revoked, so every
 * change replaces the key (the new one is created first, so a consumer is never left without one).
 * A revoked key counts as gone; `lastUsedAt` is left out of state so refreshes do not churn.
 */
export const apiKeySpec: ResourceSpec<ApiKeyInputs, Schemas["ApiKey"] & { key?: string }, ApiKeyOutputs> = {
  noun: "API key",
  schema: apiKeySchema,
  replaceOnChange: ["name", "scope", "endpointIds"],
  create: (client, body) => expectData("create API key", client.POST("/v1/keys", { body })),
  get: async (client, keyId) => {
    const key = await dataOrGone("read API key", client.GET("/v1/keys/{keyId}", { params: { path: { keyId } } }));
    return key?.revokedAt === null ? key : undefined;
  },
  remove: async (client, keyId) => {
    await dataOrGone("revoke API key", client.DELETE("/v1/keys/{keyId}", { params: { path: { keyId } } }));
  },
  idOf: (key) => key.id,
  outputs: ({ id, lastUsedAt: _lastUsed, revokedAt: _revoked, key, ...rest }, previous) => {
    const secret = key ?? previous?.key;
    if (secret === undefined) {
      throw new Error(`API key ${id}: the secret is unknown (it is only returned when the key is created)`);
    }
    return { keyId: id, ...rest, key: secret };
  },
};
