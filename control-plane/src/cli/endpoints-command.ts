import { type components, RESETTABLE_ENDPOINT_SETTINGS } from "@runfleet/sdk";
import { assignDefined, booleanFlag, durationFlag, envFlags, integerFlag, specFile } from "./cli-arguments.js";
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
  runfleet endpoints usage <endpointId> [--from TIME] [--to TIME] [--window 24h] [--per-worker]
  runfleet endpoints advice <endpointId> [--window 24h]

Settings (flags win over the file; the file holds the same fields in the API's names, YAML or JSON):
  --name NAME                  --template-id ID          --compute-type GPU|CPU
  --type QUEUE|LOAD_BALANCER   (LOAD_BALANCER: requests to /lb/<endpointId>/... go to the workers' own
                               HTTP servers on $PORT; see docs/load-balancing.md)
  --workers-min N              --workers-max N           --idle-timeout SECONDS
  --scaler-type QUEUE_DELAY|REQUEST_COUNT                --scaler-value N
  --execution-timeout-ms MS    --flashboot true|false    --gpu-count N
  --gpu-type ID (repeatable)   --env KEY=VALUE (repeatable)
  --reset SETTING (update only, repeatable): return a setting to its default, e.g. --reset flashboot

Usage and advice: --from/--to take RFC 3339 times (default: the last --window, 24h); --per-worker lists
each worker's time too. Advice checks the history for autoscaling pitfalls and simulates a fix.

${COMMON_USAGE}`;

const OPTIONS = {
  file: { type: "string", short: "f" },
  name: { type: "string" },
  "template-id": { type: "string" },
  "compute-type": { type: "string" },
  type: { type: "string" },
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
  reset: { type: "string", multiple: true },
  from: { type: "string" },
  to: { type: "string" },
  window: { type: "string" },
  "per-worker": { type: "boolean" },
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
              ["ID", "NAME", "TYPE", "TEMPLATE", "COMPUTE", "WORKERS", "SCALER", "IDLE", "VERSION"],
              endpoints.map((e) => [
                e.id,
                e.name,
                e.type,
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
      const reset = resetFlags(context.values.reset as string[] | undefined);
      if (reset !== undefined) {
        changes.reset = [...(changes.reset ?? []), ...reset];
      }
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
    case "usage": {
      const id = need(endpointId, "an endpoint id");
      const v = context.values as { from?: string; to?: string; window?: string; "per-worker"?: boolean };
      const to = v.to === undefined ? new Date() : timeFlag("--to", v.to);
      const from =
        v.from === undefined
          ? new Date(to.getTime() - durationFlag("--window", v.window ?? "24h"))
          : timeFlag("--from", v.from);
      const usage = await runfleet().endpoints.usage(id, { from, to });
      output.out(context.json ? json(usage) : usageTable(usage, v["per-worker"] === true));
      return;
    }
    case "advice": {
      const id = need(endpointId, "an endpoint id");
      const window = (context.values as { window?: string }).window ?? "24h";
      const advice = await runfleet().endpoints.advice(id, {
        windowSeconds: Math.round(durationFlag("--window", window) / 1000),
      });
      if (context.json) {
        output.out(json(advice));
      } else if (advice.advisories.length === 0) {
        output.out(`no autoscaling pitfall found in the last ${window} (${advice.jobs} jobs)\n`);
      } else {
        output.out(
          `${advice.advisories.length} advisory(ies) from the last ${window} (${advice.jobs} jobs, cold start ${advice.coldStartMs === null ? "not measured" : `${Math.round(advice.coldStartMs)} ms`}):\n`,
        );
        for (const advisory of advice.advisories) {
          output.out(`- [${advisory.severity}] ${advisory.rule}: ${advisory.message}\n`);
        }
      }
      return;
    }
    default:
      throw usageError(action ? `unknown action "${action}"` : "missing action", ENDPOINTS_USAGE);
  }
}

function timeFlag(flag: string, value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw usageError(`${flag} must be an RFC 3339 time such as 2026-12-01T00:00:00Z, got "${value}"`);
  }
  return date;
}

const STATES = ["initializing", "running", "idle", "standby", "throttled", "stopping", "unhealthy"] as const;

function usageTable(usage: Schemas["EndpointUsage"], perWorker: boolean): string {
  const cells = (id: string, u: { seconds: Schemas["UsageSeconds"]; workerSeconds: number; gpuSeconds: number }) => [
    id,
    ...STATES.map((state) => u.seconds[state].toFixed(1)),
    u.workerSeconds.toFixed(1),
    u.gpuSeconds.toFixed(1),
  ];
  const header = ["WORKER", ...STATES.map((s) => s.toUpperCase()), "TOTAL W-S", "GPU-S"];
  const rows = [cells("(endpoint)", usage), ...(perWorker ? usage.workers.map((w) => cells(w.workerId, w)) : [])];
  return `${usage.endpointId} from ${usage.from} to ${usage.to} (seconds)\n${table(header, rows)}`;
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
    type: endpointTypeFlag(v.type),
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

/** `--reset`, checked here so that a typo is named before anything is sent. */
function resetFlags(values: string[] | undefined): Schemas["ResettableEndpointSetting"][] | undefined {
  if (values === undefined || values.length === 0) {
    return undefined;
  }
  for (const value of values) {
    if (!(RESETTABLE_ENDPOINT_SETTINGS as readonly string[]).includes(value)) {
      throw usageError(
        `--reset takes one of ${RESETTABLE_ENDPOINT_SETTINGS.join(", ")}, not "${value}"`,
        ENDPOINTS_USAGE,
      );
    }
  }
  return values as Schemas["ResettableEndpointSetting"][];
}

const ENDPOINT_TYPES: readonly Schemas["EndpointType"][] = ["QUEUE", "LOAD_BALANCER"];

/** `--type`, checked here so that a typo is named before anything is sent. */
function endpointTypeFlag(value: string | undefined): Schemas["EndpointType"] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const type = value.toUpperCase() as Schemas["EndpointType"];
  if (!ENDPOINT_TYPES.includes(type)) {
    throw usageError(`--type must be QUEUE or LOAD_BALANCER, not "${value}"`, ENDPOINTS_USAGE);
  }
  return type;
}
