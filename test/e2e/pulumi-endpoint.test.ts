import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { createPulumiProject, explain, hasPulumiCli, type PulumiProject, pulumiBinDir } from "../support/pulumi-cli.js";
import { NODE, REPO_ROOT } from "../support/workers.js";

const EXAMPLE = join(REPO_ROOT, "examples/pulumi-endpoint");
const DEPLOY = join(EXAMPLE, "dist/deploy.js");
const STACK = "e2e";
const bin = await pulumiBinDir();

/** What a `pulumi` command did: its result and resource changes (from `stack history`), and the outputs. */
interface DeployReport {
  command: string;
  result: string;
  resourceChanges: Record<string, number>;
  outputs: Record<string, unknown>;
  /** What the command printed (stdout and stderr). */
  printed?: string;
}

/** One step of `pulumi preview --json`. */
interface PreviewStep {
  op: string;
  urn: string;
  diffReasons?: string[];
  replaceReasons?: string[];
}

/** One entry of `pulumi stack history --json`, newest first. */
interface HistoryEntry {
  kind: string;
  result: string;
  resourceChanges?: Record<string, number>;
}

interface StateResource {
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

describe.runIf(requireService(hasPulumiCli(bin), `the Pulumi CLI in ${bin} (scripts/pulumi-cli.sh builds it)`))(
  "examples/pulumi-endpoint with the real Pulumi CLI against a running control plane",
  () => {
    let cp: TestControlPlane;
    let project: PulumiProject;
    let endpointId: string;
    let templateId: string;
    let endpointName: string;

    // Plain CLI commands in the project folder: the engine runs the program through the Node.js language
    // host built next to the CLI, as `pulumi up` does for a user.
    const deploy = async (command: "up" | "refresh" | "destroy", stack = STACK): Promise<DeployReport> => {
      const result = await project.pulumi([command, "--yes", "--skip-preview", "--stack", stack]);
      expect(result.code, explain(result)).toBe(0);
      const history = await project.pulumi(["stack", "history", "--json", "--stack", stack]);
      expect(history.code, explain(history)).toBe(0);
      const [last] = JSON.parse(history.stdout) as HistoryEntry[];
      expect(last?.kind).toBe(command === "up" ? "update" : command);
      const outputs = await project.pulumi(["stack", "output", "--json", "--stack", stack]);
      expect(outputs.code, explain(outputs)).toBe(0);
      return {
        command,
        result: last?.result ?? "",
        resourceChanges: last?.resourceChanges ?? {},
        outputs: JSON.parse(outputs.stdout) as Record<string, unknown>,
        printed: result.stdout + result.stderr,
      };
    };
    const preview = async (
      stack = STACK,
    ): Promise<{ changeSummary: Record<string, number>; steps: PreviewStep[]; diagnostics?: unknown[] }> => {
      const result = await project.pulumi(["preview", "--json", "--stack", stack]);
      expect(result.code, explain(result)).toBe(0);
      return JSON.parse(result.stdout) as { changeSummary: Record<string, number>; steps: PreviewStep[] };
    };
    const config = async (...args: string[]) => {
      const result = await project.pulumi(["config", "set", "--stack", STACK, ...args]);
      expect(result.code, explain(result)).toBe(0);
    };
    const stateResources = async (): Promise<StateResource[]> => {
      const result = await project.pulumi(["stack", "export", "--stack", STACK]);
      expect(result.code, explain(result)).toBe(0);
      return (JSON.parse(result.stdout) as { deployment: { resources?: StateResource[] } }).deployment.resources ?? [];
    };
    const clientKey = async (): Promise<string> => {
      const result = await project.pulumi(["stack", "output", "clientKey", "--show-secrets", "--stack", STACK]);
      expect(result.code, explain(result)).toBe(0);
      return result.stdout.trim();
    };
    const endpointInState = async () =>
      (await stateResources()).find((r) => r.type === "pulumi-nodejs:dynamic/runfleet:Endpoint");

    beforeAll(async () => {
      cp = await startTestControlPlane();
      project = await createPulumiProject(bin, EXAMPLE);
      const init = await project.pulumi(["stack", "init", STACK]);
      expect(init.code, explain(init)).toBe(0);
      await config("runfleet:baseUrl", cp.url);
      await config("--secret", "runfleet:apiKey", TEST_ADMIN_KEY);
      await config("--secret", "workerToken", "e2e-worker-token");
      await config("workerCommand", JSON.stringify([NODE, "examples/echo-worker/dist/worker.js"]));
      await config("workersMax", "2");
    }, 120_000);

    afterAll(async () => {
      // Whatever a failed step left behind goes with the control plane's data directory.
      await cp?.dispose();
      project?.dispose();
    });

    it("pulumi preview of the new stack plans four creations (ids not known yet pass check)", async () => {
      const planned = await preview();
      expect(planned.changeSummary).toMatchObject({ create: 4 });
      // A clean run reports no diagnostics of ours (Pulumi's serializer used to load node:sqlite, warning).
      expect(planned.diagnostics ?? []).toEqual([]);
      expect((await cp.call<unknown[]>("GET", "/v1/endpoints")).body).toEqual([]);
    }, 300_000);

    it("a fresh stack with no configuration at all runs its program (the language host sends {})", async () => {
      const init = await project.pulumi(["stack", "init", "bare"]);
      expect(init.code, explain(init)).toBe(0);
      expect((await preview("bare")).changeSummary).toMatchObject({ create: 4 });
      const rm = await project.pulumi(["stack", "rm", "--yes", "bare"]);
      expect(rm.code, explain(rm)).toBe(0);
    }, 300_000);

    it("the Automation API runner of the example (deploy.js) previews the same plan", async () => {
      const result = await project.node(DEPLOY, ["preview", "--stack", STACK, "--dir", project.dir, "--json"]);
      expect(result.code, explain(result)).toBe(0);
      const report = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as DeployReport;
      expect(report.resourceChanges).toMatchObject({ create: 4 });
    }, 300_000);

    it("pulumi up creates the template and the endpoint with the declared settings", async () => {
      const report = await deploy("up");
      expect(report).toMatchObject({ result: "succeeded", resourceChanges: { create: 4 } });
      expect(report.printed).not.toContain("Diagnostics");
      expect(report.printed).not.toContain("ExperimentalWarning");
      expect(report.outputs.clientKey).toBe("[secret]");
      // No name in the program: the resource name and a random suffix, not the seeded `echo`.
      expect(report.outputs.endpointName).toMatch(/^pulumi-echo-[0-9a-f]{7}$/);
      endpointName = String(report.outputs.endpointName);
      endpointId = String(report.outputs.endpointId);
      templateId = String(report.outputs.templateId);
      const endpoint = await cp.call("GET", `/v1/endpoints/${endpointId}`);
      expect(endpoint).toMatchObject({
        status: 200,
        body: { templateId, computeType: "CPU", workersMin: 0, workersMax: 2, idleTimeout: 30, scalerValue: 1 },
      });
      const template = await cp.call("GET", `/v1/templates/${templateId}`);
      expect(template.body).toMatchObject({ name: `echo-${STACK}`, env: { WORKER_TOKEN: "e2e-worker-token" } });
    }, 300_000);

    it("keeps the secret env value and the API keys out of state in plain text", async () => {
      const exported = await project.pulumi(["stack", "export", "--stack", STACK]);
      expect(exported.stdout).not.toContain("e2e-worker-token");
      expect(exported.stdout).not.toContain(TEST_ADMIN_KEY);
      expect(exported.stdout).not.toContain(await clientKey());
      const template = (await stateResources()).find((r) => r.type === "pulumi-nodejs:dynamic/runfleet:Template");
      expect(template?.outputs?.env).toMatchObject({
        GREETING: "hello",
        WORKER_TOKEN: { ciphertext: expect.any(String) },
      });
      expect(String(template?.inputs?.__provider)).not.toContain(cp.url);
    }, 300_000);

    it("pulumi preview after a workersMax change shows exactly one update, marking workersMax, and no replacement", async () => {
      await config("workersMax", "3");
      const planned = await preview();
      expect(planned.changeSummary).toEqual({ update: 1, same: 3 });
      const changed = planned.steps.filter((step) => step.op !== "same");
      expect(changed).toHaveLength(1);
      expect(changed[0]).toMatchObject({ op: "update", diffReasons: ["workersMax"] });
      expect(changed[0]?.urn).toContain("runfleet:Endpoint::pulumi-echo");
    }, 300_000);

    it("a changed workersMax is an in-place update that keeps the endpoint's id and name", async () => {
      const report = await deploy("up");
      expect(report).toMatchObject({ result: "succeeded", resourceChanges: { update: 1, same: 3 } });
      expect(report.resourceChanges).not.toHaveProperty("replace");
      expect(report.outputs).toMatchObject({ endpointId, workersMax: 3, endpointName });
      expect((await cp.call("GET", `/v1/endpoints/${endpointId}`)).body).toMatchObject({ workersMax: 3 });
    }, 300_000);

    it("a setting removed from the program returns to the server's default: the preview shows it, up resets it", async () => {
      await config("flashboot", "true");
      expect(await deploy("up")).toMatchObject({ result: "succeeded", resourceChanges: { update: 1, same: 3 } });
      expect((await cp.call("GET", `/v1/endpoints/${endpointId}`)).body).toMatchObject({ flashboot: true });
      const rm = await project.pulumi(["config", "rm", "--stack", STACK, "flashboot"]);
      expect(rm.code, explain(rm)).toBe(0);
      const planned = await preview();
      expect(planned.changeSummary).toEqual({ update: 1, same: 3 });
      expect(planned.steps.find((step) => step.op === "update")).toMatchObject({ diffReasons: ["flashboot"] });
      const report = await deploy("up");
      expect(report).toMatchObject({ result: "succeeded", resourceChanges: { update: 1, same: 3 } });
      expect((await cp.call("GET", `/v1/endpoints/${endpointId}`)).body).toMatchObject({
        flashboot: false,
        workersMax: 3,
      });
      // Reset once: the next preview has nothing to do.
      expect((await preview()).changeSummary).toEqual({ same: 4 });
    }, 300_000);

    it("the deployed endpoint runs a job, sent with the invoke key the stack created", async () => {
      const key = await clientKey();
      const body = { input: { message: "from pulumi" } };
      const job = await cp.call<{ status: string; output: unknown }>(
        "POST",
        `/v2/${endpointId}/runsync?wait=60000`,
        body,
        key,
      );
      expect(job.body).toMatchObject({ status: "COMPLETED", output: { echo: { message: "from pulumi" } } });
    }, 120_000);

    it("pulumi preview with workersMin > workersMax fails naming both properties", async () => {
      await config("workersMin", "5");
      const result = await project.pulumi(["preview", "--stack", STACK]);
      expect(result.code).not.toBe(0);
      const output = result.stdout + result.stderr;
      expect(output).toContain(
        "property workersMin value {5} has a problem: workersMin (5) must not exceed workersMax (3)",
      );
      expect(output).toContain(
        "property workersMax value {3} has a problem: workersMin (5) must not exceed workersMax (3)",
      );
      const rm = await project.pulumi(["config", "rm", "--stack", STACK, "workersMin"]);
      expect(rm.code, explain(rm)).toBe(0);
    }, 300_000);

    it("pulumi preview with a value past the contract's limit fails naming the property and the limit", async () => {
      await config("workersMin", "1001");
      const result = await project.pulumi(["preview", "--stack", STACK]);
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toContain(
        "property workersMin value {1001} has a problem: workersMin: must be <= 1000",
      );
      const rm = await project.pulumi(["config", "rm", "--stack", STACK, "workersMin"]);
      expect(rm.code, explain(rm)).toBe(0);
    }, 300_000);

    it("after a refresh finds drift, the preview marks the drifted property", async () => {
      expect((await cp.call("PATCH", `/v1/endpoints/${endpointId}`, { workersMax: 7 })).status).toBe(200);
      await deploy("refresh");
      const planned = await preview();
      expect(planned.changeSummary).toEqual({ update: 1, same: 3 });
      expect(planned.steps.find((step) => step.op === "update")).toMatchObject({ diffReasons: ["workersMax"] });
      await deploy("up");
      expect((await cp.call("GET", `/v1/endpoints/${endpointId}`)).body).toMatchObject({ workersMax: 3 });
    }, 300_000);

    it("Endpoint.get reads an endpoint made with curl, in another stack, without managing it", async () => {
      const made = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
        name: "made-with-curl",
        templateId,
        computeType: "CPU",
        workersMax: 5,
      });
      expect(made.status).toBe(201);
      const init = await project.pulumi(["stack", "init", "reader"]);
      expect(init.code, explain(init)).toBe(0);
      for (const args of [
        ["runfleet:baseUrl", cp.url],
        ["--secret", "runfleet:apiKey", TEST_ADMIN_KEY],
        ["existingEndpointId", made.body.id],
      ]) {
        const set = await project.pulumi(["config", "set", "--stack", "reader", ...args]);
        expect(set.code, explain(set)).toBe(0);
      }
      const up = await deploy("up", "reader");
      expect(up.outputs.existingWorkersMax).toBe(5);
      await deploy("destroy", "reader");
      // Read, not managed: destroying the stack left it alone.
      expect((await cp.call("GET", `/v1/endpoints/${made.body.id}`)).status).toBe(200);
      expect((await cp.call("DELETE", `/v1/endpoints/${made.body.id}`)).status).toBe(204);
    }, 300_000);

