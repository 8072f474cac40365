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

  it("refuses an unknown flag", () => {
    expect(() => readConfig(["--prot", "1"], {}, "/srv")).toThrow(/--prot/);
  });

  it("refuses a driver that is not built", () => {
    expect(() => readConfig(["--driver", "kubernetes"], {}, "/srv")).toThrow(
      /--driver \(RUNFLEET_DRIVER\): must be process or docker/,
    );
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
