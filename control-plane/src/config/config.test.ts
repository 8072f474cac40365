import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "./config.js";

describe("readConfig", () => {
  it("applies the defaults", () => {
    const config = readConfig([], {}, "/srv");
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      dataDir: "/srv/.runfleet",
      driver: "process",
      jobLeaseMs: 30_000,
    });
  });

  it("takes RUNFLEET_* variables, and flags over them", () => {
    const config = readConfig(
      ["--port", "9001"],
      { RUNFLEET_PORT: "9000", RUNFLEET_HOST: "::1", RUNFLEET_LOG_LEVEL: "debug" },
      "/srv",
    );
    expect(config).toMatchObject({ port: 9001, host: "::1", logLevel: "debug" });
  });

  it("names the flag and the variable of an invalid value", () => {
    expect(() => readConfig(["--port", "abc"], {}, "/srv")).toThrow(ConfigError);
    expect(() => readConfig([], { RUNFLEET_JOB_LEASE_MS: "5" }, "/srv")).toThrow(
      /--job-lease-ms \(RUNFLEET_JOB_LEASE_MS\)/,
    );
  });

  it("keeps commits across a process crash by default, and across a power loss on request", () => {
    expect(readConfig([], {}, "/srv").storeSync).toBe("normal");
    expect(readConfig([], { RUNFLEET_STORE_SYNC: "full" }, "/srv").storeSync).toBe("full");
    expect(() => readConfig(["--store-sync", "always"], {}, "/srv")).toThrow(/--store-sync \(RUNFLEET_STORE_SYNC\)/);
  });

  it("uses the embedded store unless a database URL is given, which needs a shared secret key", () => {
    const embedded = readConfig([], {}, "/srv");
    expect(embedded.databaseUrl).toBeUndefined();
    expect(embedded.databaseSchema).toBe("public");
    const secretKey = "k".repeat(32);
    const config = readConfig(
      ["--database-url", "postgres://runfleet@127.0.0.1:5432/runfleet"],
      { RUNFLEET_SECRET_KEY: secretKey, RUNFLEET_DATABASE_POOL_SIZE: "20" },
      "/srv",
    );
    expect(config).toMatchObject({
      databaseUrl: "postgres://runfleet@127.0.0.1:5432/runfleet",
      databasePoolSize: 20,
      databaseConnectTimeoutMs: 10_000,
    });
    expect(() =>
      readConfig([], { RUNFLEET_DATABASE_URL: "mysql://x/y", RUNFLEET_SECRET_KEY: secretKey }, "/srv"),
    ).toThrow(/--database-url \(RUNFLEET_DATABASE_URL\): must be a postgres:\/\/ URL/);
    expect(() => readConfig([], { RUNFLEET_DATABASE_URL: "postgres://h/db" }, "/srv")).toThrow(
      /--secret-key \(RUNFLEET_SECRET_KEY\): is required with --database-url/,
    );
    expect(() =>
      readConfig(
        ["--database-schema", "Bad-Name"],
        { RUNFLEET_DATABASE_URL: "postgres://h/db", RUNFLEET_SECRET_KEY: secretKey },
        "/srv",
      ),
    ).toThrow(/--database-schema/);
  });

  it("refuses an unknown flag", () => {
    expect(() => readConfig(["--prot", "1"], {}, "/srv")).toThrow(/--prot/);
  });

  it("refuses a driver that does not exist", () => {
    expect(() => readConfig(["--driver", "nomad"], {}, "/srv")).toThrow(
      /--driver \(RUNFLEET_DRIVER\): must be process, docker or kubernetes/,
    );
  });

  it("takes the kubernetes driver's kubeconfig from KUBECONFIG, and its settings from RUNFLEET_KUBERNETES_*", () => {
    const config = readConfig(
      ["--driver", "kubernetes", "--kubernetes-namespace", "gpu-workers"],
      {
        KUBECONFIG: "/etc/kube/config",
        RUNFLEET_KUBERNETES_IMAGE_PULL_SECRETS: "regcred, other",
        RUNFLEET_KUBERNETES_HOST_NETWORK: "false",
      },
      "/srv",
    );
    expect(config).toMatchObject({
      driver: "kubernetes",
      kubeconfig: "/etc/kube/config",
      kubernetesNamespace: "gpu-workers",
      kubernetesGpuLabel: "nvidia.com/gpu.product",
      kubernetesImagePullSecrets: ["regcred", "other"],
      kubernetesHostNetwork: false,
    });
    expect(() => readConfig(["--kubernetes-namespace", "Bad_Name"], {}, "/srv")).toThrow(
      /--kubernetes-namespace \(RUNFLEET_KUBERNETES_NAMESPACE\): must be a Kubernetes namespace name/,
    );
  });

  it("takes worker pods' tolerations as JSON and their node selector as key=value pairs", () => {
    expect(readConfig([], {}, "/srv")).toMatchObject({ kubernetesTolerations: [], kubernetesNodeSelector: {} });
    const config = readConfig(
      ["--kubernetes-node-selector", "pool=gpu, example.com/zone=a,"],
      {
        RUNFLEET_KUBERNETES_TOLERATIONS:
          '[{"key":"kwok.x-k8s.io/node","operator":"Exists","effect":"NoSchedule"},{"key":"spot","operator":"Equal","value":"true","effect":"NoExecute","tolerationSeconds":30}]',
      },
      "/srv",
    );
    expect(config.kubernetesTolerations).toEqual([
      { key: "kwok.x-k8s.io/node", operator: "Exists", effect: "NoSchedule" },
      { key: "spot", operator: "Equal", value: "true", effect: "NoExecute", tolerationSeconds: 30 },
    ]);
    expect(config.kubernetesNodeSelector).toEqual({ pool: "gpu", "example.com/zone": "a" });
  });

  it.each([
    [
      "--kubernetes-tolerations",
      "{not json",
      /--kubernetes-tolerations \(RUNFLEET_KUBERNETES_TOLERATIONS\): must be a JSON list/,
    ],
    [
      "--kubernetes-tolerations",
      '{"key":"a"}',
      /--kubernetes-tolerations \(RUNFLEET_KUBERNETES_TOLERATIONS\): .*array/,
    ],
    [
      "--kubernetes-tolerations",
      '[{"key":"a","effect":"Never"}]',
      /effect must be NoSchedule, PreferNoSchedule or NoExecute/,
    ],
    ["--kubernetes-tolerations", '[{"key":"a","operator":"Exists","value":"b"}]', /operator Exists has no value/],
    ["--kubernetes-tolerations", '[{"operator":"Equal","value":"b"}]', /without a key must have operator Exists/],
    [
      "--kubernetes-tolerations",
      '[{"key":"a","tolerationSeconds":5}]',
      /tolerationSeconds applies to effect NoExecute only/,
    ],
    ["--kubernetes-tolerations", '[{"key":"a","effects":"NoSchedule"}]', /Unrecognized key/],
    [
      "--kubernetes-node-selector",
      "pool",
      /--kubernetes-node-selector \(RUNFLEET_KUBERNETES_NODE_SELECTOR\): "pool" is not key=value/,
    ],
    [
      "--kubernetes-node-selector",
      "pool=a b",
      /--kubernetes-node-selector \(RUNFLEET_KUBERNETES_NODE_SELECTOR\): must be a Kubernetes label value/,
    ],
    ["--kubernetes-node-selector", "bad key=a", /--kubernetes-node-selector \(RUNFLEET_KUBERNETES_NODE_SELECTOR\): /],
  ])("refuses %s %s, naming the flag", (flag, value, message) => {
    expect(() => readConfig([flag, value], {}, "/srv")).toThrow(message);
  });

  it("takes the docker driver's engine from DOCKER_HOST, and its settings from RUNFLEET_DOCKER_*", () => {
    const config = readConfig(
      ["--docker-network", "runfleet"],
      { RUNFLEET_DRIVER: "docker", DOCKER_HOST: "unix:///run/runfleet/docker.sock" },
      "/srv",
    );
    expect(config).toMatchObject({
      driver: "docker",
      dockerHost: "unix:///run/runfleet/docker.sock",
      dockerNetwork: "runfleet",
    });
    expect(() => readConfig(["--docker-host", "/var/run/docker.sock"], {}, "/srv")).toThrow(
      /--docker-host \(DOCKER_HOST\): must be unix:\/\/\/path/,
    );
  });
});
