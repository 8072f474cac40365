/**
 * `@runfleet/control-plane`: the Runfleet server as a library. Most people run the `runfleet` command;
 * embedders and tests assemble one with {@link createControlPlane} or {@link startServer}.
 *
 * @module
 */
export { type ControlPlaneConfig, type ControlPlaneOptions, compileConfig, readConfig } from "./config/config.js";
export {
  type ControlPlane,
  type ControlPlaneOverrides,
  createControlPlane,
  databaseInstanceId,
} from "./control-plane.js";
export { type CompiledEndpointSettings, ENDPOINT_DEFAULTS } from "./domain/endpoint-settings.js";
export {
  type ContainerSettings,
  containerSpec,
  DOCKER_LABELS,
  DockerDriver,
  type DockerDriverOptions,
  parseDockerAuths,
  parseLogFrames,
  type RegistryCredentials,
  registryOf,
} from "./drivers/docker-driver.js";
export { KubernetesDriver, type KubernetesDriverOptions, loadKubeConfig } from "./drivers/kubernetes-driver.js";
export {
  GPU_RESOURCE,
  gpuProductLabelValue,
  instanceSelector,
  KUBERNETES_LABELS,
  type PodCondition,
  type PodSettings,
  podCondition,
  podName,
  secretName,
  workerPod,
  workerSecret,
} from "./drivers/kubernetes-pod.js";
export { ProcessDriver, type ProcessDriverOptions } from "./drivers/process-driver.js";
export type {
  DriverWorker,
  ExecExit,
  ExecOptions,
  ExecSession,
  TerminalSize,
  WorkerDriver,
  WorkerExit,
  WorkerLogLine,
  WorkerSpec,
  WorkerWaiting,
} from "./drivers/worker-driver.js";
export { ControlPlaneError, type ErrorCode } from "./errors/control-plane-error.js";
export {
  loadOpenApiDocument,
  OPENAPI_PATH,
  type OpenApiDocument,
  type OperationDescriptor,
} from "./http/openapi-document.js";
export {
  bucketStart,
  METRIC_TIERS,
  type MetricBucket,
  type MetricBucketFigures,
  type MetricTier,
  sampleFigures,
} from "./metrics/metric-history.js";
export { type RunningControlPlane, startServer } from "./server.js";
export {
  type CostBasis,
  type CostFigures,
  costOf,
  type PriceTable,
  type StateSeconds,
  USAGE_STATES,
  type UsageState,
} from "./simulation/cost-model.js";
export { configurationLabel, frontierOf, markdownTable, sweepChartSvg } from "./simulation/simulation-report.js";
export {
  type SimulationOptions,
  type SimulationResult,
  simulate,
  type WorkerModel,
} from "./simulation/simulator.js";
export { paretoFrontier, parseSweepAxis, type SweepAxes, sweepConfigurations } from "./simulation/sweep.js";
export {
  formatCsvTrace,
  parseCsvTrace,
  parseNdjsonTrace,
  parseTrace,
  type Trace,
  TraceFormatError,
  type TraceJob,
  traceOf,
} from "./simulation/trace.js";
export { generateTrace, type TraceSpec, type TrafficShape } from "./simulation/trace-generator.js";
export { ActiveLock, type ActiveLockOptions } from "./store/postgres/active-lock.js";
export { POSTGRES_MIGRATIONS, type PostgresMigration } from "./store/postgres/migrations.js";
export { PostgresStore, type PostgresStoreOptions } from "./store/postgres/postgres-store.js";
export type {
  ApiKeyRecord,
  AuditEventRecord,
  EndpointRecord,
  JobRecord,
  SshKeyRecord,
  TemplateRecord,
  WebhookDeliveryRecord,
  WorkerRecord,
} from "./store/records.js";
export { SqliteStore } from "./store/sqlite/sqlite-store.js";
export { type StatusTransition, type Store, StoreConflictError } from "./store/store.js";
