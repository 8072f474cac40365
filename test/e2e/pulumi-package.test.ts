import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { npm, npmEnv, PUBLISHED_PACKAGES, packPublishedPackages } from "../support/npm-packages.js";
import { type CommandResult, hasPulumiCli, pulumiBinDir } from "../support/pulumi-cli.js";
import { NODE, REPO_ROOT } from "../support/workers.js";

const bin = await pulumiBinDir();
const haveCli = hasPulumiCli(bin);

/** The versions a user's project pins, as `pulumi new typescript` would, and the repository uses. */
const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
};
const pulumiVersion = (
  JSON.parse(readFileSync(join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }
).version;

/** Pulumi's standard TypeScript settings (the `typescript` template): CommonJS, node10 resolution. */
const PULUMI_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};

/** The user's program: names left to autonaming, the key limited to the endpoint. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ApiKey, Endpoint, Template } from "@runfleet/pulumi";

const config = new pulumi.Config();
const template = new Template("worker", { command: ["true"], env: { MODE: "outside" } });
const endpoint = new Endpoint("api", {
  templateId: template.templateId,
  computeType: "CPU",
  workersMin: 0,
  workersMax: config.getNumber("workersMax") ?? 1,
});
const key = new ApiKey("app", { scope: "invoke", endpointIds: [endpoint.endpointId] });

export const endpointId = endpoint.endpointId;
export const endpointName = endpoint.name;
export const keyName = key.name;
`;

/** A port the system just handed out and took back, for a server started next. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/**
 * A private npm registry (Verdaccio) on 127.0.0.1 with its own storage. `@runfleet/*` packages are
 * served only from what is published to it (no uplink: npmjs.org is never asked for them); every other
 * package is proxied to the public npm registry, as a company registry would.
 */
