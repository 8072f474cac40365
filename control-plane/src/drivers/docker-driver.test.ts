import { describe, expect, it } from "vitest";
import {
  containerSpec,
  DOCKER_LABELS,
  LogFrameDecoder,
  parseDockerAuths,
  parseLogFrames,
  registryOf,
} from "./docker-driver.js";
import type { WorkerSpec } from "./worker-driver.js";

const base: WorkerSpec = {
  workerId: "wk_1",
  endpointId: "ep_1",
  command: [],
  image: "runfleet/echo-worker:dev",
  env: { RUNPOD_POD_ID: "wk_1" },
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
const settings = { instanceId: "cp_1", networkMode: "host", startedAt: 1_700_000_000_000 };

describe("containerSpec", () => {
  it("labels the container with its owner, endpoint and worker, on host networking with an init", () => {
    const spec = containerSpec(base, settings);
    expect(spec).toMatchObject({
      name: "runfleet-wk_1",
      Image: "runfleet/echo-worker:dev",
      Cmd: undefined,
      Env: ["RUNPOD_POD_ID=wk_1"],
      Labels: {
        [DOCKER_LABELS.instance]: "cp_1",
        [DOCKER_LABELS.endpoint]: "ep_1",
        [DOCKER_LABELS.worker]: "wk_1",
        [DOCKER_LABELS.startedAt]: "1700000000000",
      },
      HostConfig: { NetworkMode: "host", Init: true },
    });
    expect(spec.HostConfig?.DeviceRequests).toBeUndefined();
    expect(spec.HostConfig?.PortBindings).toBeUndefined();
  });

  const cases: [string, Partial<WorkerSpec>, string, (s: ReturnType<typeof containerSpec>) => unknown, unknown][] = [
    ["the template's command", { command: ["node", "w.js"] }, "host", (s) => s.Cmd, ["node", "w.js"]],
    ["CPU cores as nano-CPUs", { cpuLimit: 1.5 }, "host", (s) => s.HostConfig?.NanoCpus, 1_500_000_000],
    ["memory in bytes", { memoryLimitMb: 512 }, "host", (s) => s.HostConfig?.Memory, 512 * 1024 * 1024],
    [
      "the assigned GPUs as an nvidia device request",
      { gpuIds: ["2", "3"] },
      "host",
      (s) => s.HostConfig?.DeviceRequests,
      [{ Driver: "nvidia", DeviceIDs: ["2", "3"], Capabilities: [["gpu"]] }],
    ],
    [
      "GPUs renumbered from 0 inside the container",
      { gpuIds: ["2", "3"], env: { CUDA_VISIBLE_DEVICES: "2,3" } },
      "host",
      (s) => s.Env,
      ["CUDA_VISIBLE_DEVICES=0,1"],
    ],
    [
      "ports exposed, http as tcp",
      { ports: ["8000/http", "9000/udp"] },
      "host",
      (s) => s.ExposedPorts,
      { "8000/tcp": {}, "9000/udp": {} },
    ],
    [
      "ports published on loopback only, off host networking",
      { ports: ["8000/http"] },
      "bridge",
      (s) => s.HostConfig?.PortBindings,
      { "8000/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
    ],
    ["the network mode", {}, "runfleet-net", (s) => s.HostConfig?.NetworkMode, "runfleet-net"],
    ["the container disk size", { containerDiskInGb: 20 }, "host", (s) => s.HostConfig?.StorageOpt, { size: "20G" }],
    ["no disk size when none is set", {}, "host", (s) => s.HostConfig?.StorageOpt, undefined],
    [
      "a named volume as the engine's runfleet-<name> volume, labelled",
      { volumeMounts: [{ type: "volume", name: "hf-cache", mountPath: "/runpod-volume" }] },
      "host",
      (s) => s.HostConfig?.Mounts,
      [
        {
          Type: "volume",
          Source: "runfleet-hf-cache",
          Target: "/runpod-volume",
          ReadOnly: false,
          VolumeOptions: {
            NoCopy: false,
            Labels: { [DOCKER_LABELS.volume]: "hf-cache" },
            DriverConfig: { Name: "local", Options: {} },
          },
        },
      ],
    ],
    [
      "a host directory as a bind mount, read-only when asked",
      { volumeMounts: [{ type: "hostPath", hostPath: "/srv/models", mountPath: "/models", readOnly: true }] },
      "host",
      (s) => s.HostConfig?.Mounts,
      [{ Type: "bind", Source: "/srv/models", Target: "/models", ReadOnly: true }],
    ],
  ];
  it.each(cases)("sets %s", (_name, patch, networkMode, pick, want) => {
    expect(pick(containerSpec({ ...base, ...patch }, { ...settings, networkMode }))).toEqual(want);
  });

  it("leaves the disk size out when the engine has said it cannot enforce one", () => {
    const spec = containerSpec({ ...base, containerDiskInGb: 20 }, { ...settings, limitDisk: false });
    expect(spec.HostConfig?.StorageOpt).toBeUndefined();
  });
});

describe("registryOf", () => {
  it.each([
    ["runfleet/echo-worker:dev", "docker.io"],
    ["ubuntu", "docker.io"],
    ["127.0.0.1:5000/runfleet/echo-worker:dev", "127.0.0.1:5000"],
    ["ghcr.io/acme/worker@sha256:abc", "ghcr.io"],
    ["localhost/worker", "localhost"],
  ])("%s pulls from %s", (image, registry) => {
    expect(registryOf(image)).toBe(registry);
  });
});

describe("parseDockerAuths", () => {
  it("reads `auth` entries and user/password entries, with Docker Hub under docker.io", () => {
    const text = JSON.stringify({
      auths: {
        "127.0.0.1:5000": { auth: Buffer.from("runfleet:pa:ss").toString("base64") },
        "https://index.docker.io/v1/": { username: "me", password: "secret" },
        "empty.example": {},
      },
    });
    expect(parseDockerAuths(text)).toEqual({
      "127.0.0.1:5000": { username: "runfleet", password: "pa:ss" },
      "docker.io": { username: "me", password: "secret" },
    });
  });

  it("fails on a file that is not JSON", () => {
    expect(() => parseDockerAuths("auths:")).toThrow();
  });
});

describe("parseLogFrames", () => {
  const frame = (stream: 1 | 2, text: string) => {
    const payload = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(payload.length, 4);
    return Buffer.concat([header, payload]);
  };

  it("splits the multiplexed stream into timed lines per stream", () => {
    const output = Buffer.concat([
      frame(1, "2026-12-01T08:00:00.123456789Z hello\n2026-12-01T08:00:00.2Z tick 0\n"),
      frame(2, "2026-12-01T08:00:01Z to stderr\n"),
    ]);
    expect(parseLogFrames(output)).toEqual([
      { at: "2026-12-01T08:00:00.123Z", stream: "stdout", line: "hello" },
      { at: "2026-12-01T08:00:00.200Z", stream: "stdout", line: "tick 0" },
      { at: "2026-12-01T08:00:01.000Z", stream: "stderr", line: "to stderr" },
    ]);
  });

  it("gives the same lines when the stream arrives cut anywhere (a follow reads it chunk by chunk)", () => {
    const output = Buffer.concat([
      frame(1, "2026-12-01T08:00:00Z first\n"),
      frame(2, "2026-12-01T08:00:01Z second\n"),
      frame(1, "2026-12-01T08:00:02Z third\n"),
    ]);
    const whole = parseLogFrames(output);
    for (const cut of [1, 5, 8, 9, 20, output.length - 1]) {
      const decoder = new LogFrameDecoder();
      const lines = [...decoder.push(output.subarray(0, cut)), ...decoder.push(output.subarray(cut))];
      expect(lines, `cut at byte ${cut}`).toEqual(whole);
    }
    expect(whole.map((l) => l.line)).toEqual(["first", "second", "third"]);
  });
});
