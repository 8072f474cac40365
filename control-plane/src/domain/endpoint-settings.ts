import { endpointSettingsProblems, MAX_QUEUE_DELAY_SECONDS, templateSettingsProblems } from "@runfleet/sdk";
import type { components } from "@runfleet/sdk/generated";
import { ControlPlaneError, type FieldError } from "../errors/control-plane-error.js";
import { ENDPOINT_CREATE_DEFAULTS, TEMPLATE_CREATE_DEFAULTS } from "./generated/create-defaults.js";

type Schemas = components["schemas"];

/**
 * Settings as a client sends them, everything optional: the fields of `EndpointUpdate`, which are those of
 * `EndpointCreate` less its required `name` and `templateId` and its defaults (applied here, from
 * `ENDPOINT_DEFAULTS`, the contract's `default:` values).
 */
export type EndpointSettingsInput = Schemas["EndpointUpdate"];

/** Settings with every default applied. */
export type CompiledEndpointSettings = Required<Omit<EndpointSettingsInput, "name" | "templateId" | "reset">>;

/**
 * The defaults of an endpoint's settings: `EndpointCreate`'s `default:` values, generated from openapi.yaml
 * (`npm run gen`); the type makes a setting without a documented default fail to compile. They follow
 * RunPod's REST defaults so that RunPod users find what they expect.
 */
export const ENDPOINT_DEFAULTS: CompiledEndpointSettings = ENDPOINT_CREATE_DEFAULTS;

/**
 * `base` with the settings named in `reset` back at their `defaults` (an update's `reset` list), checked
 * against the patch: a setting both given and reset is refused, naming it, since neither can win.
 */
export function withResetSettings<Settings extends object>(
  base: Settings,
  defaults: Settings,
  patch: object,
  reset: readonly (keyof Settings & string)[] | undefined,
): Settings {
  if (reset === undefined || reset.length === 0) {
    return base;
  }
  const given = patch as Record<string, unknown>;
  const both = reset.filter((key) => given[key] !== undefined);
  if (both.length > 0) {
    const message = `${both.join(", ")} cannot be both given and reset`;
    throw new ControlPlaneError("validation_failed", message, {
      fields: both.map((key) => ({ field: key, message: "is both given and listed in reset" })),
    });
  }
  const next = { ...base } as Record<string, unknown>;
  for (const key of reset) {
    next[key] = structuredClone(defaults[key]);
  }
  return next as Settings;
}

/** Longest queue delay the QUEUE_DELAY scaler accepts, in seconds (the rule lives in `@runfleet/sdk`). */
export { MAX_QUEUE_DELAY_SECONDS };

/**
 * Merges `patch` over `base` (defaults when creating) and checks the rules that span fields, which the
 * schema alone cannot express. Per-field ranges are already enforced by the contract's validation.
 */
export function compileEndpointSettings(
  patch: EndpointSettingsInput,
  base: CompiledEndpointSettings = ENDPOINT_DEFAULTS,
): CompiledEndpointSettings {
  const merged: CompiledEndpointSettings = { ...base };
  for (const key of Object.keys(ENDPOINT_DEFAULTS) as (keyof CompiledEndpointSettings)[]) {
    const value = patch[key];
    if (value !== undefined) {
      (merged as Record<string, unknown>)[key] = value;
    }
  }
  merged.secretEnv = mergeSecretEnv(patch.secretEnv, base.secretEnv ?? {});
  const secretProblems = checkSecretEnv(merged);
  if (secretProblems.length > 0) {
    throw new ControlPlaneError("validation_failed", secretProblems.map((p) => `${p.field}: ${p.message}`).join("; "), {
      fields: secretProblems,
    });
  }
  const problems = checkEndpointSettings(merged);
  if (problems.length > 0) {
    throw new ControlPlaneError("invalid_scaling", problems.map((p) => `${p.field}: ${p.message}`).join("; "), {
      fields: problems,
    });
  }
  return merged;
}

/**
 * The cross-field rules, from `@runfleet/sdk` (the one copy the Pulumi provider applies too); one field
 * error per field of each broken rule.
 */
