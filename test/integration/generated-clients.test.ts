import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { REPO_ROOT } from "../support/workers.js";

// Clients that other languages generate from openapi.yaml with the standard generators, each driven by a
// short program (examples/clients) through the calls a new user makes first, against a live control
// plane: list endpoints, create a template and an endpoint, runsync, run and poll, act as a worker, and
// read a 404 and a 400 problem in a typed way. scripts/generate-clients.sh --check (CI) keeps the
// checked-in clients equal to what the current contract generates.

const run = promisify(execFile);

/** The generators and the Python that runs the generated clients, when scripts/client-generators.sh cached them. */
function cachedTools(): Record<string, string> | undefined {
  try {
    const out = execFileSync("scripts/client-generators.sh", ["--cached"], { cwd: REPO_ROOT, encoding: "utf8" });
    return Object.fromEntries(
      out
        .trim()
        .split("\n")
        .map((line) => line.split("=", 2) as [string, string]),
    );
  } catch {
    return undefined;
  }
}

function hasCommand(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const tools = cachedTools();
const ready = requireService(
  tools !== undefined && hasCommand("go", ["version"]) && hasCommand("java", ["-version"]),
  "the client generators (scripts/client-generators.sh), Go and Java",
);

describe.runIf(ready)("clients generated from openapi.yaml, against a live control plane", () => {
  let cp: TestControlPlane;
  let env: NodeJS.ProcessEnv;
  const work = mkdtempSync(join(tmpdir(), "runfleet-clients-test-"));

  beforeAll(async () => {
    cp = await startTestControlPlane();
    env = { ...process.env, RUNFLEET_BASE_URL: cp.url, RUNFLEET_API_KEY: TEST_ADMIN_KEY };
  });

  afterAll(async () => {
    await cp?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  /** Runs a tour program; it prints a line per step and ends with "... tour: ok". */
  async function tour(command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}) {
    const { stdout } = await run(command, args, { cwd, env: { ...env, ...extraEnv }, timeout: 240_000 }).catch(
      (error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(
          `${command} ${args.join(" ")} failed:\n${error.stdout ?? ""}\n${error.stderr ?? error.message}`,
        );
      },
    );
    return stdout;
  }

  function expectFullTour(stdout: string, name: string) {
    expect(stdout).toMatch(/listed \d+ endpoint\(s\)/);
    expect(stdout).toMatch(/runsync \S+: COMPLETED .*sync/);
    expect(stdout).toMatch(/run \S+: polled to COMPLETED .*async/);
    expect(stdout.match(/worker wk_\S+ answered job/g)).toHaveLength(2);
    expect(stdout).toContain("404 problem: endpoint_not_found (urn:runfleet:problem:endpoint_not_found)");
    expect(stdout).toMatch(
      /400 problem: invalid_scaling on workersMin: workersMin \(5\) must not exceed workersMax \(2\)/,
    );
    expect(stdout).toContain(`${name} tour: ok`);
  }

  it("openapi-python-client's client (examples/clients/python) runs the tour, and mypy --strict accepts it", async () => {
    const dir = join(REPO_ROOT, "examples/clients/python");
    expectFullTour(await tour(tools?.CLIENTS_PYTHON as string, ["tour.py"], dir), "python client");
    const mypy = await tour(
      tools?.CLIENTS_PYTHON as string,
      ["-m", "mypy", "--strict", "tour.py", "runfleet_client"],
      dir,
    );
    expect(mypy).toContain("Success: no issues found");
  }, 300_000);

  it("oapi-codegen's client (examples/clients/go) runs the tour", async () => {
    const stdout = await tour("go", ["run", "."], join(REPO_ROOT, "examples/clients/go"), {
      GOFLAGS: "-mod=readonly -buildvcs=false",
    });
    expectFullTour(stdout, "go client");
  }, 300_000);

  it("OpenAPI Generator's Python client (-g python) runs the tour, nullable fields of a new API key included", async () => {
    const out = join(work, "og-python");
    await run(
      "java",
      [
        "-jar",
        tools?.OPENAPI_GENERATOR_JAR as string,
        "generate",
        "-i",
        "openapi.yaml",
        "-g",
        "python",
        "-o",
        out,
        "--package-name",
        "runfleet_og_client",
      ],
      { cwd: REPO_ROOT, timeout: 240_000 },
    );
    const stdout = await tour(
      tools?.CLIENTS_PYTHON as string,
      ["tour_openapi_generator.py"],
      join(REPO_ROOT, "examples/clients/python"),
      { PYTHONPATH: out },
    );
    expect(stdout).toMatch(/created and revoked key \S+ \(lastUsedAt None\)/);
    expectFullTour(stdout, "openapi-generator python client");
  }, 300_000);
});
