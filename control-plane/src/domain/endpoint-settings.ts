import type { components } from "@runfleet/sdk/generated";
import { ControlPlaneError, type FieldError } from "../errors/control-plane-error.js";

type Schemas = components["schemas"];

/** Settings as a client sends them; everything optional. */
export type EndpointSettingsInput = Schemas["EndpointSettings"];

/** Settings with every default applied. */
export type CompiledEndpointSettings = Required<Omit<EndpointSettingsInput, "name" | "templateId">>;

/**
 * The defaults of an endpoint's settings: the only place they are written down. They follow RunPod's
 * REST defaults so that RunPod users find what they expect.
 */
export const ENDPOINT_DEFAULTS: CompiledEndpointSettings = {
  computeType: "GPU",
  gpuTypeIds: [],
  gpuCount: 1,
  workersMin: 0,
  workersMax: 3,
  idleTimeout: 5,
  scalerType: "QUEUE_DELAY",
  scalerValue: 4,
  executionTimeoutMs: 600_000,
  flashboot: false,
  env: {},
  driver: null,
};

/** Longest queue delay the QUEUE_DELAY scaler accepts, in seconds. */
export const MAX_QUEUE_DELAY_SECONDS = 3600;

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
  const problems = checkEndpointSettings(merged);
  if (problems.length > 0) {
    throw new ControlPlaneError("invalid_scaling", problems.map((p) => `${p.field}: ${p.message}`).join("; "), {
      fields: problems,
    });
  }
  return merged;
}

/** The cross-field rules; returns one entry per broken rule, naming every field involved. */
export function checkEndpointSettings(settings: CompiledEndpointSettings): FieldError[] {
  const problems: FieldError[] = [];
  if (settings.workersMin > settings.workersMax) {
    const message = `workersMin (${settings.workersMin}) must not exceed workersMax (${settings.workersMax})`;
    problems.push({ field: "workersMin", message }, { field: "workersMax", message });
  }
  if (settings.scalerType === "QUEUE_DELAY" && settings.scalerValue > MAX_QUEUE_DELAY_SECONDS) {
    problems.push({
      field: "scalerValue",
      message: `with scalerType QUEUE_DELAY, scalerValue is seconds of queue delay and must be at most ${MAX_QUEUE_DELAY_SECONDS}`,
    });
  }
  return problems;
}

/** Template fields with defaults applied. */
export interface CompiledTemplateSettings {
  imageName: string | null;
  command: string[];
  env: Record<string, string>;
  ports: string[];
  cpuLimit: number | null;
  memoryLimitMb: number | null;
}

/** The defaults of a template's settings. */
export const TEMPLATE_DEFAULTS: CompiledTemplateSettings = {
  imageName: null,
  command: [],
  env: {},
  ports: [],
  cpuLimit: null,
  memoryLimitMb: null,
};

/** Merges a template patch over `base` and checks that the template can still run something. */
export function compileTemplateSettings(
  patch: Schemas["TemplateSettings"],
  base: CompiledTemplateSettings = TEMPLATE_DEFAULTS,
): CompiledTemplateSettings {
  const merged: CompiledTemplateSettings = { ...base };
  for (const key of Object.keys(TEMPLATE_DEFAULTS) as (keyof CompiledTemplateSettings)[]) {
    const value = patch[key];
    if (value !== undefined) {
      (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  if (merged.imageName === null && merged.command.length === 0) {
    throw new ControlPlaneError("validation_failed", "a template needs imageName, command, or both", {
      fields: [
        { field: "imageName", message: "required when command is empty" },
        { field: "command", message: "required when imageName is absent" },
      ],
    });
  }
  return merged;
}
