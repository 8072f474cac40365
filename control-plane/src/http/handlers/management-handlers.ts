import type { ApiKeyService } from "../../management/api-key-service.js";
import type { EndpointService } from "../../management/endpoint-service.js";
import type { RegistryAuthService } from "../../management/registry-auth-service.js";
import type { TemplateService } from "../../management/template-service.js";
import type { EndpointRecord } from "../../store/records.js";
import type { OperationHandlers } from "../operation-types.js";
import { presentApiKey, presentEndpoint, presentRegistryAuth, presentTemplate } from "../presenters.js";

/** The management operations on endpoints, templates and API keys. */
export type ManagementHandlers = Pick<
  OperationHandlers,
  | "listEndpoints"
  | "createEndpoint"
  | "getEndpoint"
  | "updateEndpoint"
  | "deleteEndpoint"
  | "listTemplates"
  | "createTemplate"
  | "getTemplate"
  | "updateTemplate"
  | "deleteTemplate"
  | "listApiKeys"
  | "createApiKey"
  | "getApiKey"
  | "revokeApiKey"
  | "listRegistryAuths"
  | "createRegistryAuth"
  | "getRegistryAuth"
  | "updateRegistryAuth"
  | "deleteRegistryAuth"
>;

/** Binds the management operations to their services. */
export function managementHandlers(services: {
  endpoints: EndpointService;
  templates: TemplateService;
  apiKeys: ApiKeyService;
  registryAuths: RegistryAuthService;
  /** Why an endpoint's workers cannot run right now (the autoscaler knows), if they cannot. */
  endpointReason: (endpointId: string) => string | undefined;
}): ManagementHandlers {
  const { endpoints, templates, apiKeys, registryAuths } = services;
  const present = (endpoint: EndpointRecord) => presentEndpoint(endpoint, services.endpointReason(endpoint.id));
  return {
    listEndpoints: async () => ({ status: 200, body: (await endpoints.list()).map(present) }),
    createEndpoint: async ({ input }) => ({ status: 201, body: present(await endpoints.create(input.body)) }),
    getEndpoint: async ({ input }) => ({
      status: 200,
      body: present(await endpoints.get(input.path.endpointId)),
    }),
    updateEndpoint: async ({ input }) => ({
      status: 200,
      body: present(await endpoints.update(input.path.endpointId, input.body)),
    }),
    deleteEndpoint: async ({ input }) => {
      await endpoints.delete(input.path.endpointId);
      return { status: 204, body: undefined };
    },
    listTemplates: async () => ({ status: 200, body: (await templates.list()).map(presentTemplate) }),
    createTemplate: async ({ input }) => ({ status: 201, body: presentTemplate(await templates.create(input.body)) }),
    getTemplate: async ({ input }) => ({
      status: 200,
      body: presentTemplate(await templates.get(input.path.templateId)),
    }),
    updateTemplate: async ({ input }) => ({
      status: 200,
      body: presentTemplate(await templates.update(input.path.templateId, input.body)),
    }),
    deleteTemplate: async ({ input }) => {
      await templates.delete(input.path.templateId);
      return { status: 204, body: undefined };
    },
    listApiKeys: async () => ({ status: 200, body: (await apiKeys.list()).map(presentApiKey) }),
    createApiKey: async ({ input }) => {
      const { record, secret } = await apiKeys.create(input.body);
      return { status: 201, body: { ...presentApiKey(record), key: secret } };
    },
    getApiKey: async ({ input }) => ({ status: 200, body: presentApiKey(await apiKeys.get(input.path.keyId)) }),
    revokeApiKey: async ({ input }) => {
      await apiKeys.revoke(input.path.keyId);
      return { status: 204, body: undefined };
    },
    listRegistryAuths: async () => ({ status: 200, body: (await registryAuths.list()).map(presentRegistryAuth) }),
    createRegistryAuth: async ({ input }) => ({
      status: 201,
      body: presentRegistryAuth(await registryAuths.create(input.body)),
    }),
    getRegistryAuth: async ({ input }) => ({
      status: 200,
      body: presentRegistryAuth(await registryAuths.get(input.path.registryAuthId)),
    }),
    updateRegistryAuth: async ({ input }) => ({
      status: 200,
      body: presentRegistryAuth(await registryAuths.update(input.path.registryAuthId, input.body)),
    }),
    deleteRegistryAuth: async ({ input }) => {
      await registryAuths.delete(input.path.registryAuthId);
      return { status: 204, body: undefined };
    },
  };
}
