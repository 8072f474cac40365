import * as pulumi from "@pulumi/pulumi";
import { delegatingProviders } from "./dynamic-provider.js";
import type { ResourceKind } from "./runtime/index.js";

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
const TYPE_NAMES: Record<ResourceKind, string> = { endpoint: "Endpoint", template: "Template", apiKey: "ApiKey" };

/**
 * What the Runfleet resources share: the one provider object of their kind, the type token
 * `pulumi-nodejs:dynamic/runfleet:<Type>`, and outputs that are not inputs seeded with `undefined`
 * (so that Pulumi fills them after create).
 */
export abstract class RunfleetResource extends pulumi.dynamic.Resource {
  protected constructor(
    kind: ResourceKind,
    name: string,
    args: object,
    outputs: readonly string[],
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    const seeds = Object.fromEntries(outputs.map((key) => [key, undefined]));
    super(delegatingProviders[kind], name, { ...seeds, ...args }, opts, "runfleet", TYPE_NAMES[kind]);
  }
}
