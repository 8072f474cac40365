/**
 * `@runfleet/control-plane`: the Runfleet server as a library. Most people run the `runfleet` command;
 * embedders and tests assemble one with {@link createControlPlane} or {@link startServer}.
 *
 * @module
 */
export { type ControlPlaneConfig, type ControlPlaneOptions, compileConfig, readConfig } from "./config/config.js";
export { type ControlPlane, type ControlPlaneOverrides, createControlPlane } from "./control-plane.js";
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
export { ProcessDriver, type ProcessDriverOptions } from "./drivers/process-driver.js";
export type { DriverWorker, WorkerDriver, WorkerExit, WorkerLogLine, WorkerSpec } from "./drivers/worker-driver.js";
export { ControlPlaneError, type ErrorCode } from "./errors/control-plane-error.js";
export { type RunningControlPlane, startServer } from "./server.js";
export type {
  ApiKeyRecord,
  EndpointRecord,
  JobRecord,
  TemplateRecord,
  WebhookDeliveryRecord,
  WorkerRecord,
} from "./store/records.js";
export { SqliteStore } from "./store/sqlite/sqlite-store.js";
export { type Store, StoreConflictError } from "./store/store.js";
