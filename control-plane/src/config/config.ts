import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

/** A Kubernetes label key: an optional DNS-subdomain prefix and `/`, then a name of up to 63 characters. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_KEY_MESSAGE = "must be a Kubernetes label key, e.g. example.com/pool";
/** A Kubernetes label value: empty, or up to 63 letters, digits, `-`, `_`, `.`, alphanumeric at both ends. */
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const LABEL_VALUE_MESSAGE = "must be a Kubernetes label value";

/** One Kubernetes toleration (core/v1 `Toleration`), as worker pods carry it. */
const kubernetesToleration = z
  .strictObject({
    key: z.string().regex(LABEL_KEY, LABEL_KEY_MESSAGE).optional(),
    operator: z.enum(["Exists", "Equal"], { error: "operator must be Exists or Equal" }).optional(),
    value: z.string().regex(LABEL_VALUE, LABEL_VALUE_MESSAGE).optional(),
    effect: z
      .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
        error: "effect must be NoSchedule, PreferNoSchedule or NoExecute",
      })
      .optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .refine((t) => t.operator !== "Exists" || t.value === undefined, {
    message: "a toleration with operator Exists has no value",
  })
  .refine((t) => t.key !== undefined || t.operator === "Exists", {
    message: "a toleration without a key must have operator Exists (it tolerates every taint)",
  })
  .refine((t) => t.tolerationSeconds === undefined || t.effect === "NoExecute", {
    message: "tolerationSeconds applies to effect NoExecute only",
  });

/** A toleration of worker pods, as configured. */
export type KubernetesToleration = z.output<typeof kubernetesToleration>;

/**
 * Tolerations given as a list, or as its JSON text (a flag, an environment variable). Parsed before it is
 * checked rather than as a union of both, so that a bad entry is reported as itself, not as "invalid input".
 */
const kubernetesTolerations = z.preprocess((value, context) => {
  if (typeof value !== "string") {
    return value;
  }
  try {
    return JSON.parse(value) as unknown;
  } catch {
    context.addIssue({
      code: "custom",
      message: 'must be a JSON list of tolerations, e.g. [{"key":"dedicated","operator":"Exists"}]',
    });
    return z.NEVER;
  }
}, z.array(kubernetesToleration)) as z.ZodType<KubernetesToleration[], KubernetesToleration[] | string>;

