import type * as pulumi from "@pulumi/pulumi";
import { type ResourceArgs, RunfleetResource } from "./runfleet-resource.js";
import type { TemplateInputs, TemplateOutputs } from "./runtime/index.js";

/**
 * The arguments of a {@link Template}: the management API's template settings (`TemplateCreate` in
 * openapi.yaml). `name` is required and unique; a template needs `imageName`, `command`, or both.
 */
export type TemplateArgs = ResourceArgs<TemplateInputs>;

const TEMPLATE_OUTPUTS = [
  "templateId",
  "imageName",
  "command",
  "env",
  "ports",
  "cpuLimit",
  "memoryLimitMb",
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
  /** The template's id, for {@link EndpointArgs.templateId}. */
  declare readonly templateId: pulumi.Output<string>;
  /** The template's unique name. */
  declare readonly name: pulumi.Output<string>;
  /** The container image, or null. */
  declare readonly imageName: pulumi.Output<string | null>;
  /** The command line; empty means the image's own. */
  declare readonly command: pulumi.Output<string[]>;
  /** Environment given to workers; secret when any input value was secret. */
  declare readonly env: pulumi.Output<Record<string, string>>;
  /** Exposed ports, as `port/protocol`. */
  declare readonly ports: pulumi.Output<string[]>;
  /** CPU cores a container worker may use, or null. */
  declare readonly cpuLimit: pulumi.Output<number | null>;
  /** Memory a container worker may use in MiB, or null. */
  declare readonly memoryLimitMb: pulumi.Output<number | null>;
  /** Bumped on every change. */
  declare readonly version: pulumi.Output<number>;
  /** When the template was created (RFC 3339). */
  declare readonly createdAt: pulumi.Output<string>;
  /** When the template last changed (RFC 3339). */
  declare readonly updatedAt: pulumi.Output<string>;

  /** Declares a template; `name` is the Pulumi resource name, `args.name` the template's own. */
  constructor(name: string, args: TemplateArgs, opts?: pulumi.CustomResourceOptions) {
    super("template", name, args, TEMPLATE_OUTPUTS, opts);
  }
}

/** The outputs of a template, for code that reads them. */
export type { TemplateOutputs };
