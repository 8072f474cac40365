/**
 * `@runfleet/pulumi/runtime`: what the Pulumi provider process runs. The resources in the main entry
 * serialize only a thin provider that imports this module by name at call time, so state stays small,
 * holds no credentials, and a fix here needs no re-serialization. Tests use {@link createProviders}.
 *
 * @module
 */
import type { dynamic } from "@pulumi/pulumi";
import { type ApiKeyInputs, type ApiKeyOutputs, apiKeySpec } from "./api-key-spec.js";
import { ConnectionSettings } from "./connection.js";
import { type EndpointInputs, type EndpointOutputs, endpointSpec } from "./endpoint-spec.js";
import { type RegistryAuthInputs, type RegistryAuthOutputs, registryAuthSpec } from "./registry-auth-spec.js";
import { type ResourceProviderOptions, RunfleetResourceProvider } from "./resource-provider.js";
import { type SshKeyInputs, type SshKeyOutputs, sshKeySpec } from "./ssh-key-spec.js";
import { type TemplateInputs, type TemplateOutputs, templateSpec } from "./template-spec.js";

export type { ApiKeyInputs, ApiKeyOutputs } from "./api-key-spec.js";
export { apiKeySpec } from "./api-key-spec.js";
export { CONFIG_KEYS, type Connection, ConnectionSettings, ENV_KEYS } from "./connection.js";
export type { EndpointInputs, EndpointOutputs } from "./endpoint-spec.js";
export { endpointSpec } from "./endpoint-spec.js";
export type { RegistryAuthInputs, RegistryAuthOutputs } from "./registry-auth-spec.js";
export { registryAuthSpec } from "./registry-auth-spec.js";
export { type RequestValidator, requestValidator, UNMANAGED_SECRETS } from "./request-validation.js";
export {
  type CheckFailure,
  type ResourceProviderOptions,
  type ResourceSpec,
  RunfleetResourceProvider,
} from "./resource-provider.js";
export { ControlPlaneUnreachableError, type FetchFunction, RunfleetApiError } from "./runfleet-client.js";
export type { SshKeyInputs, SshKeyOutputs } from "./ssh-key-spec.js";
export { sshKeySpec } from "./ssh-key-spec.js";
export type { TemplateInputs, TemplateOutputs } from "./template-spec.js";
export { templateSpec } from "./template-spec.js";

export type { ResourceKind } from "./types.js";

/** One provider implementation per resource kind, sharing one set of connection settings. */
export interface RunfleetProviders {
  /** The settings `configure` fills from stack configuration. */
  readonly connection: ConnectionSettings;
  /** Takes `runfleet:baseUrl` and `runfleet:apiKey` from the stack configuration. */
  configure(request: dynamic.ConfigureRequest): void;
  readonly endpoint: dynamic.ResourceProvider<EndpointInputs, EndpointOutputs>;
  readonly template: dynamic.ResourceProvider<TemplateInputs, TemplateOutputs>;
  readonly apiKey: dynamic.ResourceProvider<ApiKeyInputs, ApiKeyOutputs>;
  readonly registryAuth: dynamic.ResourceProvider<RegistryAuthInputs, RegistryAuthOutputs>;
  readonly sshKey: dynamic.ResourceProvider<SshKeyInputs, SshKeyOutputs>;
}

/** Builds the provider implementations; the provider process uses {@link providers}, tests build their own. */
export function createProviders(options: ResourceProviderOptions = {}): RunfleetProviders {
  const connection = new ConnectionSettings();
  return {
    connection,
    configure: (request) => connection.configure(request),
    endpoint: new RunfleetResourceProvider(endpointSpec, connection, options),
    template: new RunfleetResourceProvider(templateSpec, connection, options),
    apiKey: new RunfleetResourceProvider(apiKeySpec, connection, options),
    registryAuth: new RunfleetResourceProvider(registryAuthSpec, connection, options),
    sshKey: new RunfleetResourceProvider(sshKeySpec, connection, options),
  };
}

/** The implementations the provider process uses: one per process, configured by the engine. */
export const providers: RunfleetProviders = createProviders();
