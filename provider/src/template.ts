import type * as pulumi from "@pulumi/pulumi";
import { RESETTABLE_TEMPLATE_SETTINGS } from "@runfleet/sdk";
import { type DeepInput, type ResourceArgs, RunfleetResource } from "./runfleet-resource.js";
import type { TemplateInputs, TemplateOutputs } from "./runtime/types.js";

/**
 * The arguments of a {@link Template}: the management API's template settings (`TemplateCreate` in
 * openapi.yaml). `name` is required and unique; a template needs `imageName`, `command`, or both.
 */
export type TemplateArgs = ResourceArgs<Omit<TemplateInputs, "name">> & {
  /**
   * The template's unique name. @defaultValue the Pulumi resource name plus a random suffix, chosen once
   * and kept across updates
   */
  name?: DeepInput<string>;
};

/**
 * The outputs every template has, seeded so that Pulumi reports them even when not given as inputs: its
 * settings (the SDK's list, the contract's `ResettableTemplateSetting`) and what the control plane adds.
 */
const TEMPLATE_OUTPUTS = [
  ...RESETTABLE_TEMPLATE_SETTINGS,
  "version",
  "createdAt",
  "updatedAt",
] as const satisfies readonly (keyof TemplateOutputs)[];

/**
 * A Runfleet template: what a worker runs (an image for container drivers, a command for the process
 * driver, env, limits). Every setting, the name included, changes in place; endpoints using it roll
 * their workers over. Type token `pulumi-nodejs:dynamic/runfleet:Template`.
 *
 * @example
 * ```ts
 * const template = new Template("echo", {
 *   name: "echo-worker",
 *   command: ["node", "examples/echo-worker/dist/worker.js"],
 *   env: { GREETING: "hello", TOKEN: pulumi.secret("s3cr3t") },
 * });
 * ```
 */
export class Template extends RunfleetResource {
  /** The template's id, for {@link EndpointArgs.templateId}; the resource's id, so known in previews. */
  declare readonly templateId: pulumi.Output<string>;
  /** The template's unique name. */
  declare readonly name: pulumi.Output<string>;
  /** The container image, or null. */
  declare readonly imageName: pulumi.Output<string | null>;
  /** The command line; empty means the image's own. */
  declare readonly command: pulumi.Output<string[]>;
  /** Environment given to workers; secret when any input value was secret. */
  declare readonly env: pulumi.Output<Record<string, string>>;
  /** The names of the secret environment variables, each with the value `********` (never the values). */
  declare readonly secretEnv: pulumi.Output<TemplateOutputs["secretEnv"]>;
  /** Exposed ports, as `port/protocol`. */
  declare readonly ports: pulumi.Output<string[]>;
  /** CPU cores a container worker may use, or null. */
  declare readonly cpuLimit: pulumi.Output<number | null>;
  /** Memory a container worker may use in MiB, or null. */
  declare readonly memoryLimitMb: pulumi.Output<number | null>;
  /** The container's disk size in GB (RunPod's `containerDiskInGb`), where the driver can limit it. */
  declare readonly containerDiskInGb: pulumi.Output<number | null>;
  /** Volumes mounted into container workers: named volumes (model caches) and host directories. */
  declare readonly volumeMounts: pulumi.Output<TemplateOutputs["volumeMounts"]>;
  /** The registry credentials private images are pulled with, or null. */
  declare readonly containerRegistryAuthId: pulumi.Output<TemplateOutputs["containerRegistryAuthId"]>;
  /** Bumped on every change. */
  declare readonly version: pulumi.Output<number>;
  /** When the template was created (RFC 3339). */
  declare readonly createdAt: pulumi.Output<string>;
  /** When the template last changed (RFC 3339). */
  declare readonly updatedAt: pulumi.Output<string>;

  /** Declares a template; `name` is the Pulumi resource name, `args.name` the template's own. */
  constructor(name: string, args: TemplateArgs, opts?: pulumi.CustomResourceOptions) {
    super("template", name, args, TEMPLATE_OUTPUTS, opts);
    this.templateId = this.id;
  }

  /**
   * Reads an existing template without managing it: this stack never changes or deletes it.
   *
   * @param name - the Pulumi resource name to give it in this stack
   * @param id - the template's id (`tpl_...`)
   */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Template {
    return new Template(name, undefined as unknown as TemplateArgs, { ...opts, id });
  }
}

/** The outputs of a template, for code that reads them. */
export type { TemplateOutputs };
