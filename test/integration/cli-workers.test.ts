import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
  warmEchoEndpoint,
} from "../support/control-plane-process.js";
import { runfleetCli } from "../support/control-plane-subprocess.js";

describe("runfleet workers, run as a subprocess", () => {
  let cp: TestControlPlane;
  let endpointId: string;
  let workerId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane({ autoscalerTickMs: 100 });
    ({ endpointId, workerId } = await warmEchoEndpoint(cp));
  });

  afterAll(async () => {
    await cp.dispose();
  });

  const runfleet = (args: string[], env: Record<string, string> = {}) =>
    runfleetCli(args, { RUNFLEET_URL: cp.url, RUNFLEET_API_KEY: TEST_ADMIN_KEY, ...env });

  it("lists an endpoint's workers as a table and as JSON", async () => {
    const human = await runfleet(["workers", "ls", endpointId]);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^ID\s+STATUS\s+DRIVER/);
    expect(human.stdout).toContain(workerId);
    const json = await runfleet(["workers", "ls", endpointId, "--json"]);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: workerId, driver: "process" })]);
  });

  it("shows a process worker's captured logs", async () => {
    await cp.call("POST", `/v2/${endpointId}/runsync`, { input: { fail: "logged failure" } });
    const logs = await runfleet(["workers", "logs", endpointId, workerId, "--tail", "50", "--json"]);
    expect(logs.status).toBe(0);
    expect(JSON.parse(logs.stdout)).toMatchObject({ workerId, lines: expect.any(Array) });
  });

  it("exits 1 with the problem for an unknown endpoint", async () => {
    const result = await runfleet(["workers", "ls", "ep_missing"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/404.*no endpoint with id ep_missing \(endpoint_not_found\)/);
  });

  it("exits 1 for a bad key", async () => {
    const result = await runfleet(["workers", "ls", endpointId], { RUNFLEET_API_KEY: "rf_wrong" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/401.*unknown API key/);
  });

  it("exits 3 with a clear message when the control plane is not running", async () => {
    const result = await runfleet(["workers", "ls", endpointId], { RUNFLEET_URL: "http://127.0.0.1:9" });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/cannot reach the control plane at http:\/\/127\.0\.0\.1:9/);
  });

  it("exits 2 with the usage for missing arguments or a bad --tail", async () => {
    expect((await runfleet(["workers", "logs", endpointId])).status).toBe(2);
    const tail = await runfleet(["workers", "logs", endpointId, workerId, "--tail", "many"]);
    expect(tail.status).toBe(2);
    expect(tail.stderr).toMatch(/--tail must be a whole number/);
  });
});
