import type * as pulumi from "@pulumi/pulumi";
import { RESETTABLE_ENDPOINT_SETTINGS } from "@runfleet/sdk";
import { type DeepInput, type ResourceArgs, RunfleetResource } from "./runfleet-resource.js";
import type { EndpointInputs, EndpointOutputs } from "./runtime/types.js";

/**
 * The arguments of an {@link Endpoint}: the management API's endpoint settings (`EndpointCreate` in
 * openapi.yaml), with the API's names (RunPod's). Only `name` and `templateId` are required; settings
 * left out take the control plane's defaults, and a setting removed from the program later returns to
 * its default (the update sends it in `reset`).
 */
export type EndpointArgs = ResourceArgs<Omit<EndpointInputs, "name">> & {
  /**
   * The endpoint's name. @defaultValue the Pulumi resource name plus a random suffix (`echo-3f9a1c2`),
   * chosen once and kept across updates
   */
  name?: DeepInput<string>;
};

/**
 * The outputs every endpoint has, seeded so that Pulumi reports them even when not given as inputs: its
 * settings (the SDK's list, the contract's `ResettableEndpointSetting`) and what the control plane adds.
 */
const ENDPOINT_OUTPUTS = [
  ...RESETTABLE_ENDPOINT_SETTINGS,
  "version",
  "createdAt",
  "updatedAt",
] as const satisfies readonly (keyof EndpointOutputs)[];

/**
 * A Runfleet endpoint: a template plus autoscaling settings, which jobs are sent to. Every setting is
 * changed in place (a PATCH), the endpoint keeps its id, and `pulumi refresh` notices an endpoint
 * deleted outside Pulumi. Type token `pulumi-nodejs:dynamic/runfleet:Endpoint`.
 *
 * @example
 * ```ts
 * const endpoint = new Endpoint("echo", {
 *   name: "echo",
 *   templateId: template.templateId,
 *   computeType: "CPU",
 *   workersMin: 0,
 *   workersMax: 3,
 *   idleTimeout: 30,
 * });
 * export const endpointId = endpoint.endpointId;
 * ```
 */
export class Endpoint extends RunfleetResource {
  /**
   * The endpoint's id, used in job URLs (`/v2/{endpointId}/run`). It is the resource's id, so a preview
   * knows it for an endpoint that exists (and resources using it see no false change).
   */
  declare readonly endpointId: pulumi.Output<string>;
  /** The endpoint's name. */
  declare readonly name: pulumi.Output<string>;
  /** The template its workers run. */
  declare readonly templateId: pulumi.Output<string>;
  /** How jobs reach workers: `QUEUE` (RunPod's queue) or `LOAD_BALANCER` (HTTP to the workers). */
  declare readonly type: pulumi.Output<EndpointOutputs["type"]>;
  /** Whether workers need GPUs. */
  declare readonly computeType: pulumi.Output<EndpointOutputs["computeType"]>;
  /** Acceptable GPU types, in priority order. */
  declare readonly gpuTypeIds: pulumi.Output<string[]>;
  /** GPUs per worker. */
  declare readonly gpuCount: pulumi.Output<number>;
  /** Workers kept running without jobs. */
  declare readonly workersMin: pulumi.Output<number>;
  /** Most workers at once. */
  declare readonly workersMax: pulumi.Output<number>;
  /** Idle seconds before a worker is stopped. */
  declare readonly idleTimeout: pulumi.Output<number>;
  /** How the autoscaler decides. */
  declare readonly scalerType: pulumi.Output<EndpointOutputs["scalerType"]>;
  /** The scaler's threshold. */
  declare readonly scalerValue: pulumi.Output<number>;
  /** Longest a job may run once taken, in milliseconds. */
  declare readonly executionTimeoutMs: pulumi.Output<number>;
  /** Whether scaled-down workers are kept as paused standbys. */
  declare readonly flashboot: pulumi.Output<boolean>;
  /** Environment given to workers; secret when any input value was secret. */
  declare readonly env: pulumi.Output<Record<string, string>>;
  /** The names of the secret environment variables, each with the value `********` (never the values). */
  declare readonly secretEnv: pulumi.Output<EndpointOutputs["secretEnv"]>;
  /** The driver override, or null for the control plane's default. */
  declare readonly driver: pulumi.Output<EndpointOutputs["driver"]>;
  /** Bumped whenever the template or env changes (workers roll over). */
  declare readonly version: pulumi.Output<number>;
  /** When the endpoint was created (RFC 3339). */
  declare readonly createdAt: pulumi.Output<string>;
  /** When the endpoint last changed (RFC 3339). */
  declare readonly updatedAt: pulumi.Output<string>;

  /** Declares an endpoint; `name` is the Pulumi resource name, `args.name` the endpoint's own. */
  constructor(name: string, args: EndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super("endpoint", name, args, ENDPOINT_OUTPUTS, opts);
    this.endpointId = this.id;
  }

  /**
   * Reads an existing endpoint (made with curl, the CLI or another stack) without managing it: its
   * outputs are the endpoint's current settings, and this stack never changes or deletes it.
   *
   * @param name - the Pulumi resource name to give it in this stack
   * @param id - the endpoint's id (`ep_...`)
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Endpoint {
    return new Endpoint(name, undefined as unknown as EndpointArgs, { ...opts, id });
  }
}
