import type { Input } from "@pulumi/pulumi";

/**
 * A value a program may pass as a Pulumi input at any depth: itself, a promise or an output of it, and
 * the same for each array element and object property (so one env value can be `pulumi.secret(...)`).
 */
export type DeepInput<T> = T extends readonly (infer E)[]
  ? Input<DeepInput<E>[]>
  : T extends object
    ? Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : Input<T>;

/** The arguments of a resource: its plain inputs, each property a {@link DeepInput}. */
export type ResourceArgs<T> = { [K in keyof T]: DeepInput<T[K]> };

/** Seeds an output that is not an input with `undefined`, so Pulumi fills it after create. */
export function seedOutputs<K extends string>(keys: readonly K[]): Record<K, undefined> {
  return Object.fromEntries(keys.map((key) => [key, undefined])) as Record<K, undefined>;
}
