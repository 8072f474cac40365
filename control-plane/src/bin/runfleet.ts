#!/usr/bin/env -S node --max-semi-space-size=4 --disable-warning=ExperimentalWarning
// A young generation of 4 MB keeps the resident memory of a busy control plane low (about 220 MB with
// 100,000 queued jobs instead of 350 MB) for a few percent of throughput.
import { CliError } from "../cli/api-call.js";
import { WORKERS_USAGE, workersCommand } from "../cli/workers-command.js";
import { ConfigError, readConfig } from "../config/config.js";
import { startServer } from "../server.js";

/**
 * The `runfleet` command. `serve` starts the control plane; the other commands (endpoints, run, jobs,
 * workers, keys, dev) talk to a running one.
 */
async function main(argv: string[]): Promise<number> {
  const [command = "serve", ...rest] = argv;
  if (command === "workers" && (rest.includes("--help") || rest.length === 0)) {
    process.stdout.write(WORKERS_USAGE);
    return rest.length === 0 ? 2 : 0;
  }
  switch (command) {
    case "serve":
      return serve(rest);
    case "workers":
      try {
        await workersCommand(rest, process.env, (text) => process.stdout.write(text));
        return 0;
      } catch (error) {
        if (error instanceof CliError) {
          process.stderr.write(`runfleet workers: ${error.message}\n`);
          return error.exitCode;
        }
        throw error;
      }
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`runfleet: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

const USAGE = `Usage: runfleet <command> [flags]

Commands:
  workers  List an endpoint's workers, or show a worker's logs (runfleet workers --help).
  serve    Start the control plane (default).
           Flags (or RUNFLEET_* environment variables):
             --host (RUNFLEET_HOST)            interface to listen on      [127.0.0.1]
             --port (RUNFLEET_PORT)            TCP port, 0 for any free     [8080]
             --data-dir (RUNFLEET_DATA_DIR)    store and logs               [./.runfleet]
             --admin-key (RUNFLEET_ADMIN_KEY)  admin key to accept          [generated on first start]
             --log-level (RUNFLEET_LOG_LEVEL)  fatal|error|warn|info|debug  [info]
             --driver (RUNFLEET_DRIVER)        process|docker               [process]
             --docker-host (DOCKER_HOST)       Docker Engine address        [unix:///var/run/docker.sock]
             --docker-network (RUNFLEET_DOCKER_NETWORK)  container network  [host]
             --docker-auth-file (RUNFLEET_DOCKER_AUTH_FILE)  registry logins, as ~/.docker/config.json
             --public-url (RUNFLEET_PUBLIC_URL) URL workers use to reach it  [http://host:port]
`;

async function serve(args: string[]): Promise<number> {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(args, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`runfleet serve: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      process.stderr.write(
        `runfleet serve: port ${config.port} is in use; pick another with --port or RUNFLEET_PORT\n`,
      );
      return 1;
    }
    process.stderr.write(`runfleet serve: ${(error as Error).message}\n`);
    return 1;
  }
  const quickstart = running.adminKey.kind === "existing" ? undefined : await running.seedQuickstart();
  printBanner(running.url, running.adminKey, config.dataDir, quickstart);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      running.logger.info({ signal }, "shutting down");
      running.stop().then(resolve, resolve);
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
  return 0;
}

function printBanner(
  url: string,
  adminKey: Awaited<ReturnType<typeof startServer>>["adminKey"],
  dataDir: string,
  quickstartEndpoint: string | undefined,
): void {
  const key =
    adminKey.kind === "created"
      ? adminKey.secret
      : adminKey.kind === "from-environment"
        ? "$RUNFLEET_ADMIN_KEY"
        : "<your admin key>";
  const lines = [
    "",
    `Runfleet control plane listening on ${url}`,
    `  data directory: ${dataDir}`,
    `  API reference:  ${url}/docs`,
  ];
  if (adminKey.kind === "created") {
    lines.push("", `Admin key (shown only this once, store it now):`, `  ${adminKey.secret}`);
  } else if (adminKey.kind === "existing") {
    lines.push("", "Admin key: the one printed on first start (or set RUNFLEET_ADMIN_KEY).");
  }
  if (quickstartEndpoint !== undefined) {
    lines.push(
      "",
      `Send a first job to the example endpoint "echo" (a worker starts, answers, and stops when idle):`,
      `  curl -s -H "Authorization: Bearer ${key}" ${url}/v2/${quickstartEndpoint}/runsync -d '{"input":{"message":"hello"}}'`,
    );
  } else {
    lines.push("", "List your endpoints:", `  curl -s -H "Authorization: Bearer ${key}" ${url}/v1/endpoints`);
  }
  lines.push("");
  process.stdout.write(`${lines.join("\n")}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`runfleet: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
