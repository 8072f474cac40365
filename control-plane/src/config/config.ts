import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

/**
 * Everything the control plane can be told at start-up, from flags (`--port 8080`) or the environment
 * (`RUNFLEET_PORT=8080`); flags win. This schema is the one place defaults are applied.
 */
export const configSchema = z.object({
  /** Interface to listen on. Loopback by default: expose it on purpose. @defaultValue "127.0.0.1" */
  host: z.string().min(1).default("127.0.0.1"),
  /** TCP port; 0 picks a free one. @defaultValue 8080 */
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Directory for the embedded store and worker logs. @defaultValue "./.runfleet" */
  dataDir: z.string().min(1).default(".runfleet"),
  /** Which store to use. Only the embedded SQLite store exists today. @defaultValue "sqlite" */
  store: z.enum(["sqlite"]).default("sqlite"),
  /**
   * Durability of the embedded store's commits: `normal` survives a crash of the control plane (every
   * acknowledged job is kept); `full` also survives a power loss or an OS crash, with an fsync per group
   * commit. @defaultValue "normal"
   */
  storeSync: z.enum(["normal", "full"]).default("normal"),
  /** An admin key to accept (created if missing). When absent, one is generated on first start. */
  adminKey: z.string().min(16, "must be at least 16 characters").optional(),
  /** Log level. @defaultValue "info" */
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * Default worker driver for endpoints that do not choose one: `process` runs the template's command on
   * this host, `docker` runs the template's image as a container. Endpoints may override it with any
   * driver available here (docker is available whenever its engine answers at start-up).
   * @defaultValue "process"
   */
  driver: z
    .enum(["process", "docker"], { error: "must be process or docker (the kubernetes driver is not built yet)" })
    .default("process"),
  /**
   * Docker Engine address for the docker driver: `unix:///path/docker.sock` or `tcp://host:port`. When
   * absent, the default socket `/var/run/docker.sock` is used.
   */
  dockerHost: z
    .string()
    .regex(/^(unix:\/\/\/.+|tcp:\/\/[^/]+)$/, "must be unix:///path/to/docker.sock or tcp://host:port")
    .optional(),
  /**
   * Network mode of worker containers (`host`, `bridge`, or a network's name). With a bridge network,
   * set `publicUrl` to an address the containers can reach. When absent: `host`, where workers reach the
   * control plane on 127.0.0.1.
   */
  dockerNetwork: z.string().min(1).optional(),
  /**
   * A Docker CLI configuration file (as `docker login` writes `~/.docker/config.json`) whose `auths`
   * give the registry credentials the docker driver pulls images with.
   */
  dockerAuthFile: z.string().min(1).optional(),
  /** URL workers use to reach this control plane; derived from host and port when absent. */
  publicUrl: z.url().optional(),
  /** Largest body for management requests, in bytes. @defaultValue 1048576 */
  maxBodyBytes: z.coerce.number().int().min(1024).default(1_048_576),
  /**
   * How long a running job's lease lasts without a heartbeat (ping, progress, stream chunk) before its
   * worker counts as lost and the job is re-queued. Workers are told to ping at a third of it.
   * @defaultValue 30000
   */
  jobLeaseMs: z.coerce.number().int().min(300).max(3_600_000).default(30_000),
  /** Times a job is re-queued after losing its worker before it fails. @defaultValue 3 */
  jobMaxRetries: z.coerce.number().int().min(0).max(100).default(3),
  /** Longest a job-take or job-stop long poll is held; under the workers' 90 s client timeout. @defaultValue 60000 */
  takeHoldMs: z.coerce.number().int().min(10).max(85_000).default(60_000),
  /** How long results of `/run` jobs are kept after they end. @defaultValue 1800000 (30 min, as RunPod) */
  resultRetentionMs: z.coerce.number().int().min(1000).default(1_800_000),
  /** How long results of `/runsync` jobs are kept after they end. @defaultValue 60000 (1 min, as RunPod) */
  syncResultRetentionMs: z.coerce.number().int().min(1000).default(60_000),
  /** How often timeouts, leases, TTLs and retention are checked. @defaultValue 1000 */
  sweepIntervalMs: z.coerce.number().int().min(10).max(60_000).default(1000),
  /**
   * Secret that signs webhook deliveries (HMAC-SHA256). When absent one is generated on first start and
   * kept in `<dataDir>/webhook-secret`.
   */
  webhookSecret: z.string().min(16, "must be at least 16 characters").optional(),
  /** Delivery attempts per webhook before giving up. @defaultValue 5 */
  webhookMaxAttempts: z.coerce.number().int().min(1).max(50).default(5),
  /** Delay before the first webhook retry; each later one waits 4 times longer. @defaultValue 2000 */
  webhookRetryBaseMs: z.coerce.number().int().min(10).default(2000),
  /**
   * The GPUs this control plane may hand out, as `TYPE:COUNT` entries separated by commas (e.g.
   * `NVIDIA L4:2`). When absent they are detected with `nvidia-smi`; a host without one has none.
   */
  gpus: z.string().optional(),
  /** Interval of the per-endpoint metrics samples (queue depth, workers by status). @defaultValue 10000 */
  metricsIntervalMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Interval of the autoscaler's periodic evaluation (it also runs on every enqueue). @defaultValue 500 */
  autoscalerTickMs: z.coerce.number().int().min(10).max(60_000).default(500),
  /**
   * How long a launched worker may take to ask for its first job before it is stopped as a failed start
   * (with back-off), as RunPod's init timeout; a template or endpoint env `RUNPOD_INIT_TIMEOUT` (seconds)
   * overrides it. @defaultValue 420000 (7 min, as RunPod)
   */
  workerInitTimeoutMs: z.coerce.number().int().min(100).max(86_400_000).default(420_000),
  /** Time a stopping worker gets between SIGTERM and SIGKILL. @defaultValue 10000 */
  workerStopGraceMs: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /**
   * Stop driver-managed workers on a graceful shutdown. When false they keep running and the next start
   * adopts them (after a crash they are always adopted). @defaultValue true
   */
  stopWorkersOnShutdown: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).default(true),
  /** Time a webhook receiver has to answer. @defaultValue 10000 */
  webhookTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

/** Configuration as given (every field optional). */
export type ControlPlaneOptions = z.input<typeof configSchema>;
/** Configuration with every default applied. */
export type ControlPlaneConfig = z.output<typeof configSchema> & { dataDir: string };

/** Maps each option to its environment variable. */
const ENV_NAMES: Record<keyof ControlPlaneOptions, string> = {
  host: "RUNFLEET_HOST",
  port: "RUNFLEET_PORT",
  dataDir: "RUNFLEET_DATA_DIR",
  store: "RUNFLEET_STORE",
  storeSync: "RUNFLEET_STORE_SYNC",
  adminKey: "RUNFLEET_ADMIN_KEY",
  logLevel: "RUNFLEET_LOG_LEVEL",
  driver: "RUNFLEET_DRIVER",
  dockerHost: "DOCKER_HOST",
  dockerNetwork: "RUNFLEET_DOCKER_NETWORK",
  dockerAuthFile: "RUNFLEET_DOCKER_AUTH_FILE",
  publicUrl: "RUNFLEET_PUBLIC_URL",
  maxBodyBytes: "RUNFLEET_MAX_BODY_BYTES",
  jobLeaseMs: "RUNFLEET_JOB_LEASE_MS",
  jobMaxRetries: "RUNFLEET_JOB_MAX_RETRIES",
  takeHoldMs: "RUNFLEET_TAKE_HOLD_MS",
  resultRetentionMs: "RUNFLEET_RESULT_RETENTION_MS",
  syncResultRetentionMs: "RUNFLEET_SYNC_RESULT_RETENTION_MS",
  sweepIntervalMs: "RUNFLEET_SWEEP_INTERVAL_MS",
  webhookSecret: "RUNFLEET_WEBHOOK_SECRET",
  webhookMaxAttempts: "RUNFLEET_WEBHOOK_MAX_ATTEMPTS",
  webhookRetryBaseMs: "RUNFLEET_WEBHOOK_RETRY_BASE_MS",
  webhookTimeoutMs: "RUNFLEET_WEBHOOK_TIMEOUT_MS",
  gpus: "RUNFLEET_GPUS",
  autoscalerTickMs: "RUNFLEET_AUTOSCALER_TICK_MS",
  workerStopGraceMs: "RUNFLEET_WORKER_STOP_GRACE_MS",
  workerInitTimeoutMs: "RUNFLEET_WORKER_INIT_TIMEOUT_MS",
  stopWorkersOnShutdown: "RUNFLEET_STOP_WORKERS_ON_SHUTDOWN",
  metricsIntervalMs: "RUNFLEET_METRICS_INTERVAL_MS",
};

/** Thrown when the configuration is invalid; its message names every bad option. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Applies defaults and validates; paths are made absolute against `cwd`. */
export function compileConfig(options: ControlPlaneOptions, cwd = process.cwd()): ControlPlaneConfig {
  const parsed = configSchema.safeParse(options);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "config") as keyof ControlPlaneOptions;
      return `--${kebab(key)} (${ENV_NAMES[key] ?? "?"}): ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  return { ...parsed.data, dataDir: resolve(cwd, parsed.data.dataDir) };
}

/** Reads options from command-line flags and `RUNFLEET_*` variables; flags take precedence. */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): ControlPlaneConfig {
  const keys = Object.keys(ENV_NAMES) as (keyof ControlPlaneOptions)[];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(keys.map((key) => [kebab(key), { type: "string" as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const options: Record<string, unknown> = {};
  for (const key of keys) {
    const fromFlag = values[kebab(key)];
    const fromEnv = env[ENV_NAMES[key]];
    const value = fromFlag ?? (fromEnv === "" ? undefined : fromEnv);
    if (value !== undefined) {
      options[key] = value;
    }
  }
  return compileConfig(options as ControlPlaneOptions, cwd);
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
