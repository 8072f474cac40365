import * as pulumi from "@pulumi/pulumi";
import { ApiKey, Endpoint, Template } from "@runfleet/pulumi";

/** The project name, as in Pulumi.yaml; it is also the namespace of the settings below. */
export const PROJECT_NAME = "runfleet-pulumi-endpoint";

/** What the stack exports. */
export interface EchoStackOutputs {
  /** The endpoint's id, for `/v2/{endpointId}/run`. */
  endpointId: pulumi.Output<string>;
  /** The template's id. */
  templateId: pulumi.Output<string>;
  /** The endpoint's effective maximum, as the control plane reports it. */
  workersMax: pulumi.Output<number>;
  /** An `invoke` key limited to this endpoint, for the application that sends jobs (a secret). */
  clientKey: pulumi.Output<string>;
}

/**
 * Declares the echo worker's template, a CPU endpoint that scales it between `workersMin` and
 * `workersMax`, and an API key that may only send jobs to that endpoint. Stack settings (`pulumi config set <key> <value>`), each with the example's default:
 * - `workersMin` (0), `workersMax` (2), `idleTimeout` seconds (30);
 * - `workerCommand`, a JSON array run by the control plane's process driver from its working directory
 *   (`["node", "examples/echo-worker/dist/worker.js"]`);
 * - `workerToken`, optional and secret (`--secret`): given to workers as `WORKER_TOKEN`, and stored
 *   encrypted in state.
 */
export function echoStack(): EchoStackOutputs {
  const config = new pulumi.Config(PROJECT_NAME);
  const workerToken = config.getSecret("workerToken");
  const template = new Template("echo", {
    name: `echo-${pulumi.getStack()}`,
    command: config.getObject<string[]>("workerCommand") ?? ["node", "examples/echo-worker/dist/worker.js"],
    env: workerToken === undefined ? { GREETING: "hello" } : { GREETING: "hello", WORKER_TOKEN: workerToken },
  });
  const endpoint = new Endpoint("echo", {
    name: "echo",
    templateId: template.templateId,
    computeType: "CPU",
    workersMin: config.getNumber("workersMin") ?? 0,
    workersMax: config.getNumber("workersMax") ?? 2,
    idleTimeout: config.getNumber("idleTimeout") ?? 30,
    scalerType: "QUEUE_DELAY",
    scalerValue: 1,
  });
  const clientKey = new ApiKey("echo-client", {
    name: "echo-client",
    scope: "invoke",
    endpointIds: [endpoint.endpointId],
  });
  return {
    endpointId: endpoint.endpointId,
    templateId: template.templateId,
    workersMax: endpoint.workersMax,
    clientKey: clientKey.key,
  };
}
