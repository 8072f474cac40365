// Generated from openapi.yaml by scripts/gen-request-schemas.mjs (npm run gen). Do not edit.
// biome-ignore-all lint/suspicious/noThenProperty: `then` here is JSON Schema's keyword, not a thenable.

/** The request bodies the Pulumi provider validates. */
export type RequestSchemaName =
  | "EndpointCreate"
  | "TemplateCreate"
  | "ApiKeyCreate"
  | "RegistryAuthCreate"
  | "SshKeyCreate";

/**
 * The contract's component schemas that the provider's resources are checked against (JSON Schema 2020-12,
 * references in the contract's `#/components/schemas/` form), without annotations and discriminator
 * mappings. Compiled with Ajv, as the control plane compiles openapi.yaml.
 */
export const REQUEST_SCHEMAS: Readonly<Record<string, object>> = {
  ApiKeyCreate: {
    type: "object",
    required: ["name", "scope"],
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1, maxLength: 191 },
      scope: { $ref: "#/components/schemas/ApiKeyScope" },
      endpointIds: { type: "array", maxItems: 1000, items: { $ref: "#/components/schemas/Id" }, default: [] },
    },
    if: { required: ["scope"], properties: { scope: { not: { const: "invoke" } } } },
    then: { properties: { endpointIds: { maxItems: 0 } } },
  },
  ApiKeyScope: { type: "string", enum: ["admin", "invoke", "read"] },
  ComputeType: { type: "string", enum: ["GPU", "CPU"] },
  DriverKind: { type: "string", enum: ["process", "docker", "kubernetes"] },
  EndpointCreate: {
    type: "object",
    required: ["name", "templateId"],
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1, maxLength: 191 },
      templateId: { $ref: "#/components/schemas/Id" },
      type: { $ref: "#/components/schemas/EndpointType", default: "QUEUE" },
      computeType: { $ref: "#/components/schemas/ComputeType", default: "GPU" },
      gpuTypeIds: { type: "array", maxItems: 32, items: { type: "string", minLength: 1, maxLength: 100 }, default: [] },
      gpuCount: { type: "integer", minimum: 1, maximum: 16, default: 1 },
      workersMin: { type: "integer", minimum: 0, maximum: 1000, default: 0 },
      workersMax: { type: "integer", minimum: 0, maximum: 1000, default: 3 },
      idleTimeout: { type: "integer", minimum: 1, maximum: 3600, default: 5 },
      scalerType: { $ref: "#/components/schemas/ScalerType", default: "QUEUE_DELAY" },
      scalerValue: { type: "integer", minimum: 1, maximum: 10000, default: 4 },
      executionTimeoutMs: { type: "integer", minimum: 5000, maximum: 604800000, default: 600000 },
      flashboot: { type: "boolean", default: false },
      env: { $ref: "#/components/schemas/EnvMap", default: {} },
      secretEnv: { $ref: "#/components/schemas/SecretEnvMap", default: {} },
      driver: { oneOf: [{ $ref: "#/components/schemas/DriverKind" }, { type: "null" }], default: null },
    },
  },
  EndpointType: { type: "string", enum: ["QUEUE", "LOAD_BALANCER"] },
  EnvMap: {
    type: "object",
    propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
    additionalProperties: { type: "string", maxLength: 32768 },
  },
  HostPathMount: {
    type: "object",
    required: ["type", "hostPath", "mountPath"],
    additionalProperties: false,
    properties: {
      type: { type: "string", const: "hostPath" },
      hostPath: { type: "string", pattern: "^/", maxLength: 4096 },
      mountPath: { $ref: "#/components/schemas/VolumeMountPath" },
      readOnly: { type: "boolean", default: false },
    },
  },
  Id: { type: "string", pattern: "^[A-Za-z0-9_-]{1,128}$" },
  NamedVolumeMount: {
    type: "object",
    required: ["type", "name", "mountPath"],
    additionalProperties: false,
    properties: {
      type: { type: "string", const: "volume" },
      name: { type: "string", pattern: "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" },
      mountPath: { $ref: "#/components/schemas/VolumeMountPath" },
      readOnly: { type: "boolean", default: false },
    },
  },
  RegistryAuthCreate: {
    type: "object",
    required: ["name", "username", "password"],
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1, maxLength: 191 },
      username: { type: "string", minLength: 1, maxLength: 512 },
      password: { type: "string", minLength: 1, maxLength: 8192, writeOnly: true },
    },
  },
  ScalerType: { type: "string", enum: ["QUEUE_DELAY", "REQUEST_COUNT"] },
  SecretEnvMap: {
    type: "object",
    propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
    additionalProperties: { type: "string", maxLength: 32768 },
  },
  SshKeyCreate: {
    type: "object",
    required: ["name", "publicKey"],
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1, maxLength: 128 },
      publicKey: { type: "string", minLength: 16, maxLength: 16384 },
    },
  },
  TemplateCreate: {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1, maxLength: 191 },
      imageName: { type: "string", minLength: 1, maxLength: 512 },
      command: { type: "array", maxItems: 256, items: { type: "string", maxLength: 4096 }, default: [] },
      env: { $ref: "#/components/schemas/EnvMap", default: {} },
      secretEnv: { $ref: "#/components/schemas/SecretEnvMap", default: {} },
      ports: {
        type: "array",
        maxItems: 10,
        items: { type: "string", pattern: "^[0-9]{1,5}/(http|tcp|udp)$" },
        default: [],
      },
      cpuLimit: { type: "number", format: "double", exclusiveMinimum: 0, maximum: 512 },
      memoryLimitMb: { type: "integer", minimum: 16, maximum: 4194304 },
      containerDiskInGb: { type: "integer", minimum: 1, maximum: 65536 },
      containerRegistryAuthId: { $ref: "#/components/schemas/Id" },
      volumeMounts: { type: "array", maxItems: 32, items: { $ref: "#/components/schemas/VolumeMount" }, default: [] },
    },
  },
  VolumeMount: {
    oneOf: [{ $ref: "#/components/schemas/NamedVolumeMount" }, { $ref: "#/components/schemas/HostPathMount" }],
    discriminator: { propertyName: "type" },
  },
  VolumeMountPath: { type: "string", pattern: "^/", maxLength: 4096 },
};
