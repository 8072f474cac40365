import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { npmEnv, PUBLISHED_PACKAGES, packPublishedPackages } from "../support/npm-packages.js";
import { REPO_ROOT } from "../support/workers.js";

const exec = promisify(execFile);
const BIN = join(REPO_ROOT, "node_modules/.bin");

/** The files in a tarball, without npm's `package/` prefix. */
async function filesOf(tarball: string): Promise<string[]> {
  const { stdout } = await exec("tar", ["tzf", tarball]);
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace(/^package\//, ""));
}

describe("the published packages (npm pack)", () => {
  const destination = mkdtempSync(join(tmpdir(), "runfleet-pack-"));
  let tarballs: Record<string, string>;

  beforeAll(async () => {
    tarballs = await packPublishedPackages(destination);
  }, 300_000);

  afterAll(() => rmSync(destination, { recursive: true, force: true }));

  it.each(PUBLISHED_PACKAGES)("$name ships ESM and CommonJS with types for each, and no tests", async ({ name }) => {
    const files = await filesOf(tarballs[name] ?? "");
    for (const required of ["dist/index.js", "dist/index.d.ts", "dist/cjs/index.cjs", "dist/cjs/index.d.cts"]) {
      expect(files).toContain(required);
    }
    expect(files.filter((file) => /\.test\.|test-fixtures|tsbuildinfo/.test(file))).toEqual([]);
  });

  it("@runfleet/pulumi declares @runfleet/sdk, so installing it pulls the sdk", () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "provider/package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const sdk = JSON.parse(readFileSync(join(REPO_ROOT, "sdk/package.json"), "utf8")) as { version: string };
    expect(manifest.dependencies["@runfleet/sdk"]).toBe(sdk.version);
  });

  // Are the types wrong? resolves every entry point the way node10 (Pulumi's standard CommonJS settings),
  // node16 from CommonJS and from ESM, and bundlers do, and fails on any problem it finds.
  it.each(PUBLISHED_PACKAGES)(
    "$name: @arethetypeswrong/cli finds no problem",
    async ({ name }) => {
      const { stdout } = await exec(join(BIN, "attw"), [tarballs[name] ?? "", "--format", "table-flipped"], {
        env: npmEnv(),
      });
      expect(stdout).not.toMatch(/❌|⚠️|💀|🐛|🥴|❗️|🚭/u);
    },
    120_000,
  );

  it.each(PUBLISHED_PACKAGES)(
    "$name: publint --strict finds no error or warning",
    async ({ dir }) => {
      const { stdout } = await exec(join(BIN, "publint"), ["--strict", "--level", "warning"], {
        cwd: join(REPO_ROOT, dir),
        env: npmEnv(),
      });
      expect(stdout).not.toMatch(/Errors:|Warnings:/);
    },
    120_000,
  );
});
