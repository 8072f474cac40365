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
