import { endpointSettingsProblems, RESETTABLE_ENDPOINT_SETTINGS } from "@runfleet/sdk";
import type { components } from "@runfleet/sdk/generated";
import { requestValidator, UNMANAGED_SECRETS } from "./request-validation.js";
import { type CheckFailure, type ResourceSpec, ruleFailures } from "./resource-provider.js";
import { managementCall, unlessGone } from "./runfleet-client.js";
import type { EndpointInputs, EndpointOutputs } from "./types.js";

type Schemas = components["schemas"];

export type { EndpointInputs, EndpointOutputs } from "./types.js";

/** The contract's rules for endpoint settings (`EndpointCreate`), so `pulumi preview` rejects what the API would. */
export const endpointValidator = requestValidator("EndpointCreate", UNMANAGED_SECRETS);

/**
 * The cross-property rules, from `@runfleet/sdk`: the same copy the control plane applies, checked here on
 * the properties the program sets (a rule whose fields are left to the control plane's defaults is
 * answered by the control plane itself).
 */
function checkCrossFieldRules(inputs: EndpointInputs): CheckFailure[] {
  return endpointSettingsProblems(inputs).flatMap(({ fields, message }) => ruleFailures(message, ...fields));
}

/**
 * How an `Endpoint` maps onto `/v1/endpoints`. Every setting can be PATCHed, so nothing replaces; one the
 * program stops declaring returns to the control plane's default.
 */
export const endpointSpec: ResourceSpec<
  EndpointInputs,
  Schemas["Endpoint"],
  EndpointOutputs,
  Schemas["ResettableEndpointSetting"]
> = {
  noun: "endpoint",
  validator: endpointValidator,
  crossChecks: checkCrossFieldRules,
  replaceOnChange: [],
  resettable: RESETTABLE_ENDPOINT_SETTINGS,
  create: (runfleet, settings) => managementCall("create endpoint", runfleet.endpoints.create(settings)),
  get: (runfleet, endpointId) => unlessGone("read endpoint", runfleet.endpoints.get(endpointId)),
  update: (runfleet, endpointId, patch, reset) =>
    managementCall(
      "update endpoint",
      runfleet.endpoints.update(endpointId, reset.length === 0 ? patch : { ...patch, reset }),
    ),
  remove: async (runfleet, endpointId) => {
    await unlessGone("delete endpoint", runfleet.endpoints.delete(endpointId));
  },
  idOf: (endpoint) => endpoint.id,
  outputs: ({ id, ...endpoint }) => ({ endpointId: id, ...endpoint }),
};
