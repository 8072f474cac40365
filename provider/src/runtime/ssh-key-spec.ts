import type { components } from "@runfleet/sdk/generated";
import { requestValidator } from "./request-validation.js";
import type { ResourceSpec } from "./resource-provider.js";
import { managementCall, unlessGone } from "./runfleet-client.js";
import type { SshKeyInputs, SshKeyOutputs } from "./types.js";

type Schemas = components["schemas"];

export type { SshKeyInputs, SshKeyOutputs } from "./types.js";

/** The contract's rules for an SSH public key to register (`SshKeyCreate`). */
export const sshKeyValidator = requestValidator("SshKeyCreate");

/**
 * How an `SshKey` maps onto `/v1/ssh-keys`. Registered keys cannot be edited, so a change of name or
 * key replaces the registration; `lastUsedAt` is left out of state so refreshes do not churn.
 */
export const sshKeySpec: ResourceSpec<SshKeyInputs, Schemas["SshKey"], SshKeyOutputs> = {
  noun: "SSH key",
  validator: sshKeyValidator,
  replaceOnChange: ["name", "publicKey"],
  resettable: [],
  create: (runfleet, settings) => managementCall("register SSH key", runfleet.sshKeys.create(settings)),
  get: (runfleet, sshKeyId) => unlessGone("read SSH key", runfleet.sshKeys.get(sshKeyId)),
  remove: async (runfleet, sshKeyId) => {
    await unlessGone("remove SSH key", runfleet.sshKeys.delete(sshKeyId));
  },
  idOf: (key) => key.id,
  outputs: ({ id, lastUsedAt: _lastUsed, publicKey, ...rest }, previous, inputs) => {
    // The control plane keeps a key without its comment; the line the program gave stays in state while
    // it names the same key, so that the next preview does not see a change (and replace the key).
    const given = inputs?.publicKey ?? previous?.publicKey;
    return {
      sshKeyId: id,
      ...rest,
      publicKey: given !== undefined && sameKey(given, publicKey) ? given : publicKey,
    };
  },
};

/** Whether two OpenSSH public key lines name the same key: same algorithm and key, whatever the comments. */
function sameKey(a: string, b: string): boolean {
  const keyOf = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(" ");
  return keyOf(a) === keyOf(b);
}
