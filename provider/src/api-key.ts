import * as pulumi from "@pulumi/pulumi";
import { type DeepInput, type ResourceArgs, RunfleetResource } from "./runfleet-resource.js";
import type { ApiKeyInputs, ApiKeyOutputs } from "./runtime/types.js";

/** The arguments of an {@link ApiKey}: the management API's `ApiKeyCreate`. */
export type ApiKeyArgs = ResourceArgs<Omit<ApiKeyInputs, "name">> & {
  /** What the key is for. @defaultValue the Pulumi resource name plus a random suffix, kept across updates */
  name?: DeepInput<string>;
};

const API_KEY_OUTPUTS = [
  "key",
  "prefix",
  "createdAt",
  "endpointIds",
] as const satisfies readonly (keyof ApiKeyOutputs)[];

/**
 * A Runfleet API key, e.g. an `invoke` key for an application limited to its endpoints. Keys cannot be
 * edited, so any change creates a new key and then revokes the old one; deleting the resource revokes
 * the key. The secret `key` is a Pulumi secret (encrypted in state). Type token
 * `pulumi-nodejs:dynamic/runfleet:ApiKey`.
 *
 * @example
 * ```ts
 * const appKey = new ApiKey("app", { name: "web-app", scope: "invoke", endpointIds: [endpoint.endpointId] });
 * export const appKeySecret = appKey.key; // shown with `pulumi stack output --show-secrets`
 * ```
 */
export class ApiKey extends RunfleetResource {
  /** The key's id (not its secret); the resource's id, so known in previews. */
  declare readonly keyId: pulumi.Output<string>;
  /** The secret to send as a bearer token; unknown (undefined) for a key read with {@link ApiKey.get}. */
  declare readonly key: pulumi.Output<string>;
  /** What the key is for. */
  declare readonly name: pulumi.Output<string>;
  /** What the key may do. */
  declare readonly scope: pulumi.Output<ApiKeyOutputs["scope"]>;
  /** For `invoke` keys, the endpoints it may call; empty means all. */
  declare readonly endpointIds: pulumi.Output<string[]>;
  /** The key's first characters, to recognise it. */
  declare readonly prefix: pulumi.Output<string>;
  /** When the key was created (RFC 3339). */
  declare readonly createdAt: pulumi.Output<string>;

  /** Declares an API key; `name` is the Pulumi resource name, `args.name` the key's own. */
  constructor(name: string, args: ApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super("apiKey", name, args, API_KEY_OUTPUTS, pulumi.mergeOptions(opts, { additionalSecretOutputs: ["key"] }));
    this.keyId = this.id;
  }

  /**
   * Reads an existing key's description without managing it. The secret is shown by the API only when a
   * key is created, so `key` stays undefined; this stack never revokes the key.
   *
   * @param name - the Pulumi resource name to give it in this stack
   * @param id - the key's id (`key_...`)
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): ApiKey {
    return new ApiKey(name, undefined as unknown as ApiKeyArgs, { ...opts, id });
  }
}
