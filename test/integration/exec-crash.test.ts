import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRunfleet } from "@runfleet/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import { freePort, type ServeProcess, startServeProcess } from "../support/control-plane-subprocess.js";
import { eventually, NODE } from "../support/workers.js";

describe("a session inside a worker when the control plane is killed with SIGKILL", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "runfleet-exec-crash-"));
  let serve: ServeProcess | undefined;

  afterAll(async () => {
    if (serve) {
      serve.child.kill("SIGTERM"); // a graceful stop stops its workers
      await serve.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is on record from its start, and marked interrupted by the next start", async () => {
    const port = await freePort();
    const args = ["--port", String(port), "--data-dir", dataDir, "--autoscaler-tick-ms", "100"];
    const env = { RUNFLEET_ADMIN_KEY: TEST_ADMIN_KEY, RUNFLEET_LOG_LEVEL: "warn" };
    serve = await startServeProcess(args, env);
    const runfleet = createRunfleet({ baseUrl: serve.url, apiKey: TEST_ADMIN_KEY });
    const template = await runfleet.templates.create({
      name: "idle",
      command: [NODE, "-e", "setInterval(() => {}, 1000)"],
    });
    const endpoint = await runfleet.endpoints.create({
      name: "idle",
      templateId: template.id,
      computeType: "CPU",
      workersMin: 1,
      workersMax: 1,
    });
    const workerId = await eventually(async () => (await runfleet.workers.list(endpoint.id))[0]?.id, 15_000);
    // A session that runs while the control plane dies: its answer is still streaming.
    let sessionId = "";
    const streaming = (async () => {
      for await (const event of runfleet.workers.exec(endpoint.id, workerId, {
        command: ["sh", "-c", "echo up; sleep 3"],
      })) {
        if (event.type === "started") {
          sessionId = event.sessionId;
        }
      }
    })().catch(() => undefined);
    await eventually(async () => {
      const [running] = await runfleet.audit.list({ workerId, limit: 1 });
      return running?.outcome === "running" ? running : undefined;
    });
    serve.child.kill("SIGKILL");
    await serve.exited;
    await streaming;
    serve = await startServeProcess(args, env);
    const after = createRunfleet({ baseUrl: serve.url, apiKey: TEST_ADMIN_KEY });
    const events = await after.audit.list({ workerId });
    const event = events.find((candidate) => candidate.id === sessionId);
    expect(event).toBeDefined();
    expect(event).toMatchObject({ outcome: "interrupted", exitCode: null, command: ["sh", "-c", "echo up; sleep 3"] });
    expect(Date.parse(event?.endedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(event?.startedAt ?? ""));
    expect(events.every((candidate) => candidate.outcome !== "running")).toBe(true);
  });
});
