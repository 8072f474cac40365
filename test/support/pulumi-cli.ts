import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { NODE, REPO_ROOT } from "./workers.js";

/** Where `scripts/pulumi-cli.sh` caches the CLI it builds from the Go module proxy. */
export async function pulumiBinDir(): Promise<string> {
  return (await run(join(REPO_ROOT, "scripts/pulumi-cli.sh"), ["--bin-dir"], { cwd: REPO_ROOT })).stdout.trim();
}

/** Whether the CLI, the Node.js language host and the dynamic-provider shim are in `bin`. */
export function hasPulumiCli(bin: string): boolean {
  return ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"].every((name) =>
    existsSync(join(bin, name)),
  );
}

/** What a finished command printed. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A throwaway Pulumi project: an example's Pulumi.yaml and package.json, its built program (`dist`, linked),
 * a local file backend and its own Pulumi home, so that stack files stay out of the repository.
 */
export interface PulumiProject {
  dir: string;
  /** Runs the `pulumi` CLI in the project. */
  pulumi: (args: string[]) => Promise<CommandResult>;
  /** Runs a Node script (an Automation API runner) with the project's environment. */
  node: (script: string, args: string[]) => Promise<CommandResult>;
  dispose: () => void;
}

/**
 * Lays out a project for `exampleDir` in a temporary directory. The language host runs the program, and
 * the engine starts dynamic providers, in the project directory, so it gets a `node_modules` link to the
 * repository's. Nothing leaves the machine: local backend, no update check, no plugin downloads; Node 24
 * is first on PATH for the language host and the shim.
 */
export async function createPulumiProject(bin: string, exampleDir: string): Promise<PulumiProject> {
  const root = mkdtempSync(join(tmpdir(), "runfleet-pulumi-"));
  const dir = join(root, "project");
  mkdirSync(dir);
  mkdirSync(join(root, "state"));
  await copyFile(join(exampleDir, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  await copyFile(join(exampleDir, "package.json"), join(dir, "package.json"));
  symlinkSync(join(exampleDir, "dist"), join(dir, "dist"));
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [bin, dirname(NODE), join(REPO_ROOT, "node_modules/.bin"), process.env.PATH ?? ""].join(":"),
    PULUMI_HOME: join(root, "home"),
    PULUMI_BACKEND_URL: `file://${join(root, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
  };
  return {
    dir,
    pulumi: (args) => run(join(bin, "pulumi"), [...args, "--non-interactive"], { cwd: dir, env }),
    node: (script, args) => run(NODE, [resolve(script), ...args], { cwd: dir, env }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Writes a one-file program (`dist/index.js`, an ES module) as an example folder under `exampleDir`, with
 * its `package.json`, `Pulumi.yaml` and a `node_modules` link to the repository's (the program resolves its
 * packages from where it really lies, as a user's would), then lays out its project with
 * {@link createPulumiProject}.
 */
export async function createProgramProject(
  bin: string,
  exampleDir: string,
  name: string,
  program: string,
): Promise<PulumiProject> {
  mkdirSync(join(exampleDir, "dist"));
  writeFileSync(join(exampleDir, "dist/index.js"), program);
  writeFileSync(join(exampleDir, "package.json"), JSON.stringify({ name, type: "module", main: "dist/index.js" }));
  writeFileSync(join(exampleDir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
  symlinkSync(join(REPO_ROOT, "node_modules"), join(exampleDir, "node_modules"));
  return createPulumiProject(bin, exampleDir);
}

/**
 * Runs a program without blocking this process: the control plane under test runs in it and must keep
 * answering while the CLI calls it.
 */
function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return new Promise((done) => {
    execFile(file, args, { ...options, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      done({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

/** A command's exit code and output, for an assertion's message. */
export function explain(result: CommandResult): string {
  return `exit ${result.code}\n${result.stdout}\n${result.stderr}`;
}
