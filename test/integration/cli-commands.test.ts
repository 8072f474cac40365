import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
  warmEchoEndpoint,
} from "../support/control-plane-process.js";
import { freePort, runfleetCli } from "../support/control-plane-subprocess.js";

describe("the runfleet commands, run as subprocesses against a real control plane", () => {
  let cp: TestControlPlane;
  let endpointId: string;
  let dir: string;
  const env = () => ({ RUNFLEET_BASE_URL: cp.url, RUNFLEET_API_KEY: TEST_ADMIN_KEY });
  const runfleet = (args: string[], extra: Record<string, string | undefined> = {}) =>
    runfleetCli(args, { ...env(), ...extra });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runfleet-cli-"));
    cp = await startTestControlPlane({ autoscalerTickMs: 100 });
    ({ endpointId } = await warmEchoEndpoint(cp));
  });

  afterAll(async () => {
    await cp?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("run waits, prints progress on stderr and the output on stdout", async () => {
    const result = await runfleet(["run", endpointId, "--input", '{"message":"hi","progress":true,"sleepMs":1500}']);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^job \S+ sent to endpoint /m);
    expect(result.stderr).toContain('progress: {"step":1}');
    expect(JSON.parse(result.stdout)).toMatchObject({ echo: { message: "hi" } });
  });

  it("run prints streamed chunks as JSON lines, and --json the final status only", async () => {
    const streamed = await runfleet(["run", endpointId, "--input", '{"chunks":2}']);
    expect(streamed.status).toBe(0);
    expect(streamed.stdout.split("\n").slice(0, 2)).toEqual(['{"chunk":0}', '{"chunk":1}']);
    const asJson = await runfleet(["run", endpointId, "--input", '{"message":"json"}', "--json"]);
    expect(asJson.status).toBe(0);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ status: "COMPLETED", output: { echo: { message: "json" } } });
  });

  it("run reads --input from a file and accepts the endpoint's name", async () => {
    const name = (await cp.call<{ name: string }>("GET", `/v1/endpoints/${endpointId}`)).body.name;
    const file = join(dir, "input.json");
    writeFileSync(file, '{"message":"from a file"}');
    const result = await runfleet(["run", name, "--input", `@${file}`]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ echo: { message: "from a file" } });
  });

  it("run --async prints the id; jobs status, cancel and retry act on it", async () => {
    const queued = await runfleet(["run", endpointId, "--async", "--input", '{"sleepMs":20000}']);
    expect(queued.status).toBe(0);
    const jobId = queued.stdout.trim();
    expect(jobId).toMatch(/^[A-Za-z0-9_-]+$/);
    const status = await runfleet(["jobs", "status", endpointId, jobId, "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({
      id: jobId,
      status: expect.stringMatching(/IN_QUEUE|IN_PROGRESS/),
    });
    const cancelled = await runfleet(["jobs", "cancel", endpointId, jobId]);
    expect(cancelled.status).toBe(0);
    expect(cancelled.stdout).toMatch(/^status:\s+CANCELLED$/m);
    // A cancelled job cannot be retried: the control plane refuses, exit 1.
    const retried = await runfleet(["jobs", "retry", endpointId, jobId]);
    expect(retried.status).toBe(1);
    expect(retried.stderr).toMatch(/409.*job_not_retryable/);
    const listed = await runfleet(["jobs", "ls", endpointId, "--status", "CANCELLED"]);
    expect(listed.stdout).toMatch(/^ID\s+STATUS/);
    expect(listed.stdout).toContain(jobId);
  });

  it("exits 4 when the job fails, and jobs retry re-queues it", async () => {
    const failed = await runfleet(["run", endpointId, "--input", '{"fail":"broken on purpose"}', "--json"]);
    expect(failed.status).toBe(4);
    expect(failed.stderr).toMatch(/failed: broken on purpose/);
    const status = JSON.parse(failed.stdout) as { id: string; status: string };
    expect(status.status).toBe("FAILED");
    const retried = await runfleet(["jobs", "retry", endpointId, status.id, "--json"]);
    expect(retried.status).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ id: status.id });
  });

  it("exits 5 when --timeout runs out before the job ends", async () => {
    const result = await runfleet(["run", endpointId, "--input", '{"sleepMs":5000}', "--timeout", "300"]);
    expect(result.status).toBe(5);
    expect(result.stderr).toMatch(/did not end within 300 ms/);
    const jobId = /^job (\S+) sent/m.exec(result.stderr)?.[1] ?? "";
    await runfleet(["jobs", "cancel", endpointId, jobId]);
  });

  it("exits 2 for a malformed --input or an unknown flag, naming it", async () => {
    const input = await runfleet(["run", endpointId, "--input", "{not json"]);
    expect(input.status).toBe(2);
    expect(input.stderr).toMatch(/--input is not valid JSON/);
    const flag = await runfleet(["endpoints", "ls", "--colour"]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--colour'/);
    const missing = await runfleet(["run"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/Usage:\n\s+runfleet run/);
  });

  it("exits 1 for an unknown endpoint and for a bad key, with the problem", async () => {
    const unknown = await runfleet(["run", "ep_missing", "--input", "{}"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/404: no endpoint with id ep_missing \(endpoint_not_found\)/);
    const badKey = await runfleet(["endpoints", "ls"], { RUNFLEET_API_KEY: "rf_not_a_key" });
    expect(badKey.status).toBe(1);
    expect(badKey.stderr).toMatch(/401: unknown API key/);
  });

  it("exits 3 with a clear message when the control plane is not running", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runfleet(["run", endpointId, "--input", "{}"], { RUNFLEET_BASE_URL: url });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain(`cannot reach the control plane at ${url}`);
    expect(result.stderr).toMatch(/ECONNREFUSED.*is it running\?/);
  });

  it("templates create, get, ls, update and rm; endpoints create, get, update (from a YAML file), ls and rm", async () => {
    const template = await runfleet([
      "templates",
      "create",
      "--name",
      "cli-template",
      "--command",
      "node",
      "--command",
      "examples/echo-worker/dist/worker.js",
      "--json",
    ]);
    expect(template.status).toBe(0);
    const cliTemplate = JSON.parse(template.stdout) as { id: string; command: string[] };
    expect(cliTemplate.command).toEqual(["node", "examples/echo-worker/dist/worker.js"]);
    expect((await runfleet(["templates", "get", cliTemplate.id])).stdout).toMatch(/^name:\s+cli-template$/m);
    expect((await runfleet(["templates", "ls"])).stdout).toMatch(new RegExp(`^${cliTemplate.id}\\s+cli-template`, "m"));
    const templateSpec = join(dir, "template.yaml");
    writeFileSync(
      templateSpec,
      "containerDiskInGb: 20\nvolumeMounts:\n  - { type: volume, name: hf-cache, mountPath: /runpod-volume }\n",
    );
    const withVolume = await runfleet(["templates", "update", cliTemplate.id, "--file", templateSpec, "--json"]);
    expect(JSON.parse(withVolume.stdout)).toMatchObject({
      containerDiskInGb: 20,
      volumeMounts: [{ type: "volume", name: "hf-cache", mountPath: "/runpod-volume" }],
    });
    const templateReset = await runfleet(["templates", "update", cliTemplate.id, "--reset", "volumeMounts", "--json"]);
    expect(JSON.parse(templateReset.stdout)).toMatchObject({ containerDiskInGb: 20, volumeMounts: [] });
    const badTemplateReset = await runfleet(["templates", "update", cliTemplate.id, "--reset", "disk"]);
    expect(badTemplateReset.status).toBe(2);
    expect(badTemplateReset.stderr).toMatch(/--reset takes one of imageName, .*, not "disk"/);
    const noCommand = await runfleet(["templates", "create", "--name", "empty"]);
    expect(noCommand.status).toBe(2);
    expect(noCommand.stderr).toMatch(/needs --name and --command or --image/);

    const created = await runfleet([
      "endpoints",
      "create",
      "--name",
      "cli-made",
      "--template-id",
      cliTemplate.id,
      "--workers-max",
      "0",
      "--env",
      "A=1",
      "--json",
    ]);
    expect(created.status).toBe(0);
    const endpoint = JSON.parse(created.stdout) as { id: string; env: Record<string, string> };
    expect(endpoint.env).toEqual({ A: "1" });
    const got = await runfleet(["endpoints", "get", endpoint.id]);
    expect(got.stdout).toMatch(/^name:\s+cli-made$/m);
    const spec = join(dir, "endpoint.yaml");
    writeFileSync(spec, "workersMax: 2\nidleTimeout: 9\n");
    const updated = await runfleet(["endpoints", "update", endpoint.id, "--file", spec, "--json"]);
    expect(JSON.parse(updated.stdout)).toMatchObject({ workersMax: 2, idleTimeout: 9 });
    const listed = await runfleet(["endpoints", "ls"]);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+TYPE\s+TEMPLATE/);
    expect(listed.stdout).toMatch(new RegExp(`^${endpoint.id}\\s+cli-made\\s+QUEUE\\s`, "m"));
    const lb = await runfleet(["endpoints", "update", endpoint.id, "--type", "load_balancer", "--json"]);
    expect(JSON.parse(lb.stdout)).toMatchObject({ type: "LOAD_BALANCER", version: 2 });
    const badType = await runfleet(["endpoints", "update", endpoint.id, "--type", "proxy"]);
    expect(badType.status).toBe(2);
    expect(badType.stderr).toMatch(/--type must be QUEUE or LOAD_BALANCER, not "proxy"/);
    const invalid = await runfleet(["endpoints", "update", endpoint.id, "--workers-min", "5"]);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/400.*\(invalid_scaling\)/);
    const reset = await runfleet(["endpoints", "update", endpoint.id, "--reset", "idleTimeout", "--json"]);
    expect(JSON.parse(reset.stdout)).toMatchObject({ idleTimeout: 5, workersMax: 2 });
    const badReset = await runfleet(["endpoints", "update", endpoint.id, "--reset", "idle-timeout"]);
    expect(badReset.status).toBe(2);
    expect(badReset.stderr).toMatch(/--reset takes one of type, computeType, .* not "idle-timeout"/);
    const badNumber = await runfleet(["endpoints", "update", endpoint.id, "--workers-max", "many"]);
    expect(badNumber.status).toBe(2);
    expect(badNumber.stderr).toMatch(/--workers-max must be a whole number/);
    const removed = await runfleet(["endpoints", "rm", endpoint.id]);
    expect(removed.stdout).toBe(`deleted endpoint ${endpoint.id}\n`);
    expect((await runfleet(["endpoints", "get", endpoint.id])).status).toBe(1);
    expect((await runfleet(["templates", "rm", cliTemplate.id])).stdout).toBe(`deleted template ${cliTemplate.id}\n`);
  });

  it("keys create prints the secret once; ls lists it; revoke stops it working", async () => {
    const created = await runfleet(["keys", "create", "--name", "ci", "--scope", "invoke", "--endpoint", endpointId]);
    expect(created.status).toBe(0);
    const secret = created.stdout.trim();
    expect(created.stderr).toMatch(/created invoke key (\S+) \(ci\)/);
    const keyId = /created invoke key (\S+)/.exec(created.stderr)?.[1] ?? "";
    const asInvoker = await runfleet(["run", endpointId, "--input", '{"message":"invoked"}'], {
      RUNFLEET_API_KEY: secret,
    });
    expect(asInvoker.status).toBe(0);
    const listed = await runfleet(["keys", "ls", "--json"]);
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ id: keyId, scope: "invoke" }));
    expect((await runfleet(["keys", "revoke", keyId])).stdout).toBe(`revoked key ${keyId}\n`);
    const revoked = await runfleet(["run", endpointId, "--input", "{}"], { RUNFLEET_API_KEY: secret });
    expect(revoked.status).toBe(1);
    expect(revoked.stderr).toMatch(/401/);
    const badScope = await runfleet(["keys", "create", "--name", "x", "--scope", "root"]);
    expect(badScope.status).toBe(2);
  });

  it("takes its connection from a profile file when flags and environment say nothing", async () => {
    const config = join(dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({ defaultProfile: "test", profiles: { test: { baseUrl: cp.url, apiKey: TEST_ADMIN_KEY } } }),
    );
    const viaProfile = await runfleetCli(["endpoints", "ls", "--json"], { RUNFLEET_CONFIG: config });
    expect(viaProfile.status).toBe(0);
    expect(JSON.parse(viaProfile.stdout)).toContainEqual(expect.objectContaining({ id: endpointId }));
    // A flag wins over the profile.
    const flagWins = await runfleetCli(["endpoints", "ls", "--api-key", "rf_wrong"], { RUNFLEET_CONFIG: config });
    expect(flagWins.status).toBe(1);
    const noSuch = await runfleetCli(["endpoints", "ls", "--profile", "prod"], { RUNFLEET_CONFIG: config });
    expect(noSuch.status).toBe(2);
    expect(noSuch.stderr).toMatch(/no profile "prod".*\(profiles: test\)/);
  });

  it("dev runs a handler file under a private control plane and prints the job's result", async () => {
    const result = await runfleetCli(["dev", "examples/echo-worker/dist/worker.js", "--input", '{"message":"dev"}']);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(
      /runfleet dev: worker\.js on endpoint \S+, control plane at http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ echo: { message: "dev" } });
    const missing = await runfleetCli(["dev", "no-such-handler.js"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
  });
});
