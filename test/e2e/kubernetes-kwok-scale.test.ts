import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, TEST_ADMIN_KEY, type TestControlPlane } from "../support/control-plane-process.js";
import { removePodsOf, requireKubernetesCluster, TEST_KUBECONFIG, testCluster } from "../support/kubernetes-cluster.js";
import {
  ensureNamespace,
  type FakeNodes,
  KWOK_NAMESPACE,
  KWOK_NODE_KEY,
  KWOK_RUN_ANNOTATION,
  requireKwok,
  scaleRun,
  startFakeNodes,
} from "../support/kwok.js";

/** Sized for CI (2 cores): the bench's `kwok` scenario runs 100 nodes and 500 pods. */
const NODES = 20;
const PODS = 100;

const run = (await requireKubernetesCluster([])) && requireKwok();

describe.runIf(run)("an endpoint scaled out to 100 pods on fake (kwok) GPU nodes and back to zero", () => {
  let fake: FakeNodes | undefined;
  let cp: TestControlPlane | undefined;
  let instanceId = "";
  const logDir = mkdtempSync(join(tmpdir(), "runfleet-kwok-"));
  // Made when the tests run: the describe body is evaluated even when they are skipped.
  let core: ReturnType<typeof testCluster>;

  beforeAll(async () => {
    core = testCluster();
    await ensureNamespace(core, KWOK_NAMESPACE);
    fake = await startFakeNodes({
      kubeconfig: TEST_KUBECONFIG,
      count: NODES,
      gpus: 8,
      logFile: join(logDir, "kwok.log"),
    });
    cp = await startTestControlPlane({
      driver: "kubernetes",
      kubeconfig: TEST_KUBECONFIG,
      kubernetesNamespace: KWOK_NAMESPACE,
      ...fake.workerSettings,
      autoscalerTickMs: 100,
      workerStopGraceMs: 1000,
    });
    instanceId = readFileSync(join(cp.dataDir, "instance-id"), "utf8").trim();
  }, 90_000);

  afterAll(async () => {
    await cp?.dispose();
    if (instanceId) {
      await removePodsOf(instanceId, KWOK_NAMESPACE);
    }
    await fake?.remove();
    rmSync(logDir, { recursive: true, force: true });
  }, 60_000);

  it("schedules every pod on a fake node, plays the workers, and leaves no pod; the driver watches, never polls", async () => {
    const realNodes = (await core.listNode()).items.filter(
      (node) => !node.metadata?.annotations?.[KWOK_RUN_ANNOTATION],
    );
    const result = await scaleRun({
      url: cp?.url ?? "",
      adminKey: TEST_ADMIN_KEY,
      kubeconfig: TEST_KUBECONFIG,
      namespace: KWOK_NAMESPACE,
      instanceId,
      pods: PODS,
      runId: fake?.runId ?? "",
      timeoutMs: 60_000,
    });
    console.log(`kwok scale run (${NODES} nodes, ${PODS} pods): ${JSON.stringify(result)}`);
    expect(result.offFakeNodes).toEqual([]);
    expect(result.peakPods).toBe(PODS);
    expect(result.finished).toBe(PODS);
    const requests = result.apiRequests;
    // One pod (and its Secret) per worker, no retry; each stopped once.
    expect(requests["create pods"]).toBe(PODS);
    expect(requests["create secrets"]).toBe(PODS);
    expect(requests["delete pods"]).toBeGreaterThanOrEqual(PODS);
    // Watches, not polling: the pod list and the watch do not grow with the number of pods (the orphan
    // sweep lists every 30 s), and no pod is read one by one.
    expect(requests["list pods"] ?? 0).toBeLessThanOrEqual(4);
    expect(requests["watch pods"] ?? 0).toBeLessThanOrEqual(3);
    expect(requests["get pods"] ?? 0).toBeLessThan(PODS / 10);
    // The real node is kwok's in nothing: no annotation, and its own kubelet still reports it Ready.
    for (const node of realNodes) {
      const now = await core.readNode({ name: node.metadata?.name ?? "" });
      expect(now.metadata?.annotations?.[KWOK_NODE_KEY]).toBeUndefined();
      expect(now.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
      expect(now.status?.nodeInfo?.kubeletVersion).not.toMatch(/kwok/);
    }
  }, 110_000);
});
