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
  /** The endpoint's name: the resource name `pulumi-echo` plus a suffix Pulumi-style autonaming chose. */
  endpointName: pulumi.Output<string>;
  /** With `existingEndpointId` set: that endpoint's `workersMax`, read with `Endpoint.get`. */
  existingWorkersMax?: pulumi.Output<number>;
}

/**
 * Declares the echo worker's template, a CPU endpoint that scales it between `workersMin` and
 * `workersMax`, and an API key that may only send jobs to that endpoint. Stack settings (`pulumi config set <key> <value>`), each with the example's default:
 * - `workersMin` (0), `workersMax` (2), `idleTimeout` seconds (30);
 * - `flashboot`, optional: keep scaled-down workers as paused standbys. Removing the setting later
 *   returns the endpoint to the control plane's default (off), as removing any property does;
 * - `templateName` (`echo-<stack>`): the template is declared with `replaceOnChanges: ["name"]`, so a
 *   rename creates a new template, moves the endpoint to it, and then deletes the old one;
 * - `workerCommand`, a JSON array run by the control plane's process driver from its working directory
 *   (`["node", "examples/echo-worker/dist/worker.js"]`);
 * - `workerToken`, optional and secret (`--secret`): given to workers as `WORKER_TOKEN`, and stored
 *   encrypted in state;
 * - `existingEndpointId`, optional: an endpoint made outside this stack, read (not managed) with
 *   `Endpoint.get`.
 *
 * The endpoint and the key have no `name`: they are named after their resource names with a random
 * suffix (so the endpoint does not clash with the `echo` endpoint that `runfleet serve` seeds).
 */
export function echoStack(): EchoStackOutputs {
  const config = new pulumi.Config(PROJECT_NAME);
  const workerToken = config.getSecret("workerToken");
  const template = new Template(
    "echo",
    {
      name: config.get("templateName") ?? `echo-${pulumi.getStack()}`,
      command: config.getObject<string[]>("workerCommand") ?? ["node", "examples/echo-worker/dist/worker.js"],
      env: workerToken === undefined ? { GREETING: "hello" } : { GREETING: "hello", WORKER_TOKEN: workerToken },
    },
    // A template could be renamed in place; this stack wants a fresh one per name (a new version side by
    // side, the endpoint moved over, the old one deleted), which the resource option asks of the engine.
    { replaceOnChanges: ["name"] },
  );
  const endpoint = new Endpoint("pulumi-echo", {
    templateId: template.templateId,
    computeType: "CPU",
    workersMin: config.getNumber("workersMin") ?? 0,
    workersMax: config.getNumber("workersMax") ?? 2,
    idleTimeout: config.getNumber("idleTimeout") ?? 30,
    flashboot: config.getBoolean("flashboot"),
    scalerType: "QUEUE_DELAY",
    scalerValue: 1,
  });
  const clientKey = new ApiKey("echo-client", {
    scope: "invoke",
    endpointIds: [endpoint.endpointId],
  });
  const existingEndpointId = config.get("existingEndpointId");
  const existing = existingEndpointId === undefined ? undefined : Endpoint.get("existing", existingEndpointId);
  return {
    endpointId: endpoint.endpointId,
    templateId: template.templateId,
    workersMax: endpoint.workersMax,
    clientKey: clientKey.key,
    endpointName: endpoint.name,
    ...(existing === undefined ? {} : { existingWorkersMax: existing.workersMax }),
  };
}
