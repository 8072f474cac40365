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

/** The registry scripts/docker-registry.sh runs, with its credentials (`scripts/docker-registry.sh env`). */
export const TEST_REGISTRY = {
  address: process.env.RUNFLEET_TEST_REGISTRY ?? "127.0.0.1:5000",
  username: process.env.RUNFLEET_TEST_REGISTRY_USER ?? "runfleet",
  password: process.env.RUNFLEET_TEST_REGISTRY_PASSWORD ?? "runfleet-registry",
};

/**
 * Whether the registry tests run: the registry answers and refuses anonymous access (so credentials are
 * really checked). In CI it must; elsewhere they skip with a message that says what to start.
 */
export async function requireTestRegistry(): Promise<boolean> {
  let status = 0;
  try {
    status = (await fetch(`http://${TEST_REGISTRY.address}/v2/`)).status;
  } catch {
    status = 0;
  }
  return requireService(
    status === 401,
    `a registry with htpasswd auth on ${TEST_REGISTRY.address} (scripts/docker-registry.sh start)`,
  );
}

/** Tags a local image into the test registry and pushes it there with the registry's credentials. */
export async function pushToTestRegistry(image: string, repository: string, tag: string): Promise<string> {
  const target = `${TEST_REGISTRY.address}/${repository}`;
  await docker.getImage(image).tag({ repo: target, tag });
  const stream = await docker.getImage(`${target}:${tag}`).push({
    authconfig: {
      username: TEST_REGISTRY.username,
      password: TEST_REGISTRY.password,
      serveraddress: TEST_REGISTRY.address,
    },
  });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve()));
  });
  return `${target}:${tag}`;
}
