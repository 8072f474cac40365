import { randomBytes } from "node:crypto";
import type { dynamic } from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc.js";
import type { FieldError, Runfleet } from "@runfleet/sdk";
import type { ConnectionSettings } from "./connection.js";
import type { RequestValidator } from "./request-validation.js";
import { connectRunfleet, type FetchFunction } from "./runfleet-client.js";

/** The key under which Pulumi stores the serialized provider in every resource's inputs and outputs. */
const PROVIDER_KEY = "__provider";

/**
 * The input a resource declared without `name` carries: its Pulumi logical name. `check` turns it into
 * a name (the logical name, a dash and a random suffix) and keeps that name in later runs.
 */
export const AUTONAME_KEY = "__autonamePrefix";

/**
 * The output that lists which inputs the program declared. The provider sees only outputs in `diff` and
 * `read`, so it keeps the list there: `read` then reports the refreshed values of exactly those inputs
 * (so a preview after a refresh marks each drifted property), and `diff` knows the state's age.
 * Property names only, never values, so no secret is copied out of its encrypted place.
 */
export const DECLARED_KEY = "__declaredInputs";

/** The internal keys that are not properties of any resource. */
const INTERNAL_KEYS: readonly string[] = [PROVIDER_KEY, AUTONAME_KEY, DECLARED_KEY];

/** Random suffix characters of an autonamed object, as many as Pulumi's own autonaming uses. */
const AUTONAME_SUFFIX_LENGTH = 7;

/** A check failure for one property, as the engine shows it. */
export type CheckFailure = dynamic.CheckFailure;

/**
 * What distinguishes one Runfleet resource from another; {@link RunfleetResourceProvider} turns it into
 * the full dynamic-provider contract. `Inputs` are the plain (resolved) resource inputs, `Remote` the
 * object as the management API returns it, `Outputs` what Pulumi stores.
 */
export interface ResourceSpec<Inputs extends object, Remote, Outputs extends object, Reset extends string = never> {
  /** A human word for messages, e.g. `endpoint`. */
  readonly noun: string;
  /**
   * The contract's schema of the create body (from openapi.yaml), which names the resource's properties
   * and checks each failure against the same rules as the API.
   */
  readonly validator: RequestValidator;
  /** Rules that span properties, run once every property involved is known and valid. */
  readonly crossChecks?: (inputs: Inputs) => CheckFailure[];
  /** Properties the management API cannot change in place: a change replaces the object. */
  readonly replaceOnChange: readonly (keyof Inputs & string)[];
  /** Creates the object from checked inputs (no `__provider`, no undefined values). */
  create(runfleet: Runfleet, inputs: Inputs): Promise<Remote>;
  /** The object, or `undefined` when it no longer exists. */
  get(runfleet: Runfleet, id: string): Promise<Remote | undefined>;
  /**
   * Properties the management API can return to their defaults (an update's `reset`): one the program
   * stops declaring is reset, rather than left at the value it had.
   */
  readonly resettable: readonly Reset[];
  /**
   * Applies the changed properties and returns those in `reset` to their defaults; absent when every
   * property replaces.
   */
  update?(runfleet: Runfleet, id: string, patch: Partial<Inputs>, reset: Reset[]): Promise<Remote>;
  /** Deletes the object; must succeed when it is already gone. */
  remove(runfleet: Runfleet, id: string): Promise<void>;
  /** The object's id on the control plane. */
  idOf(remote: Remote): string;
  /**
   * The outputs for a fresh answer. `previous` are the outputs stored before, for values the API shows
   * only once (an API key's secret); `inputs` the inputs just sent (after a create or update), for values
   * it never shows (a registry password).
   */
  outputs(remote: Remote, previous: Partial<Outputs> | undefined, inputs: Inputs | undefined): Outputs;
}

/** One failure per property for a rule that involves all of them, so each shows where it is set. */
export function ruleFailures(reason: string, ...properties: string[]): CheckFailure[] {
  return properties.map((property) => ({ property, reason }));
}

/** Options of a provider implementation. */
export interface ResourceProviderOptions {
  /** The fetch the `@runfleet/sdk` client uses. @defaultValue the global `fetch` */
  fetch?: FetchFunction;
}

/**
 * The dynamic-provider methods for one kind of Runfleet resource, built from its {@link ResourceSpec}.
 * It runs in the provider process and is loaded there by module name, never serialized.
 */
export class RunfleetResourceProvider<
  Inputs extends object,
  Remote,
  Outputs extends object,
  Reset extends string = never,
