import * as pulumi from "@pulumi/pulumi";
import { type DeepInput, type ResourceArgs, RunfleetResource } from "./runfleet-resource.js";
import type { SshKeyInputs, SshKeyOutputs } from "./runtime/types.js";

/** The arguments of an {@link SshKey}: the management API's `SshKeyCreate`. */
export type SshKeyArgs = ResourceArgs<Omit<SshKeyInputs, "name">> & {
  /** Whose key it is. @defaultValue the Pulumi resource name plus a random suffix, kept across updates */
  name?: DeepInput<string>;
};

/** The outputs every registered key has, seeded so that Pulumi reports them. */
const SSH_KEY_OUTPUTS = ["type", "fingerprint", "createdAt"] as const satisfies readonly (keyof SshKeyOutputs)[];

/**
 * An SSH public key registered with the control plane's SSH gateway (`runfleet serve --ssh-port`): its
 * holder may open a shell in any worker (`ssh -p <port> <workerId>@<host>`), as an admin key could. A
 * registration cannot be edited, so a change of name or key replaces it; the old one is removed first
 * (one public key is registered once). Deleting the resource removes the key: the gateway refuses it
 * from the next connection on. Type token `pulumi-nodejs:dynamic/runfleet:SshKey`.
 *
 * @example
 * ```ts
 * const alice = new SshKey("alice", { name: "alice laptop", publicKey: readFileSync("alice.pub", "utf8") });
 * export const aliceFingerprint = alice.fingerprint;
 * ```
 */
export class SshKey extends RunfleetResource {
  /** The registration's id (`ssh_...`); the resource's id, so known in previews. */
  declare readonly sshKeyId: pulumi.Output<string>;
  /** Whose key it is. */
  declare readonly name: pulumi.Output<string>;
  /** The key in OpenSSH format, as given (its comment included). */
  declare readonly publicKey: pulumi.Output<string>;
  /** The key's algorithm (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`). */
  declare readonly type: pulumi.Output<string>;
  /** Its SHA-256 fingerprint, as `ssh-keygen -lf` prints it. */
  declare readonly fingerprint: pulumi.Output<string>;
  /** When it was registered (RFC 3339). */
  declare readonly createdAt: pulumi.Output<string>;

  /** Registers a key; `name` is the Pulumi resource name, `args.name` the key's own. */
  constructor(name: string, args: SshKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super("sshKey", name, args, SSH_KEY_OUTPUTS, pulumi.mergeOptions(opts, { deleteBeforeReplace: true }));
    this.sshKeyId = this.id;
  }

  /**
   * Reads a registered key without managing it: this stack never removes it.
   *
   * @param name - the Pulumi resource name to give it in this stack
   * @param id - the key's id (`ssh_...`)
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): SshKey {
    return new SshKey(name, undefined as unknown as SshKeyArgs, { ...opts, id });
  }
}
