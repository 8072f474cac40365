import type { components } from "@runfleet/sdk/generated";
import { requestValidator } from "./request-validation.js";
import type { ResourceSpec } from "./resource-provider.js";
import { managementCall, unlessGone } from "./runfleet-client.js";
import type { RegistryAuthInputs, RegistryAuthOutputs } from "./types.js";

type Schemas = components["schemas"];

export type { RegistryAuthInputs, RegistryAuthOutputs } from "./types.js";

/** The contract's rules for registry credentials (`RegistryAuthCreate`). */
export const registryAuthValidator = requestValidator("RegistryAuthCreate");

/**
 * How a `RegistryAuth` maps onto `/v1/registry-auths`. Everything changes in place. The API never shows
 * the password, so the one in state is the one last sent: a password changed outside Pulumi is not seen
 * by a refresh (the next change of it in the program sends it again).
 */
export const registryAuthSpec: ResourceSpec<RegistryAuthInputs, Schemas["RegistryAuth"], RegistryAuthOutputs> = {
  noun: "registry credentials",
  validator: registryAuthValidator,
  replaceOnChange: [],
  resettable: [],
  create: (runfleet, settings) =>
    managementCall("create registry credentials", runfleet.registryAuths.create(settings)),
  get: (runfleet, registryAuthId) =>
    unlessGone("read registry credentials", runfleet.registryAuths.get(registryAuthId)),
  update: (runfleet, registryAuthId, patch) =>
    managementCall("update registry credentials", runfleet.registryAuths.update(registryAuthId, patch)),
  remove: async (runfleet, registryAuthId) => {
    await unlessGone("delete registry credentials", runfleet.registryAuths.delete(registryAuthId));
  },
  idOf: (auth) => auth.id,
  outputs: ({ id, ...auth }, previous, inputs) => {
    const password = inputs?.password ?? previous?.password;
    return password === undefined ? { registryAuthId: id, ...auth } : { registryAuthId: id, ...auth, password };
  },
};
