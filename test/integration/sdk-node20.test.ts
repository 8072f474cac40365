import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
  warmEchoEndpoint,
} from "../support/control-plane-process.js";
import { runNodeScript } from "../support/control-plane-subprocess.js";
import { REPO_ROOT } from "../support/workers.js";

/**
 * The oldest Node.js the SDK supports (`engines` of @runfleet/sdk: >= 20.19) is the machines' system Node,
 * while the repository's scripts run on Node 24. Finds a Node 20 on PATH, past node_modules/.bin.
 */
function findNode20(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "node");
    if (dir.includes("node_modules") || !existsSync(candidate)) {
      continue;
    }
    try {
      const version = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim();
      if (version.startsWith("v20.")) {
        return candidate;
      }
    } catch {
      // not runnable: look further
    }
  }
  return undefined;
}

const node20 = findNode20();

/** Runs jobs through the built SDK: runSync, run + wait, a stream, health. Prints one JSON line. */
const SCRIPT = `
import { createRunfleet } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, "sdk/dist/index.js")).href)};
const runfleet = createRunfleet({ baseUrl: process.env.BASE_URL, apiKey: process.env.API_KEY });
const echo = runfleet.endpoint(process.env.ENDPOINT_ID);
const sync = await echo.runSync({ message: "from node 20" }, { timeoutMs: 30000 });
const job = await echo.run({ message: "queued", chunks: 3 });
const chunks = [];
for await (const chunk of job.stream()) chunks.push(chunk);
const waited = await job.wait({ timeoutMs: 30000 });
const health = await echo.health();
console.log(JSON.stringify({ version: process.version, sync: sync.output, waited: waited.status, chunks: chunks.length, completed: health.jobs.completed }));
`;

describe.runIf(requireService(node20 !== undefined, "Node.js 20 on PATH (the system node of the project's machines)"))(
  "@runfleet/sdk on Node.js 20",
  () => {
    let cp: TestControlPlane;
    let endpointId: string;
    const dir = mkdtempSync(join(tmpdir(), "runfleet-node20-"));

    beforeAll(async () => {
      cp = await startTestControlPlane();
      ({ endpointId } = await warmEchoEndpoint(cp));
      writeFileSync(join(dir, "client.mjs"), SCRIPT);
    });

    afterAll(async () => {
      await cp?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("runs jobs, streams and reads health through the built client", async () => {
      const result = await runNodeScript(
        join(dir, "client.mjs"),
        [],
        { BASE_URL: cp.url, API_KEY: TEST_ADMIN_KEY, ENDPOINT_ID: endpointId },
        node20,
      );
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout.trim()) as Record<string, unknown>;
      expect(report).toMatchObject({
        version: expect.stringMatching(/^v20\./),
        sync: { echo: { message: "from node 20" } },
        waited: "COMPLETED",
        completed: 2,
      });
      expect(report.chunks).toBeGreaterThan(0);
    });
  },
);
