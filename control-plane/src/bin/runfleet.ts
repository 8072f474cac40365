#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50 --disable-warning=ExperimentalWarning
// Node's flags for the control plane (the same in package.json's start script, bin/runfleet.js, the
// container image of scripts/control-plane-image.sh and the bench harness):
// - a young generation of 4 MB keeps the resident memory of a busy control plane low, for a few percent
//   of throughput;
// - a fixed old-generation growth of 50 % makes V8 collect garbage before it piles up: by default it
//   lets the old generation grow up to 4x between full collections, so a burst of 100,000 `/run` left
//   up to about 230 MB of garbage on a live heap of about 60 MB (RSS 279 MB on a quiet host, 315-337 MB
//   on a busy one; 201-204 MB with the flag). It costs up to about 8 % of the control plane's CPU per
//   job (0.42-0.43 ms against 0.38-0.40 in alternating throughput runs, close to the runs' own spread;
//   measured 2026-12-03). Unlike --max-old-space-size it sets no hard limit.
import { describeFailure, EXIT, RemoteExit } from "../cli/cli-errors.js";
import type { CliOutput } from "../cli/cli-output.js";
import { DEV_USAGE, devCommand } from "../cli/dev-command.js";
import { ENDPOINTS_USAGE, endpointsCommand } from "../cli/endpoints-command.js";
import { JOBS_USAGE, jobsCommand } from "../cli/jobs-command.js";
import { KEYS_USAGE, keysCommand } from "../cli/keys-command.js";
import { RUN_USAGE, runCommand } from "../cli/run-command.js";
import { SIMULATE_USAGE, simulateCommand } from "../cli/simulate-command.js";
import { TEMPLATES_USAGE, templatesCommand } from "../cli/templates-command.js";
import { WORKERS_USAGE, workersCommand } from "../cli/workers-command.js";
import { ConfigError, readConfig } from "../config/config.js";
import type { RunningControlPlane } from "../server.js";

/** A command that talks to a control plane (or, for `dev`, starts its own). */
type Command = (args: string[], env: NodeJS.ProcessEnv, output: CliOutput) => Promise<void>;

/** Every command but `serve`, with its usage (shown when it is called without arguments). */
const COMMANDS: Record<string, { run: Command; usage: string }> = {
  endpoints: { run: endpointsCommand, usage: ENDPOINTS_USAGE },
  templates: { run: templatesCommand, usage: TEMPLATES_USAGE },
  run: { run: runCommand, usage: RUN_USAGE },
  jobs: { run: jobsCommand, usage: JOBS_USAGE },
  workers: { run: workersCommand, usage: WORKERS_USAGE },
  keys: { run: keysCommand, usage: KEYS_USAGE },
  dev: { run: devCommand, usage: DEV_USAGE },
  simulate: { run: simulateCommand, usage: SIMULATE_USAGE },
};

/**
 * The `runfleet` command. `serve` starts the control plane; the other commands (endpoints, run, jobs,
 * templates, workers, keys) talk to a running one through @runfleet/sdk, and `dev` runs a handler under a private one.
 */
