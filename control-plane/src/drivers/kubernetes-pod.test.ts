import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  attributeStreams,
  gpuProductLabelValue,
  instantNs,
  PodLogDecoder,
  type PodSettings,
  podCondition,
  podName,
  sinceTimeOf,
  workerOfPod,
  workerPod,
  workerPullSecret,
  workerSecret,
} from "./kubernetes-pod.js";
import type { WorkerSpec } from "./worker-driver.js";

const spec: WorkerSpec = {
  workerId: "wk_abc123",
  endpointId: "ep_xyz",
  command: ["node", "worker.js"],
  image: "runfleet/echo-worker:dev",
  env: { RUNPOD_AI_API_KEY: "secret-token", GREETING: "hi" },
  gpuIds: [],
  gpuCount: 0,
  gpuTypeIds: [],
  cpuLimit: null,
  memoryLimitMb: null,
  containerDiskInGb: null,
  volumeMounts: [],
  registryCredentials: null,
  ports: [],
};

const settings: PodSettings = {
  instanceId: "cp_one",
  namespace: "workers",
  hostNetwork: true,
  gpuProductLabel: "nvidia.com/gpu.product",
  imagePullSecrets: [],
  serviceAccountName: undefined,
  tolerations: [],
  nodeSelector: {},
  startedAt: 1_700_000_000_000,
};

