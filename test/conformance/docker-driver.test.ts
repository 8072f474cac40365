import { randomBytes } from "node:crypto";
import { DockerDriver } from "@runfleet/control-plane";
import { afterEach, describe, expect, it } from "vitest";
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

describe.runIf(run)("docker driver: what reaches the engine", () => {
  const instanceId = `cp_spec${randomBytes(4).toString("hex")}`;
  const drivers: DockerDriver[] = [];

  afterEach(async () => {
    for (const driver of drivers.splice(0)) {
      await driver.close();
    }
    await removeContainersOf(instanceId);
  });

  it("applies the template's limits and the configured network mode to the container", async () => {
    const driver = await DockerDriver.connect({ host: DOCKER_HOST, instanceId, networkMode: "none" });
    drivers.push(driver);
    const workerId = `wk_spec${process.pid}`;
    await driver.start({
      workerId,
      endpointId: "ep_spec",
      command: ["node", "-e", "setInterval(() => {}, 1000)"],
      image: ECHO_IMAGE,
      env: { GREETING: "hi" },
      gpuIds: [],
      cpuLimit: 0.5,
      memoryLimitMb: 256,
      ports: ["8000/http"],
    });
    const info = await docker.getContainer(`runfleet-${workerId}`).inspect();
    expect(info.HostConfig).toMatchObject({
      NetworkMode: "none",
      NanoCpus: 500_000_000,
      Memory: 256 * 1024 * 1024,
      Init: true,
    });
    expect(info.Config.Env).toContain("GREETING=hi");
    expect(info.Config.ExposedPorts).toEqual({ "8000/tcp": {} });
    expect(info.Config.Labels).toMatchObject({
      "org.runfleet.instance": instanceId,
      "org.runfleet.endpoint": "ep_spec",
      "org.runfleet.worker": workerId,
    });
    await driver.stop(workerId, 1000);
  });

  it("refuses a worker whose template has no image, saying so", async () => {
    const driver = await DockerDriver.connect({ host: DOCKER_HOST, instanceId });
    drivers.push(driver);
    await expect(
      driver.start({
        workerId: "wk_noimage",
        endpointId: "ep_spec",
        command: ["node"],
        image: null,
        env: {},
        gpuIds: [],
        cpuLimit: null,
        memoryLimitMb: null,
        ports: [],
      }),
    ).rejects.toThrow(/the template has no imageName/);
  });
});