    it("replaceOnChanges is honoured: a renamed template is replaced (new one first), the endpoint moved to it", async () => {
      await config("templateName", `echo-${STACK}-renamed`);
      const planned = await preview();
      const templateSteps = planned.steps.filter((step) => step.urn.includes("runfleet:Template::echo"));
      expect(templateSteps.map((step) => step.op)).toContain("replace");
      expect(templateSteps.find((step) => step.op === "replace")).toMatchObject({ replaceReasons: ["name"] });
      expect(planned.changeSummary).toMatchObject({ replace: 1, update: 1 });
      const report = await deploy("up");
      expect(report).toMatchObject({ result: "succeeded", resourceChanges: { replace: 1, update: 1, same: 2 } });
      const renamed = String(report.outputs.templateId);
      expect(renamed).not.toBe(templateId);
      expect((await cp.call("GET", `/v1/templates/${templateId}`)).status).toBe(404);
      expect((await cp.call("GET", `/v1/templates/${renamed}`)).body).toMatchObject({ name: `echo-${STACK}-renamed` });
      expect((await cp.call("GET", `/v1/endpoints/${endpointId}`)).body).toMatchObject({ templateId: renamed });
      templateId = renamed;
    }, 300_000);

    it("pulumi refresh drops an endpoint deleted out of band from state", async () => {
      expect((await cp.call("DELETE", `/v1/endpoints/${endpointId}`)).status).toBe(204);
      const report = await deploy("refresh");
      expect(report).toMatchObject({ result: "succeeded", resourceChanges: { delete: 1 } });
      expect(await endpointInState()).toBeUndefined();
    }, 300_000);

    it("pulumi up recreates it (replacing the key limited to the old one), and pulumi destroy removes all", async () => {
      const oldKey = await clientKey();
      const up = await deploy("up");
      // The key cannot be edited to name the new endpoint: it is replaced, and the old one revoked.
      expect(up.resourceChanges).toMatchObject({ create: 1, replace: 1 });
      expect((await cp.call("GET", "/v1/endpoints", undefined, oldKey)).status).toBe(401);
      const recreated = String(up.outputs.endpointId);
      expect(recreated).not.toBe(endpointId);
      expect((await cp.call("GET", `/v1/endpoints/${recreated}`)).status).toBe(200);
      const destroy = await deploy("destroy");
      expect(destroy).toMatchObject({ result: "succeeded", resourceChanges: { delete: 4 } });
      expect((await cp.call("GET", `/v1/endpoints/${recreated}`)).status).toBe(404);
      expect((await cp.call("GET", `/v1/templates/${templateId}`)).status).toBe(404);
      expect(await stateResources()).toEqual([]);
    }, 300_000);
  },
);
