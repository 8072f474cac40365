import { readFileSync } from "node:fs";
import type { ControlPlaneConfig } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import type { EndpointRecord } from "../store/records.js";
import { DockerDriver, parseDockerAuths, type RegistryCredentials } from "./docker-driver.js";
import { KubernetesDriver } from "./kubernetes-driver.js";
import type { KubernetesApiRequestListener } from "./kubernetes-requests.js";
import { ProcessDriver } from "./process-driver.js";
import type { WorkerDriver } from "./worker-driver.js";

/** The drivers one control plane runs workers with, and which one each endpoint uses. */
export interface DriverSet {
  /** Every available driver, by kind. */
  readonly byKind: Readonly<Partial<Record<WorkerDriver["kind"], WorkerDriver>>>;
  /** The available drivers, as a list (for adoption and exit events). */
  readonly all: readonly WorkerDriver[];
  /** The driver of an endpoint: its own override, else the control plane's default. */
  driverFor(endpoint: EndpointRecord): WorkerDriver;
  /** Stops watching workers (they keep running, to be adopted by the next start). */
  close(): Promise<void>;
}

/** What the control plane observes of its drivers. */
export interface DriverHooks {
  /** Each request the kubernetes driver sends to the Kubernetes API, by verb and resource. */
  kubernetesApiRequest?: KubernetesApiRequestListener;
}

/**
 * Sets up the process driver, always; the docker driver when it is the default (then an absent engine is
 * a start-up error that says what to start) or when an engine answers anyway (then endpoints may choose
 * it); and the kubernetes driver when it is the default (an unreachable cluster is then a start-up error)
 * or when a kubeconfig is named or the control plane runs in a pod.
 */
export async function createDriverSet(
  config: ControlPlaneConfig,
  instanceId: string,
  logger: Logger,
  hooks: DriverHooks = {},
): Promise<DriverSet> {
  // Read first: a bad credentials file is an error whichever driver is the default.
  const registryAuth = config.dockerAuthFile !== undefined ? readAuthFile(config.dockerAuthFile) : undefined;
  const processDriver = new ProcessDriver({
    stateDir: config.dataDir,
    cwd: process.cwd(),
    orphanTimeoutMs: config.workerOrphanTimeoutMs,
    stopGraceMs: config.workerStopGraceMs,
  });
  const byKind: Partial<Record<WorkerDriver["kind"], WorkerDriver>> = { process: processDriver };
  try {
    byKind.docker = await DockerDriver.connect({
      host: config.dockerHost,
      instanceId,
      networkMode: config.dockerNetwork,
      registryAuth,
      onWarning: (message) => logger.warn(message),
    });
  } catch (error) {
    if (config.driver === "docker") {
      await processDriver.close();
      throw error;
    }
    logger.debug({ err: error }, "docker driver not available");
  }
  if (config.driver === "kubernetes" || config.kubeconfig !== undefined || process.env.KUBERNETES_SERVICE_HOST) {
    try {
      byKind.kubernetes = await KubernetesDriver.connect({
        kubeconfig: config.kubeconfig,
        context: config.kubernetesContext,
        namespace: config.kubernetesNamespace,
        instanceId,
        hostNetwork: config.kubernetesHostNetwork,
        gpuProductLabel: config.kubernetesGpuLabel,
        imagePullSecrets: config.kubernetesImagePullSecrets,
        tolerations: config.kubernetesTolerations,
        nodeSelector: config.kubernetesNodeSelector,
        onApiRequest: hooks.kubernetesApiRequest,
      });
    } catch (error) {
      if (config.driver === "kubernetes") {
        await Promise.all(Object.values(byKind).map((driver) => driver.close()));
        throw error;
      }
      logger.warn({ err: error }, "kubernetes driver not available");
    }
  }
  const all = Object.values(byKind);
  return {
    byKind,
    all,
    driverFor: (endpoint) => {
      const kind = endpoint.driver ?? config.driver;
      const driver = byKind[kind];
      if (!driver) {
        throw new Error(`endpoint ${endpoint.id} asks for the ${kind} driver, which is not available here`);
      }
      return driver;
    },
    close: async () => {
      await Promise.all(all.map((driver) => driver.close()));
    },
  };
}

function readAuthFile(path: string): Record<string, RegistryCredentials> {
  try {
    return parseDockerAuths(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(
      `--docker-auth-file ${path} cannot be read as a Docker configuration: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
