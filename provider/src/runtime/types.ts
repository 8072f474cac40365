/**
 * The plain (resolved) inputs and the stored outputs of each resource kind, as types only: derived from
 * the management API's schemas, with nothing that needs a runtime library. The resource classes in the
 * main entry import these, so a program's type check (Pulumi's standard CommonJS settings, which check
 * library declarations too) never reaches the validation code and its dependencies.
 *
 * @module
 */
import type { components } from "@runfleet/sdk/generated";

type Schemas = components["schemas"];

/** The kinds of resource this package provides. */
export type ResourceKind = "endpoint" | "template" | "apiKey" | "registryAuth" | "sshKey";

/** The plain inputs of an `Endpoint`: the management API's create body. */
export type EndpointInputs = Schemas["EndpointCreate"];

/** What Pulumi stores for an `Endpoint`: the endpoint as the control plane reports it. */
export type EndpointOutputs = Omit<Schemas["Endpoint"], "id"> & {
  /** The endpoint's id, the one job requests use (`/v2/{endpointId}/run`). */
  endpointId: string;
};

/** The plain inputs of a `Template`: the management API's create body. */
export type TemplateInputs = Schemas["TemplateCreate"];

/** What Pulumi stores for a `Template`: the template as the control plane reports it. */
export type TemplateOutputs = Omit<Schemas["Template"], "id"> & {
  /** The template's id, for `Endpoint.templateId`. */
  templateId: string;
};

/** The plain inputs of a `RegistryAuth`: the management API's create body. */
export type RegistryAuthInputs = Schemas["RegistryAuthCreate"];

/** What Pulumi stores for a `RegistryAuth`. `password` is the secret the program gave (the API never shows it). */
export type RegistryAuthOutputs = Omit<Schemas["RegistryAuth"], "id"> & {
  /** The credentials' id, for `Template.containerRegistryAuthId`. */
  registryAuthId: string;
  /** The password, as last sent; stored encrypted, as a Pulumi secret. Absent for `RegistryAuth.get`. */
  password?: string;
};

/** The plain inputs of an `ApiKey`: the management API's create body. */
export type ApiKeyInputs = Schemas["ApiKeyCreate"];

/** What Pulumi stores for an `ApiKey`. `key` is the secret, shown by the API only at creation. */
export type ApiKeyOutputs = Omit<Schemas["ApiKey"], "id" | "lastUsedAt" | "revokedAt"> & {
  /** The key's id (not its secret). */
  keyId: string;
  /**
   * The secret to send as a bearer token; stored encrypted, as a Pulumi secret. Absent only for a key
   * read with `ApiKey.get`: the API shows a secret once, when the key is created.
   */
  key?: string;
};

/** The plain inputs of an `SshKey`: the management API's create body. */
export type SshKeyInputs = Schemas["SshKeyCreate"];

/** What Pulumi stores for an `SshKey`; `lastUsedAt` is left out, so that refreshes do not churn. */
export type SshKeyOutputs = Omit<Schemas["SshKey"], "id" | "lastUsedAt"> & {
  /** The key's id (`ssh_...`). */
  sshKeyId: string;
};
