import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createRunfleet, type Runfleet } from "@runfleet/sdk";
import { integerFlag, jsonArgument } from "./cli-arguments.js";
import { usageError } from "./cli-errors.js";
import type { CliOutput } from "./cli-output.js";
import { follow } from "./run-command.js";

/** Usage of `runfleet dev`. */
export const DEV_USAGE = `Usage:
  runfleet dev <handler file> [--input JSON|@file] [--port N] [--data-dir DIR]

Starts a private control plane on 127.0.0.1 with one endpoint whose worker runs <handler file> (a
worker script that calls start() from @runfleet/sdk/worker, or a RunPod handler.py), keeps one worker
warm and prints its output. Node runs .js/.mjs/.ts files; python3 (or $PYTHON) runs .py files.
--input    send one job, print its result, stop, and exit with run's exit code
--port     port of the control plane                                     [any free port]
--data-dir keep the store there (reused between runs)                    [a temporary directory]
`;

/** `runfleet dev <handler file>`: a handler under a local control plane, for trying it out. */
export async function devCommand(args: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw usageError((error as Error).message, DEV_USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(DEV_USAGE);
    return;
  }
  const [file, extra] = positionals;
  if (!file || extra !== undefined) {
    throw usageError(file ? `unexpected argument "${extra}"` : "missing the handler file", DEV_USAGE);
  }
  const handler = resolve(file);
  if (!existsSync(handler)) {
    throw usageError(`no such file: ${handler}`);
  }
  const input = values.input === undefined ? undefined : jsonArgument("--input", values.input);
  const port = integerFlag("--port", values.port) ?? 0;
  const dataDir = values["data-dir"] ?? mkdtempSync(join(tmpdir(), "runfleet-dev-"));
  const adminKey = `rf_dev_${randomBytes(16).toString("hex")}`;
  const { startServer } = await import("../server.js");
  const server = await startServer({ host: "127.0.0.1", port, dataDir, adminKey, logLevel: "warn" });
  const stopLogs = new AbortController();
  try {
    const runfleet = createRunfleet({ baseUrl: server.url, apiKey: adminKey });
    const template = await runfleet.templates.create({
      name: `dev-${basename(handler)}-${randomBytes(3).toString("hex")}`,
      command: [...interpreter(handler, env), handler],
    });
    const endpoint = await runfleet.endpoints.create({
      name: "dev",
      templateId: template.id,
      computeType: "CPU",
      workersMin: 1,
      workersMax: 1,
      idleTimeout: 3600,
    });
    const logs = tailWorkerLogs(runfleet, endpoint.id, output, stopLogs.signal);
    output.err(
      [
        `runfleet dev: ${basename(handler)} on endpoint ${endpoint.id}, control plane at ${server.url}`,
        `  export RUNFLEET_BASE_URL=${server.url} RUNFLEET_API_KEY=${adminKey}`,
        `  runfleet run ${endpoint.id} --input '{"hello":"world"}'`,
        "",
      ].join("\n"),
    );
    if (input !== undefined) {
      const job = await runfleet.endpoint(endpoint.id).run(input);
      await follow(job, output, false, undefined);
    } else {
      await new Promise<void>((done) => {
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
    }
    stopLogs.abort();
    await logs;
  } finally {
    stopLogs.abort();
    await server.stop();
    if (values["data-dir"] === undefined) {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      input: { type: "string", short: "i" },
      port: { type: "string" },
      "data-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** The command that runs a handler file, by its extension. */
function interpreter(file: string, env: NodeJS.ProcessEnv): string[] {
  const extension = extname(file);
  if (extension === ".py") {
    return [env.PYTHON || "python3", "-u"];
  }
  // Node 24 runs TypeScript by stripping its types.
  return [process.execPath, "--disable-warning=ExperimentalWarning"];
}

/** Prints new lines of the endpoint's workers' output to stderr, prefixed, until `signal` aborts. */
async function tailWorkerLogs(
  runfleet: Runfleet,
  endpointId: string,
  output: CliOutput,
  signal: AbortSignal,
): Promise<void> {
  const seen = new Set<string>();
  while (!signal.aborted) {
    try {
      for (const worker of await runfleet.workers.list(endpointId, { signal })) {
        const { lines } = await runfleet.workers.logs(endpointId, worker.id, { tail: 500 }, { signal });
        for (const line of lines) {
          const key = `${worker.id} ${line.at} ${line.stream} ${line.line}`;
          if (!seen.has(key)) {
            seen.add(key);
            output.err(`worker ${worker.id} | ${line.line}\n`);
          }
        }
      }
      await new Promise((done) => setTimeout(done, 300).unref());
    } catch {
      // Stopping (aborted) or a worker that went away between the two calls: look again.
      if (!signal.aborted) {
        await new Promise((done) => setTimeout(done, 300).unref());
      }
    }
  }
}
