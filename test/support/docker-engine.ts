import { DOCKER_LABELS } from "@runfleet/control-plane";
import Docker from "dockerode";
import { requireService } from "./control-plane-process.js";

/** The TypeScript echo worker's image, built by scripts/worker-images.sh. */
export const ECHO_IMAGE = "runfleet/echo-worker:dev";
/** The unmodified Python RunPod worker's image, built by scripts/worker-images.sh. */
export const PYTHON_IMAGE = "runfleet/python-runpod-worker:dev";

/** The engine tests use: the one DOCKER_HOST names (scripts/docker-engine.sh env prints it). */
export const DOCKER_HOST = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";

/** A client of the engine, for what tests check behind the driver's back. */
export const docker = new Docker(
  DOCKER_HOST.startsWith("unix://") ? { socketPath: DOCKER_HOST.slice("unix://".length) } : {},
);

const WHAT =
  "a Docker Engine on DOCKER_HOST with the worker images " +
  '(scripts/docker-engine.sh start && eval "$(scripts/docker-engine.sh env)" && scripts/worker-images.sh)';

/**
 * Whether the Docker tests run: the engine answers and the test images are there. In CI they must;
 * elsewhere they skip with a message that says what to start.
 */
export async function requireDockerEngine(images: readonly string[] = [ECHO_IMAGE]): Promise<boolean> {
  let available = true;
  try {
    await docker.ping();
    for (const image of images) {
      await docker.getImage(image).inspect();
    }
  } catch {
    available = false;
  }
  return requireService(available, WHAT);
}

/** The containers (running or not) that carry a control-plane instance's label. */
export async function containersOf(instanceId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${DOCKER_LABELS.instance}=${instanceId}`] } });
}

/** Removes every container of an instance: tests leave nothing behind, even when they fail. */
export async function removeContainersOf(instanceId: string): Promise<void> {
  for (const container of await containersOf(instanceId)) {
    await docker
      .getContainer(container.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
}
