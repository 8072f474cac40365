import * as pulumi from "@pulumi/pulumi";
import { type DeepInput, type ResourceArgs, RunfleetResource } from "./runfleet-resource.js";
import type { RegistryAuthInputs, RegistryAuthOutputs } from "./runtime/types.js";

/**
 * The arguments of a {@link RegistryAuth}: the management API's `RegistryAuthCreate` (RunPod's container
 * registry auth). The password is made a secret here, whatever the program passes.
 */
export type RegistryAuthArgs = ResourceArgs<Omit<RegistryAuthInputs, "name">> & {
  /** A unique name. @defaultValue the Pulumi resource name plus a random suffix, kept across updates */
  name?: DeepInput<string>;
};

/** The outputs every registry credential has, seeded so that Pulumi reports them. */
const REGISTRY_AUTH_OUTPUTS = [
  "username",
  "password",
  "createdAt",
  "updatedAt",
] as const satisfies readonly (keyof RegistryAuthOutputs)[];

/**
 * Credentials for a private container registry, for `Template.containerRegistryAuthId`: the docker driver
 * pulls the template's image with them. The password is encrypted in state and at rest on the control
 * plane, and the API never shows it. Type token `pulumi-nodejs:dynamic/runfleet:RegistryAuth`.
 *
 * @example
 * ```ts
 * const ghcr = new RegistryAuth("ghcr", { username: "acme-ci", password: config.requireSecret("ghcrToken") });
 * const template = new Template("worker", {
 *   imageName: "ghcr.io/acme/worker:1",
 *   containerRegistryAuthId: ghcr.registryAuthId,
 * });
 * ```
 */
export class RegistryAuth extends RunfleetResource {
  /** The credentials' id, for `Template.containerRegistryAuthId`; the resource's id, so known in previews. */
  declare readonly registryAuthId: pulumi.Output<string>;
  /** Their name. */
  declare readonly name: pulumi.Output<string>;
  /** The registry user. */
  declare readonly username: pulumi.Output<string>;
  /** The password as last sent (a secret); undefined for credentials read with {@link RegistryAuth.get}. */
  declare readonly password: pulumi.Output<string>;
  /** When they were stored (RFC 3339). */
  declare readonly createdAt: pulumi.Output<string>;
  /** When they last changed (RFC 3339). */
  declare readonly updatedAt: pulumi.Output<string>;

  /** Declares registry credentials; `name` is the Pulumi resource name, `args.name` their own. */
  constructor(name: string, args: RegistryAuthArgs, opts?: pulumi.CustomResourceOptions) {
    const secretArgs = args === undefined ? args : { ...args, password: pulumi.secret(args.password) };
    super(
      "registryAuth",
      name,
      secretArgs,
      REGISTRY_AUTH_OUTPUTS,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password"] }),
    );
    this.registryAuthId = this.id;
  }

  /**
   * Reads existing credentials (their name and user; never the password) without managing them.
   *
   * @param name - the Pulumi resource name to give them in this stack
   * @param id - the credentials' id (`ra_...`)
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): RegistryAuth {
    return new RegistryAuth(name, undefined as unknown as RegistryAuthArgs, { ...opts, id });
  }
}
