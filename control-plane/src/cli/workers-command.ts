import { integerFlag } from "./cli-arguments.js";
import { COMMON_USAGE, parseCommand } from "./cli-context.js";
import { usageError } from "./cli-errors.js";
import { type CliOutput, json, table } from "./cli-output.js";
import { withEndpoint } from "./run-command.js";

/** Usage of `runfleet workers`. */
export const WORKERS_USAGE = `Usage:
  runfleet workers ls <endpointId>
  runfleet workers logs <endpointId> <workerId> [--tail N]   (N from 0 to 5000, default 100)
  runfleet workers drain <endpointId> <workerId>             (no new jobs; stops after its current ones)
  runfleet workers stop <endpointId> <workerId>              (stops now; its jobs go back to the queue)

${COMMON_USAGE}`;

/** `runfleet workers ls|logs|drain|stop`: an endpoint's workers, and a worker's captured output. */
export async function workersCommand(args: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  const context = parseCommand(args, { tail: { type: "string" } }, WORKERS_USAGE, env, output);
  if (context === undefined) {
    return;
  }
  const [action, endpointId, workerId] = context.positionals;
  if (action === "ls" && endpointId) {
    const runfleet = context.client();
    const workers = await withEndpoint(runfleet, endpointId, (id) => runfleet.workers.list(id));
    output.out(
      context.json
        ? json(workers)
        : table(
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
    const tail = integerFlag("--tail", context.values.tail) ?? 100;
    if (tail < 0 || tail > 5000) {
      throw usageError("--tail must be a whole number from 0 to 5000", WORKERS_USAGE);
    }
    const logs = await context.client().workers.logs(endpointId, workerId, { tail });
    output.out(
      context.json
        ? json(logs)
        : logs.lines.map((line) => `${line.stream === "stderr" ? "err" : "out"} | ${line.line}\n`).join(""),
    );
    return;
  }
  if (action === "drain" && endpointId && workerId) {
    const worker = await context.client().workers.drain(endpointId, workerId);
    output.out(context.json ? json(worker) : `draining worker ${worker.id} (${worker.status})\n`);
    return;
  }
  if (action === "stop" && endpointId && workerId) {
    await context.client().workers.stop(endpointId, workerId);
    output.out(context.json ? json({ id: workerId, stopped: true }) : `stopped worker ${workerId}\n`);
    return;
  }
  throw usageError("missing or unknown arguments", WORKERS_USAGE);
}
