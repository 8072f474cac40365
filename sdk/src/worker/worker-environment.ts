/** Where and as whom a worker talks to its control plane, read from the environment it was started with. */
export interface WorkerEnvironment {
  /** Job-take URL (worker id filled in, with a query). */
  takeUrl: string;
  /** Job-done URL template (`$ID` = job id). */
  doneUrl: string;
  /** Job-stream URL template (`$ID` = job id). */
  streamUrl: string;
  /** Ping URL, or undefined when pings are off. */
  pingUrl: string | undefined;
  pingIntervalMs: number;
  /** The worker's token, sent raw in `Authorization`. */
  token: string;
  workerId: string;
  endpointId: string | undefined;
  /**
   * How long the worker goes on without any answer from its control plane before it counts itself
   * orphaned and exits (0: never). From `RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS`.
   * @defaultValue 300000 (5 minutes)
   */
  orphanTimeoutMs: number;
}

/** Default of {@link WorkerEnvironment.orphanTimeoutMs}. */
export const DEFAULT_ORPHAN_TIMEOUT_MS = 300_000;

/**
 * Reads the worker environment the control plane injects: RunPod's variables first (so the runtime also
 * works on RunPod), Runfleet's as a fallback. Undefined when no job-take URL is set: local mode.
 */
export function readWorkerEnvironment(env: Record<string, string | undefined>): WorkerEnvironment | undefined {
  const workerId = env.RUNPOD_POD_ID ?? env.RUNFLEET_WORKER_ID ?? `local-${process.pid}`;
  const endpointId = env.RUNPOD_ENDPOINT_ID ?? env.RUNFLEET_ENDPOINT_ID;
  const base =
    env.RUNFLEET_CONTROL_PLANE_URL && endpointId ? `${env.RUNFLEET_CONTROL_PLANE_URL}/v2/${endpointId}` : undefined;
  const takeUrl = (
    env.RUNPOD_WEBHOOK_GET_JOB ?? (base ? `${base}/job-take/${workerId}?gpu=none` : undefined)
  )?.replaceAll("$ID", workerId);
  if (!takeUrl) {
    return undefined;
  }
  const ping = env.RUNPOD_WEBHOOK_PING ?? (base ? `${base}/ping/${workerId}?gpu=none` : undefined);
  const interval = Number(env.RUNPOD_PING_INTERVAL ?? 10_000);
  const orphanTimeout = Number(env.RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS ?? DEFAULT_ORPHAN_TIMEOUT_MS);
  return {
    takeUrl: takeUrl.replaceAll("$RUNPOD_POD_ID", workerId),
    doneUrl: env.RUNPOD_WEBHOOK_POST_OUTPUT ?? (base ? `${base}/job-done/${workerId}/$ID?gpu=none` : "JOB_DONE_URL"),
    streamUrl:
      env.RUNPOD_WEBHOOK_POST_STREAM ?? (base ? `${base}/job-stream/${workerId}/$ID?gpu=none` : "JOB_STREAM_URL"),
    pingUrl: ping?.replaceAll("$RUNPOD_POD_ID", workerId),
    pingIntervalMs: Number.isFinite(interval) && interval > 0 ? interval : 10_000,
    token: env.RUNPOD_AI_API_KEY ?? env.RUNFLEET_WORKER_TOKEN ?? "",
    workerId,
    endpointId,
    orphanTimeoutMs: Number.isFinite(orphanTimeout) && orphanTimeout >= 0 ? orphanTimeout : DEFAULT_ORPHAN_TIMEOUT_MS,
  };
}
