import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/local-handler.mjs", import.meta.url));
const BUILT = fileURLToPath(new URL("../../dist/worker/index.js", import.meta.url));

describe("local test mode (a worker run by hand, without a control plane)", () => {
  let cwd: string;

  beforeAll(() => {
    if (!existsSync(BUILT)) {
      throw new Error(`${BUILT} is missing: build the sdk first (npx tsc -b sdk)`);
    }
  });

  afterEach(() => {
    if (cwd) {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  /** Runs the fixture worker in a fresh directory, with no worker environment unless given. */
  function worker(args: string[], options: { testInputFile?: string; env?: Record<string, string> } = {}) {
    cwd = mkdtempSync(join(tmpdir(), "runfleet-local-test-"));
    if (options.testInputFile !== undefined) {
      writeFileSync(join(cwd, "test_input.json"), options.testInputFile);
    }
    const result = spawnSync(process.execPath, [FIXTURE, ...args], {
      cwd,
      encoding: "utf8",
      env: { PATH: process.env.PATH, ...options.env },
      timeout: 10_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it("runs --test-input once, prints only the result on stdout, and exits 0", () => {
    const { code, stdout } = worker(["--test-input", '{"input": {"message": "hi"}}']);
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      id: "local_test",
      status: "COMPLETED",
      output: { echo: { message: "hi" }, id: "local_test" },
    });
  });

  it("accepts RunPod's --test_input spelling and keeps a given job id", () => {
    const { code, stdout } = worker(["--test_input", '{"id": "mine", "input": {}}']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ id: "mine", output: { id: "mine" } });
  });

  it("reads ./test_input.json when no flag is given", () => {
    const { code, stdout } = worker([], { testInputFile: '{"input": {"from": "file"}}' });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: "COMPLETED", output: { echo: { from: "file" } } });
  });

  it("runs locally on --test-input even under a control plane's environment", () => {
    const { code, stdout } = worker(["--test-input", '{"input": {}}'], {
      env: { RUNPOD_WEBHOOK_GET_JOB: "http://127.0.0.1:9/v2/ep/job-take/wk?gpu=none" },
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).status).toBe("COMPLETED");
  });

  it("aggregates a generator's chunks into the output", () => {
    const { code, stdout } = worker(["--test-input", '{"input": {"chunks": 3}}']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: "COMPLETED", output: [0, 1, 2] });
  });

  it("exits 1 with the error document when the handler throws", () => {
    const { code, stdout } = worker(["--test-input", '{"input": {"throw": "boom"}}']);
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.status).toBe("FAILED");
    expect(JSON.parse(result.error)).toMatchObject({ error_type: "Error", error_message: "boom" });
  });

  it("exits 1 when the handler returns an error", () => {
    const { code, stdout } = worker(["--test-input", '{"input": {"returnError": "no gpu"}}']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ id: "local_test", status: "FAILED", error: "no gpu" });
  });

  it.each([
    ["has no input field", '{"id": "x"}', /"input" field/],
    ["is not JSON", "{input:", /not valid JSON/],
  ])("exits 1 and says why when the test input %s", (_name, testInput, message) => {
    const { code, stdout, stderr } = worker(["--test-input", testInput]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
  });

  it("exits 1 and says how to run it when there is no job at all", () => {
    const { code, stdout, stderr } = worker([]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/--test-input/);
    expect(stderr).toMatch(/test_input\.json/);
  });
});