> implements dynamic.ResourceProvider<Inputs, Outputs>
{
  constructor(
    private readonly spec: ResourceSpec<Inputs, Remote, Outputs, Reset>,
    private readonly connection: ConnectionSettings,
    private readonly options: ResourceProviderOptions = {},
  ) {}

  /**
   * Validates the inputs against the contract's schema (as the control plane would), then the rules that
   * span properties. Values not known yet (outputs of resources a preview has not created) are passed
   * through unchecked; they are checked again when known. A resource declared without `name` gets one
   * here (see {@link autonameOf}).
   */
  async check(olds: Inputs, news: Inputs): Promise<dynamic.CheckResult<Inputs>> {
    const autoname = autonameOf(olds, news);
    const given: Record<string, unknown> = {
      ...withoutProvider(news),
      ...(autoname === undefined ? {} : { name: autoname.name }),
    };
    const unknown = Object.keys(given).filter((key) => containsUnknown(given[key]));
    // Unknown properties are left out of the values checked, and count as present.
    const known = Object.fromEntries(Object.entries(given).filter(([key]) => !unknown.includes(key)));
    const problems = this.spec.validator.validate(known, unknown);
    if (problems.length > 0) {
      return { failures: problems.map(toFailure) };
    }
    const inputs = given as Inputs;
    const failures = unknown.length === 0 ? (this.spec.crossChecks?.(inputs) ?? []) : [];
    if (failures.length > 0) {
      return { failures };
    }
    // The prefix stays in the inputs: it tells the next run that the name was chosen here, to keep it.
    return { inputs: autoname === undefined ? inputs : { ...inputs, [AUTONAME_KEY]: autoname.prefix } };
  }

  /**
   * Compares each property the program sets with the value stored after the last create, update or
   * refresh (so drift made outside Pulumi shows up). A property the program declared before and no longer
   * does is a change too when the API can reset it ({@link ResourceSpec.resettable}): the update returns
   * it to the control plane's default. One never declared keeps the value the control plane has.
   * Only {@link ResourceSpec.replaceOnChange} properties replace.
   *
   * When something changed, the answer leaves `changes` unset on purpose. Node's dynamic-provider server
   * forwards only `changes`, `replaces` and `deleteBeforeReplace` to the engine, never which properties
   * changed; for an unset `changes` the engine diffs the old inputs against the new ones itself, and
   * that diff is what lets the CLI mark each changed property (`[diff: ~workersMax]`) and the
   * `replaceOnChanges` resource option turn a change into a replacement. The old inputs hold what
   * `read` last found, so a drifted property is marked too. State written before the provider recorded
   * its declared inputs gets a plain `changes: true`, as it did then.
   */
  async diff(_id: string, olds: Outputs, news: Inputs): Promise<dynamic.DiffResult> {
    const changed = [...this.changedProperties(olds, news), ...this.removedProperties(olds, news)];
    const replaces = changed.filter((key) => (this.spec.replaceOnChange as readonly string[]).includes(key));
    if (changed.length === 0) {
      return { changes: false, replaces: [], deleteBeforeReplace: false };
    }
    const recordsInputs = Array.isArray((olds as Record<string, unknown>)[DECLARED_KEY]);
    return recordsInputs
      ? { replaces, deleteBeforeReplace: false }
      : { changes: true, replaces, deleteBeforeReplace: false };
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
      return { id, outs: plainJson(this.outputsOf(remote, undefined, inputs)) };
    } catch (error) {
      await this.removeAfterFailedCreate(client, id, inputs, error);
      throw error;
    }
  }

  /**
   * Reads the object, for `pulumi refresh` and for a static `get`; an object deleted outside Pulumi is
   * reported as gone. On refresh it also reports the refreshed values of the inputs the program
   * declared, so that the next preview compares the program with what the control plane has.
   */
  async read(id: string, props?: Outputs): Promise<dynamic.ReadResult<Outputs>> {
    const remote = await this.spec.get(this.client(), id);
    if (remote === undefined) {
      return {};
    }
    const stored = (props ?? {}) as Record<string, unknown>;
    const outs = plainJson(this.outputsOf(remote, stored, undefined)) as Outputs & Record<string, unknown>;
    const declared = stored[DECLARED_KEY];
    if (!Array.isArray(declared)) {
      return { id, props: outs };
    }
    const inputs = Object.fromEntries(
      declared
        .filter((key): key is string => typeof key === "string" && (key in outs || key === AUTONAME_KEY))
        .map((key) => [key, key === AUTONAME_KEY ? stored[AUTONAME_KEY] : outs[key]]),
    );
    return { id, props: outs, inputs: inputs as unknown as Outputs };
  }

  /** Sends only the properties that changed, and resets those the program no longer declares. */
  async update(id: string, olds: Outputs, news: Inputs): Promise<dynamic.UpdateResult<Outputs>> {
    const { update } = this.spec;
    if (!update) {
      throw new Error(`a ${this.spec.noun} cannot be changed in place; the engine should have replaced it`);
    }
    const patch = Object.fromEntries(
      this.changedProperties(olds, news).map((key) => [key, (news as Record<string, unknown>)[key]]),
    ) as Partial<Inputs>;
    const remote = await update(this.client(), id, patch, this.removedProperties(olds, news));
    return { outs: plainJson(this.outputsOf(remote, olds as Record<string, unknown>, news)) };
  }

  /** Deletes the object; one already deleted outside Pulumi counts as deleted. */
  async delete(id: string, _props: Outputs): Promise<void> {
    await this.spec.remove(this.client(), id);
  }

  /**
   * The outputs to store: the spec's, plus which inputs the program declared (from `inputs` after a
   * create or update, else carried over from `stored`) and the autoname prefix, for `read`.
   */
  private outputsOf(remote: Remote, stored: Record<string, unknown> | undefined, inputs: Inputs | undefined): Outputs {
    const previous = stored === undefined ? undefined : (withoutProvider(stored) as Partial<Outputs>);
    const given = inputs as Record<string, unknown> | undefined;
    const declared =
      given === undefined
        ? stored?.[DECLARED_KEY]
        : Object.keys(given).filter((key) => key !== PROVIDER_KEY && given[key] !== undefined);
    const autonamePrefix = given === undefined ? stored?.[AUTONAME_KEY] : given[AUTONAME_KEY];
    return {
      ...this.spec.outputs(remote, previous, inputs),
      ...(Array.isArray(declared) ? { [DECLARED_KEY]: declared } : {}),
      ...(typeof autonamePrefix === "string" ? { [AUTONAME_KEY]: autonamePrefix } : {}),
    };
  }

  private changedProperties(olds: Outputs, news: Inputs): string[] {
    const stored = olds as Record<string, unknown>;
    const given = withoutProvider(news);
    return this.spec.validator.properties.filter((key) => {
      const value = given[key];
      return value !== undefined && (containsUnknown(value) || !sameValue(value, stored[key]));
    });
  }

  /**
   * The resettable properties the program declared in the last run (as recorded in the outputs) and no
   * longer declares. State written before declared inputs were recorded gives none.
   */
  private removedProperties(olds: Outputs, news: Inputs): Reset[] {
    const declared = (olds as Record<string, unknown>)[DECLARED_KEY];
    if (!Array.isArray(declared)) {
      return [];
    }
    const given = withoutProvider(news);
    const resettable: readonly string[] = this.spec.resettable;
    return declared.filter(
      (key): key is Reset => typeof key === "string" && resettable.includes(key) && given[key] === undefined,
    );
  }

  private async removeAfterFailedCreate(client: Runfleet, id: string, inputs: Inputs, cause: unknown) {
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

  private client(): Runfleet {
    return connectRunfleet(this.connection.resolve(), this.options.fetch);
  }
}

