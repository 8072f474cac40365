import type { components } from "@runfleet/sdk/generated";
import { requestValidator } from "./request-validation.js";
import type { ResourceSpec } from "./resource-provider.js";
import { managementCall, unlessGone } from "./runfleet-client.js";
import type { ApiKeyInputs, ApiKeyOutputs } from "./types.js";

type Schemas = components["schemas"];

export type { ApiKeyInputs, ApiKeyOutputs } from "./types.js";

/** The contract's rules for a new API key (`ApiKeyCreate`). */
export const apiKeyValidator = requestValidator("ApiKeyCreate");

/**
 * How an `ApiKey` maps onto `/v1/keys`. Keys cannot be edited, only created and revoked, so every
 * change replaces the key (the new one is created first, so a consumer is never left without one).
 * A revoked key counts as gone; `lastUsedAt` is left out of state so refreshes do not churn.
 */
export const apiKeySpec: ResourceSpec<ApiKeyInputs, Schemas["ApiKey"] & { key?: string }, ApiKeyOutputs> = {
  noun: "API key",
  validator: apiKeyValidator,
  replaceOnChange: ["name", "scope", "endpointIds"],
  resettable: [],
  create: (runfleet, settings) => managementCall("create API key", runfleet.keys.create(settings)),
  get: async (runfleet, keyId) => {
    const key = await unlessGone("read API key", runfleet.keys.get(keyId));
    return key?.revokedAt === null ? key : undefined;
  },
  remove: async (runfleet, keyId) => {
    await unlessGone("revoke API key", runfleet.keys.revoke(keyId));
  },
  idOf: (key) => key.id,
  outputs: ({ id, lastUsedAt: _lastUsed, revokedAt: _revoked, key, ...rest }, previous) => {
    const secret = key ?? previous?.key;
    return secret === undefined ? { keyId: id, ...rest } : { keyId: id, ...rest, key: secret };
  },
};