describe("workerPod", () => {
  it("names the pod after the worker and labels it with its owner, endpoint and worker", () => {
    const pod = workerPod(spec, settings);
    expect(pod.metadata).toMatchObject({
      name: "runfleet-wk-abc123",
      namespace: "workers",
      labels: {
        "app.kubernetes.io/managed-by": "runfleet",
        "runfleet.dev/instance": "cp_one",
        "runfleet.dev/endpoint": "ep_xyz",
        "runfleet.dev/worker": "wk_abc123",
      },
      annotations: { "runfleet.dev/started-at": "1700000000000" },
    });
    expect(pod.spec).toMatchObject({
      restartPolicy: "Never",
      hostNetwork: true,
      dnsPolicy: "Default",
      shareProcessNamespace: true,
      enableServiceLinks: false,
      automountServiceAccountToken: false,
    });
  });

  it("passes every environment value through the worker's Secret, none inline", () => {
    const pod = workerPod(spec, settings);
    const container = pod.spec?.containers[0];
    expect(container?.env).toEqual([
      {
        name: "RUNPOD_AI_API_KEY",
        valueFrom: { secretKeyRef: { name: "runfleet-wk-abc123-env", key: "RUNPOD_AI_API_KEY" } },
      },
      { name: "GREETING", valueFrom: { secretKeyRef: { name: "runfleet-wk-abc123-env", key: "GREETING" } } },
    ]);
    expect(JSON.stringify(pod)).not.toContain("secret-token");
    const secret = workerSecret(spec, settings);
    expect(secret.metadata?.name).toBe("runfleet-wk-abc123-env");
    expect(secret.stringData).toEqual(spec.env);
    expect(secret.metadata?.labels?.["runfleet.dev/worker"]).toBe("wk_abc123");
  });

  it("refuses an environment variable name a Secret key cannot hold", () => {
    expect(() => workerSecret({ ...spec, env: { "BAD NAME": "x" } }, settings)).toThrow(/"BAD NAME" cannot be passed/);
  });

  it.each([
    ["no limits", {}, undefined],
    ["CPU and memory", { cpuLimit: 0.5, memoryLimitMb: 256 }, { cpu: "500m", memory: "256Mi" }],
    ["GPUs", { gpuCount: 2 }, { "nvidia.com/gpu": "2" }],
  ])("sets the container's limits: %s", (_name, change, limits) => {
    const pod = workerPod({ ...spec, ...change }, settings);
    expect(pod.spec?.containers[0]?.resources?.limits).toEqual(limits);
  });

  it.each([
    ["any GPU type", [], undefined, undefined],
    [
      "one GPU type: a node selector",
      ["NVIDIA GeForce RTX 4090"],
      { "nvidia.com/gpu.product": "NVIDIA-GeForce-RTX-4090" },
      undefined,
    ],
    [
      "several types: a node affinity",
      ["NVIDIA A100 80GB PCIe", "NVIDIA H100 80GB HBM3"],
      undefined,
      ["NVIDIA-A100-80GB-PCIe", "NVIDIA-H100-80GB-HBM3"],
    ],
  ])("selects nodes by GPU type: %s", (_name, gpuTypeIds, nodeSelector, values) => {
    const pod = workerPod({ ...spec, gpuCount: 1, gpuTypeIds }, settings);
    expect(pod.spec?.nodeSelector).toEqual(nodeSelector);
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    expect(terms?.[0]?.matchExpressions?.[0]?.values).toEqual(values);
    expect(pod.spec?.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
  });

  it("uses the configured GPU label, pull secrets, service account and network", () => {
    const pod = workerPod(
      { ...spec, gpuCount: 1, gpuTypeIds: ["NVIDIA L4"] },
      {
        ...settings,
        gpuProductLabel: "cloud.example.com/gpu",
        imagePullSecrets: ["regcred"],
        serviceAccountName: "workers",
        hostNetwork: false,
      },
    );
    expect(pod.spec).toMatchObject({
      nodeSelector: { "cloud.example.com/gpu": "NVIDIA-L4" },
      imagePullSecrets: [{ name: "regcred" }],
      serviceAccountName: "workers",
      hostNetwork: false,
      dnsPolicy: "ClusterFirst",
    });
  });

  const gpuToleration = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };
  const fake = { key: "kwok.x-k8s.io/node", operator: "Exists", effect: "NoSchedule" };
  it.each([
    ["nothing configured, CPU worker", {}, {}, undefined, undefined],
    ["nothing configured, GPU worker", { gpuCount: 1 }, {}, undefined, [gpuToleration]],
    ["configured, CPU worker", {}, { tolerations: [fake], nodeSelector: { pool: "fake" } }, { pool: "fake" }, [fake]],
    [
      "configured, GPU worker of one type",
      { gpuCount: 8, gpuTypeIds: ["NVIDIA KWOK H100"] },
      { tolerations: [fake], nodeSelector: { pool: "fake" } },
      { pool: "fake", "nvidia.com/gpu.product": "NVIDIA-KWOK-H100" },
      [gpuToleration, fake],
    ],
    [
      "the GPU type wins over a configured GPU label",
      { gpuCount: 1, gpuTypeIds: ["NVIDIA L4"] },
      { tolerations: [], nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A10", pool: "a" } },
      { "nvidia.com/gpu.product": "NVIDIA-L4", pool: "a" },
      [gpuToleration],
    ],
    [
      "several GPU types: the affinity replaces a configured GPU label",
      { gpuCount: 1, gpuTypeIds: ["NVIDIA L4", "NVIDIA A10"] },
      { tolerations: [], nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A10", pool: "a" } },
      { pool: "a" },
      [gpuToleration],
    ],
  ])(
    "adds the configured tolerations and node selector: %s",
    (_name, change, configured, nodeSelector, tolerations) => {
      const pod = workerPod({ ...spec, ...change }, { ...settings, ...configured });
      expect(pod.spec?.nodeSelector).toEqual(nodeSelector);
      expect(pod.spec?.tolerations).toEqual(tolerations);
    },
  );

  it("does not share the configured tolerations and node selector between pods", () => {
    const configured = { ...settings, tolerations: [fake], nodeSelector: { pool: "fake" } };
    const pod = workerPod({ ...spec, gpuCount: 1, gpuTypeIds: ["NVIDIA L4"] }, configured);
    pod.spec?.tolerations?.push({ key: "x" });
    expect(configured.nodeSelector).toEqual({ pool: "fake" });
    expect(workerPod(spec, configured).spec?.tolerations).toEqual([fake]);
  });

  it("maps the template's disk size, volumes and registry credentials onto the pod", () => {
    const withStorage: WorkerSpec = {
      ...spec,
      image: "registry.example:5000/team/model:1",
      containerDiskInGb: 20,
      volumeMounts: [
        { type: "volume", name: "model-cache", mountPath: "/runpod-volume" },
        { type: "hostPath", hostPath: "/srv/weights", mountPath: "/weights", readOnly: true },
      ],
      registryCredentials: { username: "puller", password: "s3cret" },
    };
    const pod = workerPod(withStorage, { ...settings, imagePullSecrets: ["cluster-wide"] });
    const container = pod.spec?.containers[0];
    expect(container?.resources?.limits).toEqual({ "ephemeral-storage": "20Gi" });
    expect(pod.spec?.volumes).toEqual([
      { name: "volume-0", persistentVolumeClaim: { claimName: "runfleet-model-cache", readOnly: false } },
      { name: "volume-1", hostPath: { path: "/srv/weights", type: "Directory" } },
    ]);
    expect(container?.volumeMounts).toEqual([
      { name: "volume-0", mountPath: "/runpod-volume", readOnly: false },
      { name: "volume-1", mountPath: "/weights", readOnly: true },
    ]);
    // The template's credentials come first, then the driver's own.
    expect(pod.spec?.imagePullSecrets).toEqual([{ name: "runfleet-wk-abc123-pull" }, { name: "cluster-wide" }]);
    const pull = workerPullSecret(withStorage, settings);
    expect(pull?.type).toBe("kubernetes.io/dockerconfigjson");
    expect(JSON.parse(pull?.stringData?.[".dockerconfigjson"] ?? "{}")).toEqual({
      auths: { "registry.example:5000": { username: "puller", password: "s3cret", auth: "cHVsbGVyOnMzY3JldA==" } },
    });
    expect(workerPullSecret(spec, settings)).toBeUndefined();
    expect(workerPod(spec, settings).spec?.volumes).toBeUndefined();
  });

  it("refuses a template without an image", () => {
    expect(() => workerPod({ ...spec, image: null }, settings)).toThrow(/the template has no imageName/);
  });
});

describe("gpuProductLabelValue and podName", () => {
  it.each([
    ["NVIDIA GeForce RTX 4090", "NVIDIA-GeForce-RTX-4090"],
    ["  NVIDIA  H100 80GB HBM3 ", "NVIDIA-H100-80GB-HBM3"],
    ["AMD Instinct MI300X (OAM)", "AMD-Instinct-MI300X-OAM"],
  ])("%s is labelled %s", (id, label) => {
    expect(gpuProductLabelValue(id)).toBe(label);
  });

  it("makes a valid pod name of a worker id", () => {
    expect(podName("wk_0a9z")).toBe("runfleet-wk-0a9z");
  });
});

/** A pod with the given status, labelled as a worker's. */
function podWith(status: V1Pod["status"], extra: Partial<V1Pod["metadata"]> = {}): V1Pod {
  return {
    metadata: {
      labels: { "runfleet.dev/worker": "wk_1", "runfleet.dev/endpoint": "ep_1" },
      annotations: { "runfleet.dev/started-at": "1000" },
      ...extra,
    },
    status,
  };
}

describe("podCondition", () => {
  it.each<[string, V1Pod["status"], ReturnType<typeof podCondition>]>([
    ["a new pod", { phase: "Pending" }, { kind: "live", state: "running" }],
    [
      "unschedulable",
      {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/1 nodes are available: 1 Insufficient nvidia.com/gpu.",
          },
        ],
      },
      { kind: "pending", reason: "Unschedulable", message: "0/1 nodes are available: 1 Insufficient nvidia.com/gpu." },
    ],
    [
      "image pull back-off",
      {
        phase: "Pending",
        containerStatuses: [
          {
            name: "worker",
            image: "x",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' } },
          },
        ],
      },
      { kind: "failed-to-start", reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' },
    ],
    [
      "creating its container",
      {
        phase: "Pending",
        containerStatuses: [
          {
            name: "worker",
            image: "x",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "ContainerCreating" } },
          },
        ],
      },
      { kind: "live", state: "running" },
    ],
    [
      "exited with a code",
      {
        phase: "Failed",
        containerStatuses: [
          {
            name: "worker",
            image: "x",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 3, reason: "Error" } },
          },
        ],
      },
      { kind: "ended", exit: 3 },
    ],
    ["evicted before its container ran", { phase: "Failed", reason: "Evicted" }, { kind: "ended", exit: "Evicted" }],
  ])("%s", (_name, status, condition) => {
    expect(podCondition(podWith(status))).toEqual(condition);
  });

  it("lists a pod as its worker, ended pods as exited", () => {
    expect(workerOfPod(podWith({ phase: "Running" }))).toEqual({
      workerId: "wk_1",
      endpointId: "ep_1",
      state: "running",
      exit: null,
      startedAt: 1000,
    });
    expect(workerOfPod(podWith({ phase: "Succeeded", reason: undefined }))).toMatchObject({ state: "exited", exit: 0 });
    expect(workerOfPod({ metadata: { labels: {} } })).toBeUndefined();
  });
});

