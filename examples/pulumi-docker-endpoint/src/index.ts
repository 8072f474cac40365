/**
 * The program `pulumi up` runs (package.json `main`): its exports are the stack outputs.
 *
 * @module
 */
import { dockerStack } from "./docker-stack.js";

const outputs = dockerStack();

/** The built image's local id. */
export const imageId = outputs.imageId;
/** The endpoint's id, for `/v2/{endpointId}/run`. */
export const endpointId = outputs.endpointId;