async function main(argv: string[]): Promise<number> {
  const [command = "serve", ...rest] = argv;
  if (command === "serve") {
    return serve(rest);
  }
  if (command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const entry = COMMANDS[command];
  if (entry === undefined) {
    process.stderr.write(`runfleet: unknown command "${command}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (rest.length === 0) {
    process.stderr.write(entry.usage);
    return EXIT.usage;
  }
  const output: CliOutput = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
  };
  try {
    await entry.run(rest, process.env, output);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof RemoteExit) {
      return error.exitCode;
    }
    const { message, exitCode } = describeFailure(error);
    process.stderr.write(`runfleet ${command}: ${message}\n`);
    return exitCode;
  }
}

const USAGE = `Usage: runfleet <command> [flags]        (runfleet <command> --help for its flags)

Commands:
  serve      Start the control plane (default).
  endpoints  ls | get | create | update | rm: manage endpoints (flags or a YAML/JSON file).
  templates  ls | get | create | update | rm: what workers run (a command, an image).
  run        Send a job to an endpoint and wait for its result (--async: print its id).
  jobs       ls | status | cancel | retry: an endpoint's jobs.
  workers    ls | logs | exec | shell | drain | stop: an endpoint's workers, and commands inside them.
  keys       create | ls | revoke: API keys.
  dev        Run a handler file under a private local control plane.
  simulate   Replay a trace (or an endpoint's history) against autoscaling settings: delay, cold starts, cost.

The commands that talk to a control plane take --base-url / RUNFLEET_BASE_URL and --api-key /
RUNFLEET_API_KEY, or a profile of ~/.config/runfleet/config.json; --json prints JSON for scripts.
Exit codes: 0 ok, 1 refused by the control plane, 2 bad usage, 3 control plane unreachable,
4 job failed, 5 job timed out, 6 job cancelled, 130 interrupted.

serve flags (or RUNFLEET_* environment variables):
  --host (RUNFLEET_HOST)             interface to listen on      [127.0.0.1]
  --port (RUNFLEET_PORT)             TCP port, 0 for any free     [8080]
  --data-dir (RUNFLEET_DATA_DIR)     store and logs               [./.runfleet]
  --admin-key (RUNFLEET_ADMIN_KEY)   admin key to accept          [generated on first start]
  --log-level (RUNFLEET_LOG_LEVEL)   fatal|error|warn|info|debug  [info]
  --driver (RUNFLEET_DRIVER)         process|docker|kubernetes    [process]
  --docker-host (DOCKER_HOST)        Docker Engine address        [unix:///var/run/docker.sock]
  --docker-network (RUNFLEET_DOCKER_NETWORK)      container network  [host]
  --docker-auth-file (RUNFLEET_DOCKER_AUTH_FILE)  registry logins, as ~/.docker/config.json
  --kubeconfig (KUBECONFIG)          cluster of the kubernetes driver  [in-cluster, else ~/.kube/config]
  --kubernetes-namespace (RUNFLEET_KUBERNETES_NAMESPACE)  worker pods' namespace  [default]
  --kubernetes-gpu-label (RUNFLEET_KUBERNETES_GPU_LABEL)  node label gpuTypeIds select  [nvidia.com/gpu.product]
  --public-url (RUNFLEET_PUBLIC_URL) URL workers use to reach it  [http://host:port]
  --database-url (RUNFLEET_DATABASE_URL)  postgres://... instead of SQLite (needs --secret-key)  [none]
  --secret-key (RUNFLEET_SECRET_KEY)      encrypts secrets at rest  [generated in the data dir]
  --advertise-url (RUNFLEET_ADVERTISE_URL)  where other replicas reach this one  [http://host:port]
  --ssh-port (RUNFLEET_SSH_PORT)          SSH gateway into workers  [none]
  --lb-port-range (RUNFLEET_LB_PORT_RANGE)  ports of load-balancing workers  [20000-20999]
  --lb-domain (RUNFLEET_LB_DOMAIN)        route {endpointId}.<domain> by Host  [none]
  --worker-orphan-timeout-ms (RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS)  workers end without it  [300000]
Every other setting has a flag and a variable too: see "Configuration" in the README.
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
  let running: RunningControlPlane;
  try {
    // Loaded here, not at the top: the client commands then start without the store (node:sqlite).
    const { startServer } = await import("../server.js");
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
  printBanner(
    running.url,
    running.adminKey,
    config.dataDir,
    quickstart,
    running.sshGateway && {
      ...running.sshGateway,
      host: config.sshHost === "0.0.0.0" || config.sshHost === "::" ? "127.0.0.1" : config.sshHost,
    },
  );
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
  adminKey: RunningControlPlane["adminKey"],
  dataDir: string,
  quickstartEndpoint: string | undefined,
  sshGateway: { port: number; host: string; hostKeyFingerprint: string } | undefined,
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
    `  web console:    ${url}/console/`,
  ];
  if (sshGateway !== undefined) {
    lines.push(
      `  SSH gateway:    ssh -p ${sshGateway.port} <workerId>@${sshGateway.host}  (host key ${sshGateway.hostKeyFingerprint})`,
    );
  }
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
      "",
      "Or with the runfleet command (it shows progress, then the result):",
      `  RUNFLEET_BASE_URL=${url} RUNFLEET_API_KEY=${key} npx runfleet run echo --input '{"message":"hello","progress":true,"sleepMs":1000}'`,
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