/**
 * Turns a field error (`volumeMounts.0.name`, worded as the API's 400 would word it) into a failure of the
 * top-level property, which is what Pulumi shows, with the full field in the reason.
 */
function toFailure({ field, message }: FieldError): CheckFailure {
  return { property: field.split(".")[0] || "(input)", reason: `${field}: ${message}` };
}

/** The resource's own properties: the values without the keys Pulumi or this provider add. */
function withoutProvider(values: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !INTERNAL_KEYS.includes(key)));
}

/**
 * The name of a resource declared without one: the name chosen in an earlier run when there was one (so
 * it is stable across updates), else the logical name, a dash and a random suffix. `undefined` when the
 * program sets `name` itself.
 */
function autonameOf(olds: object, news: object): { prefix: string; name: string } | undefined {
  const given = news as Record<string, unknown>;
  const previous = olds as Record<string, unknown>;
  const prefix = given[AUTONAME_KEY];
  if (given.name !== undefined || typeof prefix !== "string") {
    return undefined;
  }
  if (typeof previous[AUTONAME_KEY] === "string" && typeof previous.name === "string") {
    return { prefix, name: previous.name };
  }
  const suffix = randomBytes(AUTONAME_SUFFIX_LENGTH).toString("hex").slice(0, AUTONAME_SUFFIX_LENGTH);
  return { prefix, name: `${prefix.slice(0, MAX_AUTONAME_PREFIX)}-${suffix}` };
}

/** The longest logical name kept whole in an autoname: names are at most 191 characters. */
const MAX_AUTONAME_PREFIX = 191 - 1 - AUTONAME_SUFFIX_LENGTH;

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
