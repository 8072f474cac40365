import { randomBytes } from "node:crypto";
import { DockerDriver } from "@runfleet/control-plane";
import { describe, expect } from "vitest";
import {
  containersOf,
  DOCKER_HOST,
  docker,
  ECHO_IMAGE,
  removeContainersOf,
  requireDockerEngine,
} from "../support/docker-engine.js";
import { describeWorkerDriverConformance } from "./worker-driver.suite.js";

const run = await requireDockerEngine();

describe.runIf(run)("docker driver against a real engine", () => {
  describeWorkerDriverConformance("docker", async () => {
    const instanceId = `cp_conf${randomBytes(4).toString("hex")}`;
    const drivers: DockerDriver[] = [];
    const make = async () => {
      const driver = await DockerDriver.connect({ host: DOCKER_HOST, instanceId });
      drivers.push(driver);
      return driver;
    };
    return {
      driver: await make(),
      restart: make,
      node: "node",
      image: ECHO_IMAGE,
      isPaused: async (workerId) => {
        const info = await docker.getContainer(`runfleet-${workerId}`).inspect();
        return info.State.Paused;
      },
      cleanup: async () => {
        const last = drivers.at(-1);
        for (const worker of (await last?.list()) ?? []) {
          await last?.stop(worker.workerId, 100);
        }
        for (const driver of drivers) {
          await driver.close();
        }
        // What the driver stopped it also removed: nothing of this instance is left on the engine.
        const left = await containersOf(instanceId);
        await removeContainersOf(instanceId);
        expect(left.map((c) => c.Names)).toEqual([]);
      },
    };
  });
});
