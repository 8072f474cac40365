import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { NODE, REPO_ROOT } from "./workers.js";

const exec = promisify(execFile);

/** The packages Runfleet publishes, by workspace folder, in dependency order (the sdk first). */
export const PUBLISHED_PACKAGES = [
  { dir: "sdk", name: "@runfleet/sdk" },
  { dir: "provider", name: "@runfleet/pulumi" },
] as const;

/** The environment for npm and the tools it runs: the repository's Node first on PATH. */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: [join(NODE, ".."), join(REPO_ROOT, "node_modules/.bin"), process.env.PATH ?? ""].join(":"),
    ...extra,
  };
}

/**
 * Runs the system's npm in `cwd`, under the repository's Node (first on PATH, so npm's `#!/usr/bin/env
 * node` and the scripts it runs get Node 24). Rejects with npm's output when npm fails.
 */
export function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = npmEnv()) {
  return exec("npm", args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Packs each published package into `destination` (`npm pack`, which runs its `prepack`: the CommonJS
 * build), and returns the tarballs' paths by package name. `tsc -b` must have run.
 */
export async function packPublishedPackages(destination: string): Promise<Record<string, string>> {
  mkdirSync(destination, { recursive: true });
  const tarballs: Record<string, string> = {};
  for (const { dir, name } of PUBLISHED_PACKAGES) {
    const { stdout } = await npm(["pack", "--json", "--pack-destination", destination], join(REPO_ROOT, dir));
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    if (!packed) {
      throw new Error(`npm pack of ${name} reported no tarball`);
    }
    tarballs[name] = join(destination, packed.filename);
  }
  return tarballs;
}
