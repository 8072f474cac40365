/**
 * `@runfleet/pulumi`: Runfleet endpoints, templates, API keys, registry credentials and SSH keys as Pulumi
 * resources. The provider is
 * a Pulumi dynamic provider that calls the control plane's management API (`/v1/...`). It finds the
 * control plane through stack configuration (`runfleet:baseUrl`, and `runfleet:apiKey` as a secret),
 * or the `RUNFLEET_BASE_URL` and `RUNFLEET_API_KEY` environment variables, read when each call is made.
 *
 * @example
 * ```ts
 * import { Endpoint, Template } from "@runfleet/pulumi";
 * const template = new Template("echo", { name: "echo", command: ["node", "worker.js"] });
 * const endpoint = new Endpoint("echo", { name: "echo", templateId: template.templateId, workersMax: 2 });
 * export const endpointId = endpoint.endpointId;
 * ```
 *
 * @module
 */
export { ApiKey, type ApiKeyArgs } from "./api-key.js";
export { Endpoint, type EndpointArgs } from "./endpoint.js";
export { RegistryAuth, type RegistryAuthArgs } from "./registry-auth.js";
export type { DeepInput, ResourceArgs } from "./runfleet-resource.js";
export { CONFIG_KEYS, ENV_KEYS } from "./runtime/connection.js";
export { ControlPlaneUnreachableError, RunfleetApiError } from "./runtime/runfleet-client.js";
export type {
  ApiKeyInputs,
  ApiKeyOutputs,
  EndpointInputs,
  EndpointOutputs,
  RegistryAuthInputs,
  RegistryAuthOutputs,
  ResourceKind,
  SshKeyInputs,
  SshKeyOutputs,
  TemplateInputs,
} from "./runtime/types.js";
export { SshKey, type SshKeyArgs } from "./ssh-key.js";
export { Template, type TemplateArgs, type TemplateOutputs } from "./template.js";
