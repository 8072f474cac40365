// Generated from openapi.yaml by scripts/gen-query-defaults.mjs (npm run gen). Do not edit.

/**
 * The query parameters that have a `default:` in the contract, by operationId, with that default. The
 * router's validation applies these defaults, so a handler's input has these parameters set.
 */
export interface QueryDefaults {
  getEndpointAdvice: { windowSeconds: 86400 };
  getEndpointMetrics: { windowSeconds: 3600 };
  getWorkerLogs: { tail: 100 };
  listAuditEvents: { limit: 100 };
  listJobs: { limit: 100 };
  listScalingEvents: { limit: 100 };
  openWorkerShell: { cols: 80; rows: 24 };
  postJobResult: { isStream: false };
  postJobStream: { isStream: false };
  runJobSync: { wait: 90000 };
  streamJob: { wait: 10000 };
  streamWorkerLogs: { tail: 100 };
  takeJob: { job_in_progress: 0 };
  takeJobBatch: { job_in_progress: 0; batch_size: 1 };
  waitJobStatus: { wait: 90000 };
  waitJobStatusPost: { wait: 90000 };
}
