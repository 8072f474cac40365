import type { Runfleet } from "@runfleet/sdk";
import { integerFlag } from "./cli-arguments.js";
import { COMMON_USAGE, parseCommand } from "./cli-context.js";
import { usageError } from "./cli-errors.js";
import { type CliOutput, json, table } from "./cli-output.js";
import { withEndpoint } from "./run-command.js";
import { execCommand, shellCommand } from "./worker-session.js";

/** Usage of `runfleet workers`. */
export const WORKERS_USAGE = `Usage:
  runfleet workers ls <endpointId>
  runfleet workers logs <endpointId> <workerId> [--tail N] [--follow|-f]
                                             (N from 0 to 5000, default 100; --follow: print new lines
                                             as the worker writes them, until it ends or Ctrl-C)
  runfleet workers exec <endpointId> <workerId> [--stdin] [--timeout S] -- <command> [args...]
                                             (runs a command inside the worker; its output comes here
                                             and its exit status is runfleet's. --stdin: send what
                                             runfleet reads on stdin. Admin keys only, audited)
  runfleet workers shell <endpointId> <workerId> [--command "CMD"]
                                             (an interactive terminal in the worker: the worker's
                                             shell, or CMD through /bin/sh -c; Ctrl-D ends it)
  runfleet workers drain <endpointId> <workerId>             (no new jobs; stops after its current ones)
  runfleet workers stop <endpointId> <workerId>              (stops now; its jobs go back to the queue)

${COMMON_USAGE}`;

/**
 * `runfleet workers ls|logs|exec|shell|drain|stop`: an endpoint's workers, a worker's captured output, and
 * commands or a terminal inside a worker.
 */
export async function workersCommand(args: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  const context = parseCommand(
    args,
    {
      tail: { type: "string" },
      follow: { type: "boolean", short: "f" },
      stdin: { type: "boolean" },
      timeout: { type: "string" },
      command: { type: "string" },
    },
    WORKERS_USAGE,
    env,
    output,
  );
  if (context === undefined) {
    return;
  }
  const [action, endpointId, workerId, ...rest] = context.positionals;
  if (action === "exec" && endpointId && workerId) {
    if (rest.length === 0) {
      throw usageError("missing the command to run: put it after --", WORKERS_USAGE);
    }
    const timeoutSeconds = integerFlag("--timeout", context.values.timeout);
    if (timeoutSeconds !== undefined && (timeoutSeconds < 1 || timeoutSeconds > 86_400)) {
      throw usageError("--timeout must be a whole number of seconds from 1 to 86400", WORKERS_USAGE);
    }
    const stdin = context.values.stdin ? await readAll(process.stdin) : undefined;
    await execCommand(context.client(), endpointId, workerId, rest, { stdin, timeoutSeconds });
    return;
  }
  if (action === "shell" && endpointId && workerId && rest.length === 0) {
    const connection = { baseUrl: context.baseUrl(), apiKey: context.apiKey() };
    await shellCommand(context.client(), connection, endpointId, workerId, context.values.command);
    return;
  }
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
    const runfleet = context.client();
    if (context.values.follow) {
      // An unknown endpoint is refused before the first line, so a name is resolved as for the others.
      await withEndpoint(runfleet, endpointId, (id) => followLogs(runfleet, id, workerId, tail, context.json, output));
      return;
    }
    const logs = await withEndpoint(runfleet, endpointId, (id) => runfleet.workers.logs(id, workerId, { tail }));
    output.out(context.json ? json(logs) : logs.lines.map(logLine).join(""));
    return;
  }
  if (action === "drain" && endpointId && workerId) {
    const runfleet = context.client();
    const worker = await withEndpoint(runfleet, endpointId, (id) => runfleet.workers.drain(id, workerId));
    output.out(context.json ? json(worker) : `draining worker ${worker.id} (${worker.status})\n`);
    return;
  }
  if (action === "stop" && endpointId && workerId) {
    const runfleet = context.client();
    await withEndpoint(runfleet, endpointId, (id) => runfleet.workers.stop(id, workerId));
    output.out(context.json ? json({ id: workerId, stopped: true }) : `stopped worker ${workerId}\n`);
    return;
  }
  throw usageError("missing or unknown arguments", WORKERS_USAGE);
}

/** Everything a stream gives until it ends, as UTF-8 text. */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** One captured line as the human output shows it. */
function logLine(line: { stream: "stdout" | "stderr"; line: string }): string {
  return `${line.stream === "stderr" ? "err" : "out"} | ${line.line}\n`;
}

/** Prints a worker's lines as they come (JSON lines with --json) until it ends; Ctrl-C stops (exit 130). */
async function followLogs(
  runfleet: Runfleet,
  endpointId: string,
  workerId: string,
  tail: number,
  asJson: boolean,
  output: CliOutput,
): Promise<void> {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once("SIGINT", onSigint);
  try {
    for await (const line of runfleet.workers.follow(endpointId, workerId, { tail }, { signal: interrupt.signal })) {
      output.out(asJson ? `${JSON.stringify(line)}\n` : logLine(line));
    }
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
