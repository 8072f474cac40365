import type { components } from "@runfleet/sdk";
import { assignDefined, booleanFlag, envFlags, integerFlag, specFile } from "./cli-arguments.js";
import { COMMON_USAGE, type CommandContext, parseCommand } from "./cli-context.js";
import { usageError } from "./cli-errors.js";
import { type CliOutput, fields, json, table } from "./cli-output.js";

type Schemas = components["schemas"];

/** Usage of `runfleet endpoints`. */
export const ENDPOINTS_USAGE = `Usage:
  runfleet endpoints ls
  runfleet endpoints get <endpointId>
  runfleet endpoints create [--file spec.yaml] [settings]
  runfleet endpoints update <endpointId> [--file spec.yaml] [settings]
  runfleet endpoints rm <endpointId>

Settings (flags win over the file; the file holds the same fields in the API's names, YAML or JSON):
  --name NAME                  --template-id ID          --compute-type GPU|CPU
  --workers-min N              --workers-max N           --idle-timeout SECONDS
  --scaler-type QUEUE_DELAY|REQUEST_COUNT                --scaler-value N
  --execution-timeout-ms MS    --flashboot true|false    --gpu-count N
  --gpu-type ID (repeatable)   --env KEY=VALUE (repeatable)

${COMMON_USAGE}`;

const OPTIONS = {
  file: { type: "string", short: "f" },
  name: { type: "string" },
  "template-id": { type: "string" },
  "compute-type": { type: "string" },
  "workers-min": { type: "string" },
  "workers-max": { type: "string" },
  "idle-timeout": { type: "string" },
  "scaler-type": { type: "string" },
  "scaler-value": { type: "string" },
  "execution-timeout-ms": { type: "string" },
  flashboot: { type: "string" },
  "gpu-count": { type: "string" },
  "gpu-type": { type: "string", multiple: true },
  env: { type: "string", multiple: true },
} as const;

/** `runfleet endpoints ls|get|create|update|rm`. */
export async function endpointsCommand(args: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  const context = parseCommand(args, OPTIONS, ENDPOINTS_USAGE, env, output);
  if (context === undefined) {
    return;
  }
  const [action, endpointId] = context.positionals;
  const runfleet = context.client;
  switch (action) {
    case "ls": {
      const endpoints = await runfleet().endpoints.list();
      output.out(
        context.json
          ? json(endpoints)
          : table(
              ["ID", "NAME", "TEMPLATE", "COMPUTE", "WORKERS", "SCALER", "IDLE", "VERSION"],
              endpoints.map((e) => [
                e.id,
                e.name,
                e.templateId,
                e.computeType,
                `${e.workersMin}-${e.workersMax}`,
                `${e.scalerType}:${e.scalerValue}`,
                `${e.idleTimeout}s`,
                String(e.version),
              ]),
            ),
      );
      return;
    }
    case "get":
      output.out(show(context, await runfleet().endpoints.get(need(endpointId, "an endpoint id"))));
      return;
    case "create": {
      const settings = settingsFrom(context) as Schemas["EndpointCreate"];
      if (!settings.name || !settings.templateId) {
        throw usageError("endpoints create needs --name and --template-id (or both in --file)", ENDPOINTS_USAGE);
      }
      const created = await runfleet().endpoints.create(settings);
      output.out(context.json ? json(created) : `created endpoint ${created.id} (${created.name})\n`);
      return;
    }
    case "update": {
      const id = need(endpointId, "an endpoint id");
      const changes = settingsFrom(context);
      if (Object.keys(changes).length === 0) {
        throw usageError("endpoints update needs at least one setting to change", ENDPOINTS_USAGE);
      }
      output.out(show(context, await runfleet().endpoints.update(id, changes)));
      return;
    }
    case "rm": {
      const id = need(endpointId, "an endpoint id");
      await runfleet().endpoints.delete(id);
      output.out(context.json ? json({ id, deleted: true }) : `deleted endpoint ${id}\n`);
      return;
    }
    default:
      throw usageError(action ? `unknown action "${action}"` : "missing action", ENDPOINTS_USAGE);
  }
}

function need(value: string | undefined, what: string): string {
  if (!value) {
    throw usageError(`missing ${what}`, ENDPOINTS_USAGE);
  }
  return value;
}

function show(context: { json: boolean }, endpoint: Schemas["Endpoint"]): string {
  return context.json ? json(endpoint) : fields(endpoint);
}

/** The settings of `--file` overlaid with the flags; the server validates them (and names bad fields). */
function settingsFrom(context: CommandContext<Record<string, unknown>>): Schemas["EndpointUpdate"] {
  const v = context.values as {
    [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : string;
  };
  const base = (v.file ? specFile("--file", v.file) : {}) as Schemas["EndpointUpdate"];
  return assignDefined(base, {
    name: v.name,
    templateId: v["template-id"],
    computeType: v["compute-type"] as Schemas["ComputeType"] | undefined,
    workersMin: integerFlag("--workers-min", v["workers-min"]),
    workersMax: integerFlag("--workers-max", v["workers-max"]),
    idleTimeout: integerFlag("--idle-timeout", v["idle-timeout"]),
    scalerType: v["scaler-type"] as Schemas["ScalerType"] | undefined,
    scalerValue: integerFlag("--scaler-value", v["scaler-value"]),
    executionTimeoutMs: integerFlag("--execution-timeout-ms", v["execution-timeout-ms"]),
    flashboot: booleanFlag("--flashboot", v.flashboot),
    gpuCount: integerFlag("--gpu-count", v["gpu-count"]),
    gpuTypeIds: v["gpu-type"],
    env: envFlags(v.env),
  });
}
