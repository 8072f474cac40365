import { randomBytes } from "node:crypto";
import { KubernetesDriver } from "@runfleet/control-plane";
import { describe, expect } from "vitest";
import { ECHO_IMAGE } from "../support/docker-engine.js";
import {
  podsOf,
  removePodsOf,
  requireKubernetesCluster,
  secretsOf,
  TEST_KUBECONFIG,
  TEST_NAMESPACE,
} from "../support/kubernetes-cluster.js";
import { describeWorkerDriverConformance } from "./worker-driver.suite.js";

const run = await requireKubernetesCluster();

describe.runIf(run)("kubernetes driver against a real cluster", () => {
  describeWorkerDriverConformance("kubernetes", async () => {
    const instanceId = `cp-conf${randomBytes(4).toString("hex")}`;
    const drivers: KubernetesDriver[] = [];
    const make = async () => {
      const driver = await KubernetesDriver.connect({
        kubeconfig: TEST_KUBECONFIG,
        namespace: TEST_NAMESPACE,
        instanceId,
      });
      drivers.push(driver);
      return driver;
    };
    return {
      driver: await make(),
      restart: make,
      node: "node",
      image: ECHO_IMAGE,
      isPaused: () => false,
      cleanup: async () => {
        const last = drivers.at(-1);
        for (const worker of (await last?.list()) ?? []) {
          await last?.stop(worker.workerId, 100);
        }
        for (const driver of drivers) {
          await driver.close();
        }
        // What the driver stopped it also removed: no pod and no Secret of this instance is left.
        const pods = (await podsOf(instanceId)).map((pod) => pod.metadata?.name);
        const secrets = (await secretsOf(instanceId)).filter((s) => !s.metadata?.deletionTimestamp);
        await removePodsOf(instanceId);
        expect(pods).toEqual([]);
        expect(secrets.map((s) => s.metadata?.name)).toEqual([]);
      },
    };
  });
});