describe("pod logs", () => {
  it("splits timestamped log text into lines, holding a line cut between chunks", () => {
    const decoder = new PodLogDecoder("stderr");
    const lines = (stamped: ReturnType<PodLogDecoder["push"]>) => stamped.map((s) => s.line);
    expect(lines(decoder.push("2026-01-02T03:04:05.123456789Z first\n2026-01-02T03:04:05.2Z sec"))).toEqual([
      { at: "2026-01-02T03:04:05.123Z", stream: "stderr", line: "first" },
    ]);
    expect(lines(decoder.push("ond line\n"))).toEqual([
      { at: "2026-01-02T03:04:05.200Z", stream: "stderr", line: "second line" },
    ]);
    expect(decoder.push("2026-01-02T03:04:06Z no newline")).toEqual([]);
    expect(lines(decoder.end())).toEqual([{ at: "2026-01-02T03:04:06.000Z", stream: "stderr", line: "no newline" }]);
  });

  it("reads instants to the nanosecond, whatever the number of fraction digits", () => {
    expect(instantNs("2026-01-02T03:04:05.2Z")).toBe(instantNs("2026-01-02T03:04:05.200000000Z"));
    expect(
      (instantNs("2026-01-02T03:04:05.000000002Z") ?? 0n) - (instantNs("2026-01-02T03:04:05.000000001Z") ?? 0n),
    ).toBe(1n);
    expect(instantNs("yesterday")).toBeNull();
    expect(sinceTimeOf(instantNs("2026-01-02T03:04:05.999Z") ?? 0n)).toBe("2026-01-02T03:04:05Z");
  });

  it("tells the streams of a mixed tail apart by the stderr lines of the same span", () => {
    const mixed = new PodLogDecoder("stdout").push(
      [
        "2026-01-01T00:00:01.1Z a",
        "2026-01-01T00:00:01.2Z oops",
        "2026-01-01T00:00:01.3Z oops",
        "2026-01-01T00:00:01.4Z b",
        "",
      ].join("\n"),
    );
    const stderr = new PodLogDecoder("stderr").push(
      ["2026-01-01T00:00:00.9Z older", "2026-01-01T00:00:01.3Z oops", ""].join("\n"),
    );
    expect(attributeStreams(mixed, stderr).map((s) => `${s.line.stream}:${s.line.line}`)).toEqual([
      "stdout:a",
      "stdout:oops",
      "stderr:oops",
      "stdout:b",
    ]);
  });
});
