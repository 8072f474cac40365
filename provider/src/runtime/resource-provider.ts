import type { dynamic } from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc.js";
import { z } from "zod";
import type { ConnectionSettings } from "./connection.js";
import { createManagementClient, type FetchFunction, type ManagementClient } from "./management-client.js";

/** The key under which Pulumi stores the serialized provider in every resource's inputs and outputs. */
const PROVIDER_KEY = "__provider";

/** A check failure for one property, as the engine shows it. */
export type CheckFailure = dynamic.CheckFailure;

/**
 * What distinguishes one Runfleet resource from another; {@link RunfleetResourceProvider} turns it into
 * the full dynamic-provider contract. `Inputs` are the plain (resolved) resource inputs, `Remote` the
 * object as the management API returns it, `Outputs` what Pulumi stores.
 */
export interface ResourceSpec<Inputs extends object, Remote, Outputs extends object> {
  /** A human word for messages, e.g. `endpoint`. */
  readonly noun: string;
  /** Validates the inputs property by property; an object schema so each failure names its property. */
  readonly schema: z.ZodObject;
  /** Rules that span properties, run once every property involved is known and valid. */
  readonly crossChecks?: (inputs: Inputs) => CheckFailure[];
  /** Properties the management API cannot change in place: a change replaces the object. */
  readonly replaceOnChange: readonly (keyof Inputs & string)[];
  /** Creates the object from checked inputs (no `__provider`, no undefined values). */
  create(client: ManagementClient, inputs: Inputs): Promise<Remote>;
  /** The object, or `undefined` when it no longer exists. */
  get(client: ManagementClient, id: string): Promise<Remote | undefined>;
  /** Applies the changed properties; absent when every property replaces. */
  update?(client: ManagementClient, id: string, patch: Partial<Inputs>): Promise<Remote>;
  /** Deletes the object; must succeed when it is already gone. */
  remove(client: ManagementClient, id: string): Promise<void>;
  /** The object's id on the control plane. */
  idOf(remote: Remote): string;
  /**
   * The outputs for a fresh answer. `previous` are the outputs stored before, for values the API shows
   * only once (an API key's secret).
   */
  outputs(remote: Remote, previous: Partial<Outputs> | undefined): Outputs;
}

/** One failure per property for a rule that involves all of them, so each shows where it is set. */
export function ruleFailures(reason: string, ...properties: string[]): CheckFailure[] {
  return properties.map((property) => ({ property, reason }));
}

/** Options of a provider implementation. */
export interface ResourceProviderOptions {
  /** The fetch the management client uses. @defaultValue the global `fetch` */
  fetch?: FetchFunction;
}

/**
 * The dynamic-provider methods for one kind of Runfleet resource, built from its {@link ResourceSpec}.
 * It runs in the provider process and is loaded there by module name, never serialized.
 */
