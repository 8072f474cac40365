/**
 * The program `pulumi up` runs (Pulumi.yaml `main: dist/index.js`): its exports are the stack outputs.
 *
 * @module
 */
import { echoStack } from "./echo-stack.js";

const outputs = echoStack();

/** The endpoint's id, for `/v2/{endpointId}/run`. */
export const endpointId = outputs.endpointId;
/** The template's id. */
export const templateId = outputs.templateId;
/** The endpoint's effective maximum number of workers. */
export const workersMax = outputs.workersMax;
/** An `invoke` key for this endpoint only (a secret: `pulumi stack output clientKey --show-secrets`). */
export const clientKey = outputs.clientKey;
/** The endpoint's name, chosen by autonaming (`pulumi-echo-<suffix>`). */
export const endpointName = outputs.endpointName;
/** With the `existingEndpointId` setting: that endpoint's `workersMax`, read with `Endpoint.get`. */
export const existingWorkersMax = outputs.existingWorkersMax ?? null; // null, not undefined: no warning