async function startRegistry(root: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const config = join(root, "verdaccio.yaml");
  writeFileSync(
    config,
    [
      `storage: ${join(root, "storage")}`,
      "auth:",
      `  htpasswd: { file: ${join(root, "htpasswd")}, max_users: 10 }`,
      "uplinks:",
      "  npmjs: { url: https://registry.npmjs.org/ }",
      "packages:",
      '  "@runfleet/*": { access: $all, publish: $authenticated }',
      '  "**": { access: $all, publish: $authenticated, proxy: npmjs }',
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const verdaccio = spawn(
    NODE,
    [join(REPO_ROOT, "node_modules/verdaccio/bin/verdaccio"), "--config", config, "--listen", `127.0.0.1:${port}`],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; ; attempt++) {
    const ping = await fetch(`${url}-/ping`).catch(() => undefined);
    if (ping?.ok) {
      return { url, process: verdaccio };
    }
    if (attempt > 300 || verdaccio.exitCode !== null) {
      throw new Error(`Verdaccio did not start on ${url} (exit ${verdaccio.exitCode})`);
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

/** Registers a publisher and returns its token (what `npm adduser` does). */
async function addUser(registry: string): Promise<string> {
  const response = await fetch(`${registry}-/user/org.couchdb.user:runfleet-ci`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "runfleet-ci", password: "runfleet-ci-password", type: "user", roles: [] }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || body.token === undefined) {
    throw new Error(`adding a user to ${registry} failed: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

describe("@runfleet/pulumi installed from an npm registry into a Pulumi project outside the repository", () => {
  const root = mkdtempSync(join(tmpdir(), "runfleet-outside-"));
  const project = join(root, "project");
  let registry: { url: string; process: ChildProcess };
  let cp: TestControlPlane | undefined;
  let env: NodeJS.ProcessEnv;

  const pulumi = (args: string[]): Promise<CommandResult> =>
    new Promise((done) => {
      const child = spawn(join(bin, "pulumi"), [...args, "--non-interactive"], { cwd: project, env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on("close", (code) => done({ code: code ?? 1, stdout, stderr }));
    });

  beforeAll(async () => {
    registry = await startRegistry(root);
    const token = await addUser(registry.url);
    const host = new URL(registry.url).host;
    // The user's npm settings: this registry for everything, its token for publishing, a cache of its own
    // (so nothing installed comes from the machine's cache of the workspace).
    const npmrc = join(root, "npmrc");
    writeFileSync(npmrc, `registry=${registry.url}\n//${host}/:_authToken=${token}\n`);
    env = npmEnv({
      npm_config_userconfig: npmrc,
      npm_config_registry: registry.url,
      npm_config_cache: join(root, "npm-cache"),
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
    });
    const tarballs = await packPublishedPackages(join(root, "packs"));
    for (const { name } of PUBLISHED_PACKAGES) {
      await npm(["publish", tarballs[name] ?? "", "--registry", registry.url], root, env);
    }
    // Installing needs no login; without the token Verdaccio does not re-check a password per request.
    writeFileSync(npmrc, `registry=${registry.url}\n`);
  }, 600_000);

  afterAll(async () => {
    await cp?.dispose();
    if (registry && registry.process.exitCode === null) {
      registry.process.kill("SIGTERM");
      await once(registry.process, "exit");
    }
    // The project's node_modules is large: removing it takes a while on a loaded machine.
    rmSync(root, { recursive: true, force: true });
  }, 300_000);

  it("the registry serves both packages, and has not asked npmjs.org for them", async () => {
    for (const { name } of PUBLISHED_PACKAGES) {
      const response = await fetch(`${registry.url}${name.replace("/", "%2f")}`);
      expect(response.status).toBe(200);
      const packument = (await response.json()) as { versions: Record<string, unknown>; _uplinks?: object };
      expect(Object.keys(packument.versions)).toEqual(["0.1.0"]);
      expect(packument._uplinks ?? {}).toEqual({});
    }
  });

  it("npm install @runfleet/pulumi in a new TypeScript project pulls @runfleet/sdk, and tsc accepts it", async () => {
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      `${JSON.stringify(
        {
          name: "outside-project",
          main: "index.ts",
          devDependencies: {
            "@types/node": rootManifest.devDependencies["@types/node"],
            typescript: rootManifest.devDependencies.typescript,
            "ts-node": "^10.9.2",
          },
          dependencies: { "@pulumi/pulumi": pulumiVersion },
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(join(project, "tsconfig.json"), `${JSON.stringify(PULUMI_TSCONFIG, null, 2)}\n`);
    writeFileSync(join(project, "index.ts"), PROGRAM);
    writeFileSync(join(project, "Pulumi.yaml"), "name: outside-project\nruntime: nodejs\n");
    await npm(["install", "@runfleet/pulumi"], project, env);
    const installed = (name: string) =>
      JSON.parse(readFileSync(join(project, "node_modules", name, "package.json"), "utf8")) as { version: string };
    expect(installed("@runfleet/pulumi").version).toBe("0.1.0");
    expect(installed("@runfleet/sdk").version).toBe("0.1.0");
    // Type-checks with Pulumi's standard CommonJS settings (library declarations included).
    await npm(["exec", "--", "tsc", "--noEmit", "-p", "."], project, env);
    // And loads as CommonJS, the way ts-node runs the program.
    const { stdout } = await npm(
      ["exec", "--", "node", "-e", 'process.stdout.write(Object.keys(require("@runfleet/pulumi")).join(","))'],
      project,
      env,
    );
    expect(stdout.split(",")).toEqual(expect.arrayContaining(["Endpoint", "Template", "ApiKey"]));
  }, 600_000);

  it.runIf(requireService(haveCli, `the Pulumi CLI in ${bin} (scripts/pulumi-cli.sh builds it)`))(
    "pulumi up creates the resources on a live control plane, a workersMax change previews one update, destroy removes them",
    async () => {
      cp = await startTestControlPlane();
      env = {
        ...env,
        PATH: [bin, dirname(NODE), env.PATH ?? ""].join(":"),
        PULUMI_HOME: join(root, "pulumi-home"),
        PULUMI_BACKEND_URL: `file://${join(root, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "outside-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
      };
      mkdirSync(join(root, "state"));
      const step = async (args: string[]) => {
        const result = await pulumi(args);
        expect(result.code, `${args.join(" ")}: exit ${result.code}\n${result.stdout}\n${result.stderr}`).toBe(0);
        return result;
      };
      await step(["stack", "init", "dev"]);
      await step(["config", "set", "runfleet:baseUrl", cp.url]);
      await step(["config", "set", "--secret", "runfleet:apiKey", TEST_ADMIN_KEY]);
      const up = await step(["up", "--yes", "--skip-preview"]);
      expect(up.stdout).not.toContain("Diagnostics");
      const outputs = JSON.parse((await step(["stack", "output", "--json"])).stdout) as Record<string, string>;
      expect(outputs.endpointName).toMatch(/^api-[0-9a-f]{7}$/);
      expect(outputs.keyName).toMatch(/^app-[0-9a-f]{7}$/);
      expect((await cp.call("GET", `/v1/endpoints/${outputs.endpointId}`)).body).toMatchObject({
        name: outputs.endpointName,
        workersMax: 1,
      });

      await step(["config", "set", "workersMax", "2"]);
      const preview = JSON.parse((await step(["preview", "--json"])).stdout) as {
        changeSummary: Record<string, number>;
      };
      expect(preview.changeSummary).toEqual({ update: 1, same: 3 });

      await step(["destroy", "--yes", "--skip-preview"]);
      expect((await cp.call("GET", `/v1/endpoints/${outputs.endpointId}`)).status).toBe(404);
    },
    600_000,
  );
});