/** Node labels given as a record, or as `key=value` pairs, comma-separated. */
const kubernetesNodeSelector = z.preprocess(
  (value, context) => {
    if (typeof value !== "string") {
      return value;
    }
    const selector: Record<string, string> = {};
    for (const pair of value.split(",").map((part) => part.trim())) {
      if (pair.length === 0) {
        continue;
      }
      const equals = pair.indexOf("=");
      if (equals < 0) {
        context.addIssue({
          code: "custom",
          message: `${JSON.stringify(pair)} is not key=value (e.g. pool=gpu,zone=a)`,
        });
        return z.NEVER;
      }
      selector[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
    }
    return selector;
  },
  z.record(z.string().regex(LABEL_KEY, LABEL_KEY_MESSAGE), z.string().regex(LABEL_VALUE, LABEL_VALUE_MESSAGE)),
) as z.ZodType<Record<string, string>, Record<string, string> | string>;

/**
 * Everything the control plane can be told at start-up, from flags (`--port 8080`) or the environment
 * (`RUNFLEET_PORT=8080`); flags win. This schema is the one place defaults are applied.
 */
export const configSchema = z
  .object({
    /** Interface to listen on. Loopback by default: expose it on purpose. @defaultValue "127.0.0.1" */
    host: z.string().min(1).default("127.0.0.1"),
    /** TCP port; 0 picks a free one. @defaultValue 8080 */
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Directory for the embedded store and worker logs. @defaultValue "./.runfleet" */
    dataDir: z.string().min(1).default(".runfleet"),
    /**
     * A PostgreSQL database to keep everything in, instead of the embedded SQLite file in the data dir:
     * `postgres://user:password@host:5432/database` (libpq parameters such as `?sslmode=require` pass
     * through). When absent, the embedded store is used and nothing needs installing. With a database,
     * `secretKey` is required: every process that opens the database must read the same secrets.
     */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/.+/, "must be a postgres:// URL, e.g. postgres://runfleet@127.0.0.1:5432/runfleet")
      .optional(),
    /**
     * The schema of the database the tables live in (created when missing). Control planes with the same
     * URL and schema share one set of endpoints and jobs. @defaultValue "public"
     */
    databaseSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier (letters, digits, _)")
      .default("public"),
    /**
     * Connections the control plane keeps open to the database at most (its pool), plus one it holds for
     * the whole run. A query waits for a free connection up to `databaseConnectTimeoutMs`. Size the
     * server's `max_connections` to the sum over every process, with room for admin tools.
     * @defaultValue 10
     */
    databasePoolSize: z.coerce.number().int().min(2).max(500).default(10),
    /**
     * How long a query may wait for a pooled connection (or for a new one to open) before it fails.
     * @defaultValue 10000
     */
    databaseConnectTimeoutMs: z.coerce.number().int().min(100).max(300_000).default(10_000),
    /**
     * Durability of the embedded store's commits: `normal` survives a crash of the control plane (every
     * acknowledged job is kept); `full` also survives a power loss or an OS crash, with an fsync per group
     * commit. @defaultValue "normal"
     */
    storeSync: z.enum(["normal", "full"]).default("normal"),
    /** An admin key to accept (created if missing). When absent, one is generated on first start. */
    adminKey: z.string().min(16, "must be at least 16 characters").optional(),
    /**
     * Key that encrypts secrets at rest (secret env values, `s3Config.accessSecret`) with AES-256-GCM: a
     * passphrase of at least 32 characters (e.g. `openssl rand -base64 32`), hashed with SHA-256. When
     * absent, a random key is generated on first start and kept in `<dataDir>/secret-key` (mode 0600).
     * Changing it makes the stored secrets unreadable: set them again.
     */
    secretKey: z.string().min(32, "must be at least 32 characters").optional(),
    /** Log level. @defaultValue "info" */
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /**
     * Default worker driver for endpoints that do not choose one: `process` runs the template's command on
     * this host, `docker` runs the template's image as a container, `kubernetes` as a pod. Endpoints may
     * override it with any driver available here (docker is available whenever its engine answers at
     * start-up, kubernetes whenever `kubeconfig` is set or the control plane runs in a cluster).
     * @defaultValue "process"
     */
    driver: z
      .enum(["process", "docker", "kubernetes"], { error: "must be process, docker or kubernetes" })
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
    /**
     * A kubeconfig file for the kubernetes driver. When absent: the in-cluster service account when the
     * control plane runs in a pod, else `~/.kube/config`.
     */
    kubeconfig: z.string().min(1).optional(),
    /** The kubeconfig context the kubernetes driver uses. When absent: the file's current context. */
    kubernetesContext: z.string().min(1).optional(),
    /** The namespace of worker pods and their Secrets. @defaultValue "default" */
    kubernetesNamespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name")
      .default("default"),
    /**
     * The node label that names a node's GPU model; GPU endpoints' `gpuTypeIds` select nodes through it
     * (`NVIDIA GeForce RTX 4090` matches `NVIDIA-GeForce-RTX-4090`, as GPU feature discovery writes it).
     * @defaultValue "nvidia.com/gpu.product"
     */
    kubernetesGpuLabel: z.string().min(1).default("nvidia.com/gpu.product"),
    /** Secrets (`kubernetes.io/dockerconfigjson`) worker pods pull images with, comma-separated. */
    kubernetesImagePullSecrets: z
      .union([
        z.array(z.string().min(1)),
        z.string().transform((value) =>
          value
            .split(",")
            .map((name) => name.trim())
            .filter((name) => name.length > 0),
        ),
      ])
      .optional(),
    /**
     * Tolerations added to every worker pod, as a JSON list of Kubernetes tolerations
     * (`[{"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoSchedule"}]`): lets workers onto
     * tainted nodes (a dedicated pool, spot nodes). GPU workers always tolerate `nvidia.com/gpu:NoSchedule`.
     * @defaultValue []
     */
    kubernetesTolerations: kubernetesTolerations.default([]),
    /**
     * Node labels every worker pod requires, `key=value` pairs, comma-separated (`pool=gpu,zone=a`): keeps
     * workers on the nodes meant for them. A GPU endpoint's type adds the GPU label to it. @defaultValue {}
     */
    kubernetesNodeSelector: kubernetesNodeSelector.default({}),
    /**
     * Worker pods share their node's network, reaching the control plane on 127.0.0.1 as the docker
     * driver's containers do. Set it false on a cluster with a pod network, with `publicUrl` an address
     * pods can reach. @defaultValue true
     */
    kubernetesHostNetwork: z
      .union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")])
      .default(true),
    /** URL workers use to reach this control plane; derived from host and port when absent. */
    publicUrl: z.url().optional(),
    /**
     * With a database: the URL at which the other control planes of the cluster reach this one directly
     * (not through a load balancer), published while it leads so that followers relay requests to it.
     * When absent: `http://{host}:{port}`, with the machine's host name when `host` is a wildcard address.
     */
    advertiseUrl: z.url().optional(),
    /**
     * With a database: how long a follower holds a request while no leader answers (a take-over under
     * way) before it answers 503 `leader_unavailable` with `Retry-After`. @defaultValue 15000
     */
    followerWaitMs: z.coerce.number().int().min(0).max(300_000).default(15_000),
    /**
     * With a database, what a replica does until it leads: `relay` listens at once and relays every request
     * to the leader; `wait` does not listen until it leads (replicas that share one address, such as pods
     * on one node's host network, where a second listener could not bind). @defaultValue "relay"
     */
    followerMode: z.enum(["relay", "wait"]).default("relay"),
    /** Largest body for management requests, in bytes. @defaultValue 1048576 */
    maxBodyBytes: z.coerce.number().int().min(1024).default(1_048_576),
    /**
     * Deepest nesting of arrays and objects a JSON body may have, on every route (job inputs and worker
     * results included); deeper bodies are refused with a 400 before they are parsed. 128 levels is far
     * beyond what real inputs use and far below what would exhaust the stack. @defaultValue 128
     */
    maxJsonDepth: z.coerce.number().int().min(8).max(1000).default(128),
    /**
     * Time a client has to send a whole request, headers and body; a slower one is answered 408 and its
     * connection closed. It ends when the request has arrived, so long polls that wait for their answer
     * (job-take, runsync, status-sync, stream, logs follow) are not affected. 60 s lets a 20 MB result
     * through a 3 Mbit/s link. @defaultValue 60000
     */
    requestTimeoutMs: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
    /** Time a client has to send a request's headers (slowloris). @defaultValue 20000 */
    headersTimeoutMs: z.coerce.number().int().min(200).max(600_000).default(20_000),
    /**
     * How long an idle keep-alive connection stays open after an answer; above the 60 s idle timeout of
     * common load balancers, so that they, not the control plane, close idle connections. @defaultValue 65000
     */
    keepAliveTimeoutMs: z.coerce.number().int().min(0).max(3_600_000).default(65_000),
    /**
     * Open HTTP connections at once (clients and workers; each worker holds about two); connections past
     * it are closed as they arrive. Keep the process's open-file limit (`ulimit -n`) above it.
     * @defaultValue 8192
     */
    maxConnections: z.coerce.number().int().min(16).max(1_000_000).default(8192),
    /**
     * Job submissions (`/run`, `/runsync`) each API key may send per second, sustained (a token bucket;
     * RunPod allows 100/s on `/run` and 200/s on `/runsync` per user). Above it: 429 with `Retry-After`.
     * The default is a backstop against a runaway client, above what one control plane accepts (about
     * 10,000/s on 2 cores); lower it where several teams share a control plane. 0 turns it off.
     * @defaultValue 20000
     */
    submitRatePerKey: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
    /** Submissions a key may send in a burst above `submitRatePerKey` (the bucket's size). @defaultValue 40000 */
    submitBurstPerKey: z.coerce.number().int().min(1).max(10_000_000).default(40_000),
    /**
     * Jobs an endpoint may hold waiting (`IN_QUEUE`); further submissions get 429 with `Retry-After` until
     * workers drain it. A queued job costs about 1 KB of memory. 0 turns it off. @defaultValue 2000000
     */
    maxQueuedJobsPerEndpoint: z.coerce.number().int().min(0).default(2_000_000),
    /**
     * Job submissions being accepted at once, all keys together (a runsync counts until its job is
     * stored, not while it waits for the result). Past it, new submissions get 429 at once instead of
     * queueing for seconds in an overloaded process: at about 4,000 submissions/s, 1024 in flight is
     * a quarter of a second of work. 0 turns it off. @defaultValue 1024
     */
    maxInFlightSubmissions: z.coerce.number().int().min(0).default(1024),
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
     * Most queued jobs of one endpoint that a control plane holds in memory for dispatch (ids and order,
     * about 200 bytes each). The queue itself lives in the store; this window is refilled from it in
     * dispatch order when it drains to half, so memory does not grow with the backlog. Larger windows
     * mean fewer, larger store reads under a fast drain. @defaultValue 1000
     */
    queueWindowJobs: z.coerce.number().int().min(1).max(1_000_000).default(1000),
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
    /**
     * Directory of the built web console, served at `/console`. When absent, the console built in this
     * repository (`console/dist`, made by `npm install` or `npm run build`) is served.
     */
    consoleDir: z.string().optional(),
    /** Interval of the metric history's samples (queue depth, workers, jobs, cold starts). @defaultValue 10000 */
    metricsIntervalMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /**
     * Interval at which every worker's state is sampled for usage accounting (worker-seconds by state,
     * GPU-seconds): a state change is placed within one interval. @defaultValue 250
     */
    usageSampleMs: z.coerce.number().int().min(10).max(60_000).default(250),
    /** How often sampled usage is written to the store (what a crash loses at most). @defaultValue 10000 */
    usageFlushMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /**
     * How long usage buckets are kept: older ones are dropped once an hour, so the usage table does not
     * grow without end (one row per worker, state and minute). @defaultValue 7776000000 (90 days)
     */
    usageRetentionMs: z.coerce
      .number()
      .int()
      .min(3_600_000)
      .default(90 * 86_400_000),
    /** Interval of the autoscaler's periodic evaluation (it also runs on every enqueue). @defaultValue 500 */
    autoscalerTickMs: z.coerce.number().int().min(10).max(60_000).default(500),
    /**
     * How long a launched worker may take to ask for its first job before it is stopped as a failed start
     * (with back-off), as RunPod's init timeout; a template or endpoint env `RUNPOD_INIT_TIMEOUT` (seconds)
     * overrides it. @defaultValue 420000 (7 min, as RunPod)
     */
    workerInitTimeoutMs: z.coerce.number().int().min(100).max(86_400_000).default(420_000),
    /**
     * How long a worker keeps going without any answer from this control plane before it counts itself
     * orphaned and exits (`RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS` in its environment, read by
     * `@runfleet/sdk/worker`); process workers of any other kind (RunPod Python workers) are stopped by
     * the process driver's orphan watchdog once this control plane has been gone this long; 0 never.
     * Longer than a restart should take: workers of a control plane that comes back in time are adopted
     * and keep their jobs. @defaultValue 300000 (5 min)
     */
    workerOrphanTimeoutMs: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
    /**
     * Interval of the orphan sweep: while the control plane runs, the workers its drivers list (pods,
     * containers, processes with its instance label) that no worker record claims are stopped and removed,
     * each logged and recorded (a `stop_worker` scaling event when its endpoint still exists, and
     * `runfleet_orphan_workers_removed_total`). Start-up removes the orphans it finds then; this catches
     * those that appear later (a pod created as the previous active replica died). 0 turns it off.
     * @defaultValue 30000
     */
    orphanSweepIntervalMs: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    /**
     * How long after its start an unclaimed worker is spared by the orphan sweep: a start in progress may
     * not be recorded yet where the sweep looks (another replica's clock may also be behind). Starts under
     * way in this control plane are spared whatever their age. @defaultValue 60000
     */
    orphanSweepGraceMs: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    /** Time a stopping worker gets between SIGTERM and SIGKILL. @defaultValue 10000 */
    workerStopGraceMs: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /**
     * Stop driver-managed workers on a graceful shutdown. When false they keep running and the next start
     * adopts them (after a crash they are always adopted). @defaultValue true
     */
    stopWorkersOnShutdown: z
      .union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")])
      .default(true),
    /**
     * Port of the SSH gateway (`ssh <workerId>@host -p <port>` opens a shell in that worker; only keys
     * registered through /v1/ssh-keys get in). 0 picks a free port. @defaultValue absent: no gateway
     */
    sshPort: z.coerce.number().int().min(0).max(65535).optional(),
    /** Address the SSH gateway binds. @defaultValue "127.0.0.1" */
    sshHost: z.string().min(1).default("127.0.0.1"),
    /**
     * Ends a session inside a worker (exec, shell, SSH) that has run this long, as a cancellation; 0 never.
     * An exec call's own `timeoutSeconds` applies when shorter. @defaultValue 0
     */
    execMaxDurationMs: z.coerce.number().int().min(0).max(604_800_000).default(0),
    /** Time a webhook receiver has to answer. @defaultValue 10000 */
    webhookTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /**
     * Ports handed to the workers of load-balancing endpoints (`PORT`, `PORT_HEALTH`), as `FIRST-LAST`.
     * Workers run on host networking (process driver, docker driver in `host` mode), so each gets its own
     * port from this range; ports something else holds are skipped. @defaultValue "20000-20999"
     */
    lbPortRange: z
      .string()
      .regex(/^\d{1,5}-\d{1,5}$/, "must be FIRST-LAST, e.g. 20000-20999")
      .refine((range) => {
        const [first, last] = range.split("-").map(Number) as [number, number];
        return first >= 1024 && last <= 65535 && first <= last;
      }, "must lie within 1024-65535 with FIRST <= LAST")
      .default("20000-20999"),
    /**
     * How often the workers of load-balancing endpoints are asked `GET /ping` (200 healthy, 204 still
     * initializing, anything else unhealthy); the answer decides routing and the worker's status.
     * @defaultValue 1000
     */
    lbHealthIntervalMs: z.coerce.number().int().min(20).max(60_000).default(1000),
    /**
     * Longest a request to a load-balancing endpoint waits for a healthy worker (a cold start) before it
     * is answered 503 with `Retry-After`. @defaultValue 60000
     */
    lbColdStartWaitMs: z.coerce.number().int().min(0).max(600_000).default(60_000),
    /**
     * How long a worker of a load-balancing endpoint may keep failing its `GET /ping` (any answer but 200
     * or 204, or none) once it was ready before it is stopped and replaced; it gets no requests from its
     * first failure. @defaultValue 30000
     */
    lbUnhealthyTimeoutMs: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    /**
     * A domain under which `{endpointId}.{lbDomain}` is routed to that load-balancing endpoint by its Host
     * header (so apps with absolute paths work unchanged). When absent, only `/lb/{endpointId}/...` routes.
     */
    lbDomain: z
      .string()
      .regex(/^[a-z0-9.-]+$/i, "must be a domain name, e.g. lb.example.com")
      .optional(),
  })
  .refine((config) => config.databaseUrl === undefined || config.secretKey !== undefined, {
    // A key generated per data dir would differ between the processes that share the database.
    message: "is required with --database-url: every control plane on the database must use the same one",
    path: ["secretKey"],
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
  databaseUrl: "RUNFLEET_DATABASE_URL",
  databaseSchema: "RUNFLEET_DATABASE_SCHEMA",
  databasePoolSize: "RUNFLEET_DATABASE_POOL_SIZE",
  databaseConnectTimeoutMs: "RUNFLEET_DATABASE_CONNECT_TIMEOUT_MS",
  storeSync: "RUNFLEET_STORE_SYNC",
  adminKey: "RUNFLEET_ADMIN_KEY",
  secretKey: "RUNFLEET_SECRET_KEY",
  logLevel: "RUNFLEET_LOG_LEVEL",
  driver: "RUNFLEET_DRIVER",
  dockerHost: "DOCKER_HOST",
  dockerNetwork: "RUNFLEET_DOCKER_NETWORK",
  dockerAuthFile: "RUNFLEET_DOCKER_AUTH_FILE",
  kubeconfig: "KUBECONFIG",
  kubernetesContext: "RUNFLEET_KUBERNETES_CONTEXT",
  kubernetesNamespace: "RUNFLEET_KUBERNETES_NAMESPACE",
  kubernetesGpuLabel: "RUNFLEET_KUBERNETES_GPU_LABEL",
  kubernetesImagePullSecrets: "RUNFLEET_KUBERNETES_IMAGE_PULL_SECRETS",
  kubernetesHostNetwork: "RUNFLEET_KUBERNETES_HOST_NETWORK",
  kubernetesTolerations: "RUNFLEET_KUBERNETES_TOLERATIONS",
  kubernetesNodeSelector: "RUNFLEET_KUBERNETES_NODE_SELECTOR",
  publicUrl: "RUNFLEET_PUBLIC_URL",
  advertiseUrl: "RUNFLEET_ADVERTISE_URL",
  followerWaitMs: "RUNFLEET_FOLLOWER_WAIT_MS",
  followerMode: "RUNFLEET_FOLLOWER_MODE",
  maxBodyBytes: "RUNFLEET_MAX_BODY_BYTES",
  maxJsonDepth: "RUNFLEET_MAX_JSON_DEPTH",
  requestTimeoutMs: "RUNFLEET_REQUEST_TIMEOUT_MS",
  headersTimeoutMs: "RUNFLEET_HEADERS_TIMEOUT_MS",
  keepAliveTimeoutMs: "RUNFLEET_KEEP_ALIVE_TIMEOUT_MS",
  maxConnections: "RUNFLEET_MAX_CONNECTIONS",
  submitRatePerKey: "RUNFLEET_SUBMIT_RATE_PER_KEY",
  submitBurstPerKey: "RUNFLEET_SUBMIT_BURST_PER_KEY",
  maxQueuedJobsPerEndpoint: "RUNFLEET_MAX_QUEUED_JOBS_PER_ENDPOINT",
  maxInFlightSubmissions: "RUNFLEET_MAX_IN_FLIGHT_SUBMISSIONS",
  jobLeaseMs: "RUNFLEET_JOB_LEASE_MS",
  jobMaxRetries: "RUNFLEET_JOB_MAX_RETRIES",
  takeHoldMs: "RUNFLEET_TAKE_HOLD_MS",
  resultRetentionMs: "RUNFLEET_RESULT_RETENTION_MS",
  syncResultRetentionMs: "RUNFLEET_SYNC_RESULT_RETENTION_MS",
  sweepIntervalMs: "RUNFLEET_SWEEP_INTERVAL_MS",
  queueWindowJobs: "RUNFLEET_QUEUE_WINDOW_JOBS",
  webhookSecret: "RUNFLEET_WEBHOOK_SECRET",
  webhookMaxAttempts: "RUNFLEET_WEBHOOK_MAX_ATTEMPTS",
  webhookRetryBaseMs: "RUNFLEET_WEBHOOK_RETRY_BASE_MS",
  webhookTimeoutMs: "RUNFLEET_WEBHOOK_TIMEOUT_MS",
  sshPort: "RUNFLEET_SSH_PORT",
  sshHost: "RUNFLEET_SSH_HOST",
  execMaxDurationMs: "RUNFLEET_EXEC_MAX_DURATION_MS",
  gpus: "RUNFLEET_GPUS",
  autoscalerTickMs: "RUNFLEET_AUTOSCALER_TICK_MS",
  usageSampleMs: "RUNFLEET_USAGE_SAMPLE_MS",
  usageFlushMs: "RUNFLEET_USAGE_FLUSH_MS",
  usageRetentionMs: "RUNFLEET_USAGE_RETENTION_MS",
  workerStopGraceMs: "RUNFLEET_WORKER_STOP_GRACE_MS",
  workerInitTimeoutMs: "RUNFLEET_WORKER_INIT_TIMEOUT_MS",
  workerOrphanTimeoutMs: "RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS",
  orphanSweepIntervalMs: "RUNFLEET_ORPHAN_SWEEP_INTERVAL_MS",
  orphanSweepGraceMs: "RUNFLEET_ORPHAN_SWEEP_GRACE_MS",
  stopWorkersOnShutdown: "RUNFLEET_STOP_WORKERS_ON_SHUTDOWN",
  metricsIntervalMs: "RUNFLEET_METRICS_INTERVAL_MS",
  lbPortRange: "RUNFLEET_LB_PORT_RANGE",
  lbHealthIntervalMs: "RUNFLEET_LB_HEALTH_INTERVAL_MS",
  lbColdStartWaitMs: "RUNFLEET_LB_COLD_START_WAIT_MS",
  lbUnhealthyTimeoutMs: "RUNFLEET_LB_UNHEALTHY_TIMEOUT_MS",
  lbDomain: "RUNFLEET_LB_DOMAIN",
  consoleDir: "RUNFLEET_CONSOLE_DIR",
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
  return {
    ...parsed.data,
    dataDir: resolve(cwd, parsed.data.dataDir),
    consoleDir: parsed.data.consoleDir === undefined ? undefined : resolve(cwd, parsed.data.consoleDir),
  };
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
