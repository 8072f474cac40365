import type { components } from "../generated/openapi.js";

type Schemas = components["schemas"];

/**
 * The endpoint settings an update's `reset` can return to their defaults: the contract's
 * `ResettableEndpointSetting`, as a list for code that checks or offers names (the CLI's `--reset`, the
 * Pulumi provider). Written as an object's keys so that a setting added to or removed from the contract
 * and not here fails to compile.
 */
export const RESETTABLE_ENDPOINT_SETTINGS: readonly Schemas["ResettableEndpointSetting"][] = Object.keys({
  type: true,
  computeType: true,
  gpuTypeIds: true,
  gpuCount: true,
  workersMin: true,
  workersMax: true,
  idleTimeout: true,
  scalerType: true,
  scalerValue: true,
  executionTimeoutMs: true,
  flashboot: true,
  env: true,
  secretEnv: true,
  driver: true,
} satisfies Record<Schemas["ResettableEndpointSetting"], true>) as Schemas["ResettableEndpointSetting"][];

/** The template settings an update's `reset` can return to their defaults: the contract's `ResettableTemplateSetting`. */
export const RESETTABLE_TEMPLATE_SETTINGS: readonly Schemas["ResettableTemplateSetting"][] = Object.keys({
  imageName: true,
  command: true,
  env: true,
  secretEnv: true,
  ports: true,
  cpuLimit: true,
  memoryLimitMb: true,
  containerDiskInGb: true,
  volumeMounts: true,
  containerRegistryAuthId: true,
} satisfies Record<Schemas["ResettableTemplateSetting"], true>) as Schemas["ResettableTemplateSetting"][];
