import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
  warmEchoEndpoint,
} from "../support/control-plane-process.js";
import { REPO_ROOT } from "../support/workers.js";

/**
 * `npx runfleet …` as the README and `runfleet serve`'s banner tell a new user to type it, in a checkout
 * after `npm install`: npm must have linked the command (a bin whose file is missing at install time is
 * skipped, and npx would then look the name up on the registry).
 */
describe("npx runfleet in the repository", () => {
  let cp: TestControlPlane;
  let endpointId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane({ autoscalerTickMs: 100 });
    ({ endpointId } = await warmEchoEndpoint(cp));
  });

  afterAll(async () => {
    await cp?.dispose();
  });

  it("runs a job with the command npm install linked", async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        "npx",
        ["--no-install", "runfleet", "run", endpointId, "--input", '{"message":"from npx"}'],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, RUNFLEET_BASE_URL: cp.url, RUNFLEET_API_KEY: TEST_ADMIN_KEY },
          timeout: 60_000,
        },
        (error, stdout, stderr) =>
          done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ echo: { message: "from npx" } });
  });
});
