import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerDriver, type WorkerSpec } from "@runfleet/control-plane";
import { afterEach, describe, expect, it } from "vitest";
import {
  containersOf,
  DOCKER_HOST,
  docker,
  ECHO_IMAGE,
  removeContainersOf,
  requireDockerEngine,
} from "../support/docker-engine.js";
import { eventually } from "../support/workers.js";
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
      gpuCount: 0,
      gpuTypeIds: [],
      cpuLimit: 0.5,
      memoryLimitMb: 256,
      containerDiskInGb: null,
      volumeMounts: [],
      registryCredentials: null,
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

  it("lists a container that ended unwatched in its inventory and leaves it; list() removes it", async () => {
    const first = await DockerDriver.connect({ host: DOCKER_HOST, instanceId });
    drivers.push(first);
    const workerId = `wk_inventory${process.pid}`;
    await first.start(scriptWorker(workerId, "setTimeout(() => process.exit(3), 1000)", {}));
    // No longer watched: its end is reported to no one, as when it ends while no control plane runs.
    await first.close();
    await eventually(
      async () => ((await docker.getContainer(`runfleet-${workerId}`).inspect()).State.Running ? undefined : true),
      30_000,
      "the container to end",
    );
    const next = await DockerDriver.connect({ host: DOCKER_HOST, instanceId });
    drivers.push(next);
    const labelled = async () => (await containersOf(instanceId)).map((c) => c.Labels["org.runfleet.worker"]);
    // The sweep's listing, twice: it sees the ended container and changes nothing.
    for (let look = 0; look < 2; look++) {
      expect((await next.inventory()).find((w) => w.workerId === workerId)).toMatchObject({ state: "exited", exit: 3 });
      expect(await labelled()).toContain(workerId);
    }
    // The start-up listing tidies: it reports the container ended and removes it.
    expect((await next.list()).find((w) => w.workerId === workerId)?.state).toBe("exited");
    expect(await labelled()).not.toContain(workerId);
  });

  /** A worker of the echo image running `script` with node, with the given mounts and disk size. */
  const scriptWorker = (workerId: string, script: string, extra: Partial<WorkerSpec>): WorkerSpec => ({
    workerId,
    endpointId: "ep_volumes",
    command: ["node", "-e", script],
    image: ECHO_IMAGE,
    env: {},
    gpuIds: [],
    gpuCount: 0,
    gpuTypeIds: [],
    cpuLimit: null,
    memoryLimitMb: null,
    containerDiskInGb: null,
    volumeMounts: [],
    registryCredentials: null,
    ports: [],
    ...extra,
  });
  const loggedLine = (driver: DockerDriver, workerId: string, line: string) =>
    eventually(
      async () => ((await driver.logs(workerId, 50)).some((l) => l.line === line) ? true : undefined),
      30_000,
      `${workerId} to log ${line}`,
    );

  it("mounts a named volume shared by workers and kept after they end, and a host directory", async () => {
    const driver = await DockerDriver.connect({ host: DOCKER_HOST, instanceId });
    drivers.push(driver);
    const name = `cache-${randomBytes(4).toString("hex")}`;
    const hostDir = mkdtempSync(join(tmpdir(), "runfleet-hostpath-"));
    writeFileSync(join(hostDir, "weights.txt"), "from the host");
    const volumeMounts = [
      { type: "volume" as const, name, mountPath: "/runpod-volume" },
      { type: "hostPath" as const, hostPath: hostDir, mountPath: "/models", readOnly: true },
    ];
    try {
      const writer = `wk_vw${process.pid}`;
      await driver.start(
        scriptWorker(
          writer,
          `const fs = require("fs");
           fs.writeFileSync("/runpod-volume/model.bin", "cached by the first worker");
           console.log(fs.readFileSync("/models/weights.txt", "utf8"));
           try { fs.writeFileSync("/models/x", "no"); } catch (e) { console.log(e.code); }
           setInterval(() => {}, 1000);`,
          { volumeMounts },
        ),
      );
      await loggedLine(driver, writer, "from the host");
      await loggedLine(driver, writer, "EROFS");
      await driver.stop(writer, 1000);
      // A later worker finds what the first one cached: the volume outlives the workers.
      const reader = `wk_vr${process.pid}`;
      await driver.start(
        scriptWorker(
          reader,
          `console.log(require("fs").readFileSync("/runpod-volume/model.bin", "utf8")); setInterval(() => {}, 1000);`,
          { volumeMounts },
        ),
      );
      await loggedLine(driver, reader, "cached by the first worker");
      await driver.stop(reader, 1000);
      const volume = await docker.getVolume(`runfleet-${name}`).inspect();
      expect(volume.Labels).toMatchObject({ "org.runfleet.volume": name });
      expect(readFileSync(join(hostDir, "weights.txt"), "utf8")).toBe("from the host");
    } finally {
      await docker
        .getVolume(`runfleet-${name}`)
        .remove()
        .catch(() => undefined);
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it("limits the container's disk where the engine can, and otherwise runs the worker and says why once", async () => {
    const warnings: string[] = [];
    const driver = await DockerDriver.connect({ host: DOCKER_HOST, instanceId, onWarning: (m) => warnings.push(m) });
    drivers.push(driver);
    const first = `wk_disk${process.pid}`;
    const second = `wk_disk2${process.pid}`;
    const script = `console.log("up"); setInterval(() => {}, 1000);`;
    await driver.start(scriptWorker(first, script, { containerDiskInGb: 1 }));
    await driver.start(scriptWorker(second, script, { containerDiskInGb: 1 }));
    await loggedLine(driver, second, "up");
    const info = await docker.getContainer(`runfleet-${first}`).inspect();
    if (driver.diskLimitRefusal === undefined) {
      // An engine whose storage driver can limit a container's disk (overlay2 on xfs with pquota, ...).
      expect(info.HostConfig.StorageOpt).toEqual({ size: "1G" });
      expect(warnings).toEqual([]);
    } else {
      // This one cannot (overlay2 on ext4): the workers run without a limit, and one warning says why.
      expect(driver.diskLimitRefusal).toMatch(/storage-opt/);
      expect(info.HostConfig.StorageOpt ?? null).toBeNull();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/containerDiskInGb is not enforced: the Docker engine at .* cannot limit/);
    }
    await driver.stop(first, 1000);
    await driver.stop(second, 1000);
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
        gpuCount: 0,
        gpuTypeIds: [],
        cpuLimit: null,
        memoryLimitMb: null,
        containerDiskInGb: null,
        volumeMounts: [],
        registryCredentials: null,
        ports: [],
      }),
    ).rejects.toThrow(/the template has no imageName/);
  });
});
