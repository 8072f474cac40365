/** Writes the runtime's own log lines to stderr (stdout is left to the handler and local test results). */
export function workerLog(level: "info" | "warn" | "error", message: string, jobId?: string): void {
  // Under a control plane, JSON lines (as RunPod's SDK writes them) so that log collectors can parse them.
  if (process.env.RUNPOD_ENDPOINT_ID || process.env.RUNFLEET_ENDPOINT_ID) {
    process.stderr.write(`${JSON.stringify({ requestId: jobId ?? null, message, level: level.toUpperCase() })}\n`);
  } else {
    process.stderr.write(`${level.toUpperCase()} ${jobId ? `[${jobId}] ` : ""}${message}\n`);
  }
}
