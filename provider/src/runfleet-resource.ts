import * as pulumi from "@pulumi/pulumi";
import { delegatingProviders } from "./dynamic-provider.js";
import { loadSqliteQuietly } from "./quiet-builtins.js";
import type { ResourceKind } from "./runtime/types.js";

// Before the first resource is serialized: see loadSqliteQuietly for why.
loadSqliteQuietly();

/**
 * A value a program may pass as a Pulumi input at any depth: itself, a promise or an output of it, and
 * the same for each array element and object property (so one env value can be `pulumi.secret(...)`).
 */
export type DeepInput<T> = T extends readonly (infer E)[]
  ? Input<DeepInput<E>[]>
  : T extends object
    ? Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : Input<T>;

type Input<T> = pulumi.Input<T>;

/** The arguments of a resource: its plain inputs, each property a {@link DeepInput}. */
export type ResourceArgs<T> = { [K in keyof T]: DeepInput<T[K]> };

/** The type names of the resources, as they appear in type tokens. */
const TYPE_NAMES: Record<ResourceKind, string> = {
  endpoint: "Endpoint",
  template: "Template",
  apiKey: "ApiKey",
  registryAuth: "RegistryAuth",
  sshKey: "SshKey",
};

/**
 * The input that asks the provider to name the object after the Pulumi resource: it carries the logical
 * name, and `check` adds a random suffix once and keeps the result (see the runtime's `AUTONAME_KEY`).
 */
const AUTONAME_KEY = "__autonamePrefix";

/**
 * What the Runfleet resources share: the one provider object of their kind, the type token
 * `pulumi-nodejs:dynamic/runfleet:<Type>`, outputs that are not inputs seeded with `undefined` (so that
 * Pulumi fills them after create), and Pulumi-style autonaming when `name` is left out.
 *
 * Arguments are ignored when `opts.id` is set: that reads an existing object (`Endpoint.get`).
 */
export abstract class RunfleetResource extends pulumi.dynamic.Resource {
  protected constructor(
    kind: ResourceKind,
    name: string,
    args: { name?: unknown } | undefined,
    outputs: readonly string[],
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    const seeds = Object.fromEntries(outputs.map((key) => [key, undefined]));
    const props =
      opts?.id !== undefined
        ? { ...seeds, name: undefined }
        : {
            ...seeds,
            ...args,
            // Autonamed: `name` is an output (seeded, so Pulumi fills it), chosen by the provider's check.
            ...(args?.name === undefined ? { name: undefined, [AUTONAME_KEY]: name } : {}),
          };
    super(delegatingProviders[kind], name, props, opts, "runfleet", TYPE_NAMES[kind]);
  }
}
