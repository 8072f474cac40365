import type { components } from "@runfleet/sdk/generated";
import { z } from "zod";
import { dataOrGone, expectData } from "./management-client.js";
import { type CheckFailure, type ResourceSpec, ruleFailures } from "./resource-provider.js";
import { envSchema, nameSchema } from "./schema-parts.js";

type Schemas = components["schemas"];

/** The plain inputs of a `Template`: the management API's create body. */
export type TemplateInputs = Schemas["TemplateCreate"];

/** What Pulumi stores for a `Template`: the template as the control plane reports it. */
export type TemplateOutputs = Omit<Schemas["Template"], "id"> & {
  /** The template's id, for `Endpoint.templateId`. */
  templateId: string;
};

/** The contract's rules for template settings. */
export const templateSchema = z.strictObject({
  name: nameSchema,
  imageName: z.string().min(1).max(512).optional(),
  command: z.array(z.string().max(4096)).max(256).optional(),
  env: envSchema.optional(),
  ports: z
    .array(z.string().regex(/^[0-9]{1,5}\/(http|tcp|udp)$/, "must look like 8000/http, 9000/tcp or 53/udp"))
    .max(10)
    .optional(),
  cpuLimit: z.number().gt(0).max(512).optional(),
  memoryLimitMb: z.number().int().min(16).max(4_194_304).optional(),
}) satisfies z.ZodType<TemplateInputs>;

/** A template must run something: an image, a command, or both. */
function checkRunnable(inputs: TemplateInputs): CheckFailure[] {
  if (inputs.imageName !== undefined || (inputs.command !== undefined && inputs.command.length > 0)) {
    return [];
  }
  return ruleFailures("a template needs imageName, command, or both", "imageName", "command");
}

/** How a `Template` maps onto `/v1/templates`. Every setting, the name included, can be PATCHed. */
export const templateSpec: ResourceSpec<TemplateInputs, Schemas["Template"], TemplateOutputs> = {
  noun: "template",
  schema: templateSchema,
  crossChecks: checkRunnable,
  replaceOnChange: [],
  create: (client, body) => expectData("create template", client.POST("/v1/templates", { body })),
  get: (client, templateId) =>
    dataOrGone("read template", client.GET("/v1/templates/{templateId}", { params: { path: { templateId } } })),
  update: (client, templateId, body) =>
    expectData(
      "update template",
      client.PATCH("/v1/templates/{templateId}", { params: { path: { templateId } }, body }),
    ),
  remove: async (client, templateId) => {
    await dataOrGone(
      "delete template",
      client.DELETE("/v1/templates/{templateId}", { params: { path: { templateId } } }),
    );
  },
  idOf: (template) => template.id,
  outputs: ({ id, ...template }) => ({ templateId: id, ...template }),
};
