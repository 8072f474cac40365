import { RESETTABLE_TEMPLATE_SETTINGS, templateSettingsProblems } from "@runfleet/sdk";
import type { components } from "@runfleet/sdk/generated";
import { requestValidator, UNMANAGED_SECRETS } from "./request-validation.js";
import { type CheckFailure, type ResourceSpec, ruleFailures } from "./resource-provider.js";
import { managementCall, unlessGone } from "./runfleet-client.js";
import type { TemplateInputs, TemplateOutputs } from "./types.js";

type Schemas = components["schemas"];

export type { TemplateInputs, TemplateOutputs } from "./types.js";

/** The contract's rules for template settings (`TemplateCreate`). */
export const templateValidator = requestValidator("TemplateCreate", UNMANAGED_SECRETS);

/** The rules that span properties, from `@runfleet/sdk`: the same copy the control plane applies. */
function checkTemplateRules(inputs: TemplateInputs): CheckFailure[] {
  return templateSettingsProblems(inputs).flatMap(({ fields, message }) => ruleFailures(message, ...fields));
}

/**
 * How a `Template` maps onto `/v1/templates`. Every setting, the name included, can be PATCHed; one the
 * program stops declaring returns to its default.
 */
export const templateSpec: ResourceSpec<
  TemplateInputs,
  Schemas["Template"],
  TemplateOutputs,
  Schemas["ResettableTemplateSetting"]
> = {
  noun: "template",
  validator: templateValidator,
  crossChecks: checkTemplateRules,
  replaceOnChange: [],
  resettable: RESETTABLE_TEMPLATE_SETTINGS,
  create: (runfleet, settings) => managementCall("create template", runfleet.templates.create(settings)),
  get: (runfleet, templateId) => unlessGone("read template", runfleet.templates.get(templateId)),
  update: (runfleet, templateId, patch, reset) =>
    managementCall(
      "update template",
      runfleet.templates.update(templateId, reset.length === 0 ? patch : { ...patch, reset }),
    ),
  remove: async (runfleet, templateId) => {
    await unlessGone("delete template", runfleet.templates.delete(templateId));
  },
  idOf: (template) => template.id,
  outputs: ({ id, ...template }) => ({ templateId: id, ...template }),
};