export function checkEndpointSettings(settings: CompiledEndpointSettings): FieldError[] {
  return endpointSettingsProblems(settings).flatMap(({ fields, message }) =>
    fields.map((field) => ({ field, message })),
  );
}

/** Template fields with defaults applied. */
export interface CompiledTemplateSettings {
  imageName: string | null;
  command: string[];
  env: Record<string, string>;
  /** Secret env values, in plain text (they are sealed by the store, redacted by the API). */
  secretEnv: Record<string, string>;
  ports: string[];
  cpuLimit: number | null;
  memoryLimitMb: number | null;
  containerDiskInGb: number | null;
  volumeMounts: Schemas["VolumeMount"][];
  containerRegistryAuthId: string | null;
}

/**
 * The defaults of a template's settings: `TemplateCreate`'s `default:` values (generated from openapi.yaml),
 * and absent (null) for the settings without one.
 */
export const TEMPLATE_DEFAULTS: CompiledTemplateSettings = {
  imageName: null,
  cpuLimit: null,
  memoryLimitMb: null,
  containerDiskInGb: null,
  containerRegistryAuthId: null,
  ...TEMPLATE_CREATE_DEFAULTS,
};

/**
 * Merges a template patch over `base` and checks the rules that span fields (from `@runfleet/sdk`, the copy
 * the Pulumi provider applies too): the template still runs something, no two mounts share a path.
 */
export function compileTemplateSettings(
  patch: Schemas["TemplateUpdate"],
  base: CompiledTemplateSettings = TEMPLATE_DEFAULTS,
): CompiledTemplateSettings {
  const merged: CompiledTemplateSettings = { ...base };
  for (const key of Object.keys(TEMPLATE_DEFAULTS) as (keyof CompiledTemplateSettings)[]) {
    const value = patch[key];
    if (value !== undefined) {
      (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  merged.secretEnv = mergeSecretEnv(patch.secretEnv, base.secretEnv ?? {});
  const secretProblems = checkSecretEnv(merged);
  if (secretProblems.length > 0) {
    throw new ControlPlaneError("validation_failed", secretProblems.map((p) => `${p.field}: ${p.message}`).join("; "), {
      fields: secretProblems,
    });
  }
  const problems = templateSettingsProblems(merged);
  if (problems.length > 0) {
    throw new ControlPlaneError("validation_failed", problems.map((p) => p.message).join("; "), {
      fields: problems.flatMap(({ fields, message }) => fields.map((field) => ({ field, message }))),
    });
  }
  return merged;
}

/** What the API shows in place of a secret value; sent back, it means "keep the stored value". */
export const REDACTED_VALUE = "********" as const;

/**
 * The secret env after a patch: the patch's map replaces the stored one, except that a value of
 * {@link REDACTED_VALUE} keeps the value stored under that name (so that a client may send back what it
 * read). Such a name with nothing stored is refused.
 */
export function mergeSecretEnv(
  patch: Record<string, string> | undefined,
  stored: Record<string, string>,
): Record<string, string> {
  if (patch === undefined) {
    return stored;
  }
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === REDACTED_VALUE) {
      const kept = stored[name];
      if (kept === undefined) {
        throw new ControlPlaneError("validation_failed", `secretEnv.${name}: has no stored value to keep`, {
          fields: [{ field: `secretEnv.${name}`, message: `is ${REDACTED_VALUE} but no value is stored under it` }],
        });
      }
      merged[name] = kept;
    } else {
      merged[name] = value;
    }
  }
  return merged;
}

/** A name may be plain or secret, not both: which value a worker gets would be a guess. */
export function checkSecretEnv(settings: {
  env: Record<string, string>;
  secretEnv: Record<string, string>;
}): FieldError[] {
  return Object.keys(settings.secretEnv)
    .filter((name) => Object.hasOwn(settings.env, name))
    .map((name) => ({ field: `secretEnv.${name}`, message: `is also in env; a variable is either plain or secret` }));
}

/** The secret env as the API shows it: the names, each with {@link REDACTED_VALUE}. */
export function redactSecretEnv(secretEnv: Record<string, string> | undefined): Record<string, typeof REDACTED_VALUE> {
  return Object.fromEntries(Object.keys(secretEnv ?? {}).map((name) => [name, REDACTED_VALUE] as const));
}
