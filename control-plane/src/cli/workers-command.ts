import { parseArgs } from "node:util";
import type { components } from "@runfleet/sdk/generated";
import { apiCall, CliError, type CliTarget } from "./api-call.js";

type Schemas = components["schemas"];

/** Usage of `runfleet workers`. */
export const WORKERS_USAGE = `Usage:
  runfleet workers ls <endpointId> [--json]
  runfleet workers logs <endpointId> <workerId> [--tail N] [--json]

Options (or environment):
  --url (RUNFLEET_URL)       control plane URL  [http://127.0.0.1:8080]
  --key (RUNFLEET_API_KEY)   API key
`;

/** `runfleet workers ls|logs`: an endpoint's workers, and a worker's captured output. */
export async function workersCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${WORKERS_USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const target: CliTarget = {
    url: values.url ?? env.RUNFLEET_URL ?? "http://127.0.0.1:8080",
    key: values.key ?? env.RUNFLEET_API_KEY,
  };
  const [action, endpointId, workerId] = positionals;
  if (action === "ls" && endpointId) {
    const workers = await apiCall<Schemas["Worker"][]>(
      target,
      "GET",
      `/v1/endpoints/${encodeURIComponent(endpointId)}/workers`,
    );
    if (values.json) {
      out(`${JSON.stringify(workers, null, 2)}\n`);
      return;
    }
    out(
      table(
        ["ID", "STATUS", "DRIVER", "VERSION", "GPUS", "JOBS", "STARTED"],
        workers.map((w) => [
          w.id,
          w.status,
          w.driver,
          String(w.endpointVersion),
          w.gpuIds.join(",") || "-",
          String(w.runningJobIds.length),
          w.createdAt,
        ]),
      ),
    );
    return;
  }
  if (action === "logs" && endpointId && workerId) {
    const tail = values.tail === undefined ? 100 : Number(values.tail);
    if (!Number.isInteger(tail) || tail < 0 || tail > 5000) {
      throw new CliError("--tail must be a whole number from 0 to 5000", 2);
    }
    const logs = await apiCall<Schemas["WorkerLogs"]>(
      target,
      "GET",
      `/v1/endpoints/${encodeURIComponent(endpointId)}/workers/${encodeURIComponent(workerId)}/logs?tail=${tail}`,
    );
    if (values.json) {
      out(`${JSON.stringify(logs, null, 2)}\n`);
      return;
    }
    out(logs.lines.map((line) => `${line.stream === "stderr" ? "err" : "out"} | ${line.line}\n`).join(""));
    return;
  }
  throw new CliError(`missing or unknown arguments\n\n${WORKERS_USAGE}`, 2);
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      tail: { type: "string" },
      json: { type: "boolean" },
    },
  });
}

/** Renders rows as an aligned table for people. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}\n`;
  return line(header) + rows.map(line).join("");
}