export class RunfleetResourceProvider<Inputs extends object, Remote, Outputs extends object>
  implements dynamic.ResourceProvider<Inputs, Outputs>
{
  constructor(
    private readonly spec: ResourceSpec<Inputs, Remote, Outputs>,
    private readonly connection: ConnectionSettings,
    private readonly options: ResourceProviderOptions = {},
  ) {}

  /**
   * Validates the inputs with the spec's zod schema. Values not known yet (outputs of resources a
   * preview has not created) are passed through unchecked; they are checked again when known.
   */
  async check(_olds: Inputs, news: Inputs): Promise<dynamic.CheckResult<Inputs>> {
    const given = withoutProvider(news);
    const unknown = Object.keys(given).filter((key) => containsUnknown(given[key]));
    const known = Object.fromEntries(Object.entries(given).filter(([key]) => !unknown.includes(key)));
    // Unknown properties are left out of the schema as well as the values, so they are neither checked
    // nor reported as unexpected.
    const shape = Object.entries(this.spec.schema.shape).filter(([key]) => !unknown.includes(key));
    const parsed = z.strictObject(Object.fromEntries(shape)).safeParse(known);
    if (!parsed.success) {
      return { failures: parsed.error.issues.map(toFailure) };
    }
    const inputs = { ...parsed.data, ...Object.fromEntries(unknown.map((key) => [key, given[key]])) } as Inputs;
    const failures = unknown.length === 0 ? (this.spec.crossChecks?.(inputs) ?? []) : [];
    return failures.length > 0 ? { failures } : { inputs };
  }

  /**
   * Compares each property the program sets with the value stored after the last create, update or
   * refresh (so drift made outside Pulumi shows up). A property the program leaves out keeps the value
   * the control plane has, as a PATCH does. Only {@link ResourceSpec.replaceOnChange} properties replace.
   */
  async diff(_id: string, olds: Outputs, news: Inputs): Promise<dynamic.DiffResult> {
    const changed = this.changedProperties(olds, news);
    const replaces = changed.filter((key) => (this.spec.replaceOnChange as readonly string[]).includes(key));
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
  }

  /**
   * Creates the object. If anything fails after the control plane created it, the object is deleted
   * again before the error is reported, so a failed `pulumi up` leaves nothing behind that state does
   * not know of; if even that delete fails, the error carries the id so the engine records the object.
   */
  async create(inputs: Inputs): Promise<dynamic.CreateResult<Outputs>> {
    const client = this.client();
    const remote = await this.spec.create(client, stripUndefined(withoutProvider(inputs)) as Inputs);
    const id = this.spec.idOf(remote);
    try {
      return { id, outs: plainJson(this.spec.outputs(remote, undefined)) };
    } catch (error) {
      await this.removeAfterFailedCreate(client, id, inputs, error);
      throw error;
    }
  }

  /** Reads the object for `pulumi refresh`; an object deleted outside Pulumi is reported as gone. */
  async read(id: string, props?: Outputs): Promise<dynamic.ReadResult<Outputs>> {
    const remote = await this.spec.get(this.client(), id);
    if (remote === undefined) {
      return {};
    }
    return { id, props: plainJson(this.spec.outputs(remote, withoutProvider(props ?? {}) as Partial<Outputs>)) };
  }

  /** Sends only the properties that changed. */
  async update(id: string, olds: Outputs, news: Inputs): Promise<dynamic.UpdateResult<Outputs>> {
    const { update } = this.spec;
    if (!update) {
      throw new Error(`a ${this.spec.noun} cannot be changed in place; the engine should have replaced it`);
    }
    const patch = Object.fromEntries(
      this.changedProperties(olds, news).map((key) => [key, (news as Record<string, unknown>)[key]]),
    ) as Partial<Inputs>;
    const remote = await update(this.client(), id, patch);
    return { outs: plainJson(this.spec.outputs(remote, withoutProvider(olds) as Partial<Outputs>)) };
  }

  /** Deletes the object; one already deleted outside Pulumi counts as deleted. */
  async delete(id: string, _props: Outputs): Promise<void> {
    await this.spec.remove(this.client(), id);
  }

  private changedProperties(olds: Outputs, news: Inputs): string[] {
    const stored = olds as Record<string, unknown>;
    const given = withoutProvider(news);
    return Object.keys(this.spec.schema.shape).filter((key) => {
      const value = given[key];
      return value !== undefined && (containsUnknown(value) || !sameValue(value, stored[key]));
    });
  }

  private async removeAfterFailedCreate(client: ManagementClient, id: string, inputs: Inputs, cause: unknown) {
    try {
      await this.spec.remove(client, id);
    } catch (cleanupError) {
      // The engine's partial-failure protocol: an error with id, properties and reasons makes it record
      // the object as created (with init errors) instead of forgetting it. `properties` must include
      // `__provider`, which the engine does not add on this path.
      throw Object.assign(new Error(`${this.spec.noun} ${id} was created but could not be completed`), {
        id,
        properties: { ...inputs },
        reasons: [String(cause), `removing it again failed too: ${String(cleanupError)}`],
      });
    }
  }

  private client(): ManagementClient {
    return createManagementClient(this.connection.resolve(), this.options.fetch);
  }
}

/** Turns a zod issue into a failure naming the top-level property, which is what Pulumi shows. */
function toFailure(issue: z.core.$ZodIssue): CheckFailure {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const property = issue.keys[0] ?? "(input)";
    return { property, reason: `${issue.keys.join(", ")}: not a property of this resource` };
  }
  const property = path[0] ?? "(input)";
  return { property, reason: `${path.join(".")}: ${issue.message}` };
}

function withoutProvider(values: object): Record<string, unknown> {
  const { [PROVIDER_KEY]: _provider, ...rest } = values as Record<string, unknown>;
  return rest;
}

/** Whether a value, or anything inside it, is not known yet (a preview of an uncreated dependency). */
function containsUnknown(value: unknown): boolean {
  if (value === unknownValue) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some(containsUnknown);
  }
  if (typeof value === "object" && value !== null) {
    return Object.values(value).some(containsUnknown);
  }
  return false;
}

/** Structural equality; key order of objects (env maps) does not matter, array order (priorities) does. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

function stripUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/**
 * Outputs as the engine can encode them: JSON values only. An `undefined` anywhere would fail the answer
 * after the object was created ("Unexpected struct type"), leaking it; dropping those keys avoids that.
 */
function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
