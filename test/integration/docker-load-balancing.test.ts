import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, TEST_ADMIN_KEY, type TestControlPlane } from "../support/control-plane-process.js";
import {
  containersOf,
  DOCKER_HOST,
  ECHO_IMAGE,
  removeContainersOf,
  requireDockerEngine,
} from "../support/docker-engine.js";
import { eventually } from "../support/workers.js";

const run = await requireDockerEngine([ECHO_IMAGE]);

/**
 * A load-balancing worker's server for a container: the echo worker's image carries Node, and the
 * template's command replaces the image's own. It answers /ping and says where it runs.
 */
const SERVER = `
const { createServer } = require("node:http");
const { existsSync } = require("node:fs");
const { hostname } = require("node:os");
createServer((req, res) => {
  if (req.url === "/ping") {
    res.writeHead(200).end("ok");
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({
    url: req.url,
    port: Number(process.env.PORT),
    healthPort: Number(process.env.PORT_HEALTH),
    workerId: process.env.RUNFLEET_WORKER_ID,
    inContainer: existsSync("/.dockerenv"),
    hostname: hostname(),
    forwardedFor: req.headers["x-forwarded-for"] ?? null,
  }));
}).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
`;

interface WhereAmI {
  url: string;
  port: number;
  healthPort: number;
  workerId: string;
  inContainer: boolean;
  forwardedFor: string | null;
}

describe.runIf(run)("load-balancing endpoints on the Docker driver (host networking)", () => {
  let cp: TestControlPlane;
  let instanceId: string;

  beforeAll(async () => {
    const first = 30_000 + Math.floor(Math.random() * 200) * 50;
    cp = await startTestControlPlane({
      driver: "docker",
      dockerHost: DOCKER_HOST,
      autoscalerTickMs: 100,
      workerStopGraceMs: 2000,
      lbPortRange: `${first}-${first + 49}`,
      lbHealthIntervalMs: 100,
      lbColdStartWaitMs: 30_000,
    });
    instanceId = readFileSync(join(cp.dataDir, "instance-id"), "utf8").trim();
  });

  afterAll(async () => {
    await cp?.dispose();
    if (instanceId) {
      await removeContainersOf(instanceId);
    }
  });

  it("starts a container for the first request, routes to its own server on its port, and scales back to 0", async () => {
    const name = `lb-${Math.random().toString(36).slice(2)}`;
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", {
      name,
      imageName: ECHO_IMAGE,
      command: ["node", "-e", SERVER],
    });
    expect(template.status).toBe(201);
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name,
      templateId: template.body.id,
      type: "LOAD_BALANCER",
      computeType: "CPU",
      scalerType: "REQUEST_COUNT",
      scalerValue: 4,
      workersMin: 0,
      workersMax: 1,
      idleTimeout: 1,
    });
    expect(endpoint.status).toBe(201);
    const endpointId = endpoint.body.id;
    expect(await containersOf(instanceId)).toEqual([]);

    // The first request waits for the container's cold start, then reaches its server.
    const response = await fetch(`${cp.url}/lb/${endpointId}/hello?x=1`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as WhereAmI;
    expect(body.inContainer).toBe(true);
    expect(body.url).toBe("/hello?x=1");
    expect(body.forwardedFor).toBe("127.0.0.1");
    expect(body.healthPort).toBe(body.port);
    expect(body.port).toBeGreaterThanOrEqual(30_000);
    const containers = await containersOf(instanceId);
    expect(containers).toHaveLength(1);
    expect(containers[0]?.State).toBe("running");
    expect(containers[0]?.HostConfig.NetworkMode).toBe("host");
    const workers = await cp.call<{ id: string; status: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`);
    expect(workers.body.map((w) => w.id)).toEqual([body.workerId]);

    // Idle past idleTimeout (1 s) with workersMin 0: the container is stopped and removed.
    await eventually(
      async () => ((await containersOf(instanceId)).length === 0 ? true : undefined),
      30_000,
      "the container gone",
    );
  });
});
