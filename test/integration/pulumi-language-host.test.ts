import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, type ServiceError } from "@grpc/grpc-js";
import { LanguageRuntimeClient } from "@pulumi/pulumi/proto/language_grpc_pb.js";
import {
  GetRequiredPackagesRequest,
  type GetRequiredPackagesResponse,
  ProgramInfo,
  RunRequest,
  type RunResponse,
} from "@pulumi/pulumi/proto/language_pb.js";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb.js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireService } from "../support/control-plane-process.js";
import { hasPulumiCli, pulumiBinDir } from "../support/pulumi-cli.js";
import { NODE, REPO_ROOT } from "../support/workers.js";

const bin = await pulumiBinDir();

/** A unary method of the generated client, in its (request, callback) form. */
type Unary<Req, Res> = (request: Req, callback: (error: ServiceError | null, response: Res) => void) => unknown;

/** Calls a unary method as a promise. */
function call<Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function programInfo(dir: string): ProgramInfo {
  return new ProgramInfo().setRootDirectory(dir).setProgramDirectory(dir).setEntryPoint(".");
}

describe.runIf(requireService(hasPulumiCli(bin), `the Pulumi CLI in ${bin} (scripts/pulumi-cli.sh builds it)`))(
  "Runfleet's Node.js language host for the Pulumi CLI, over gRPC",
  () => {
    let host: ChildProcess;
    let client: LanguageRuntimeClient;
    const scratch = mkdtempSync(join(tmpdir(), "runfleet-langhost-"));

    beforeAll(async () => {
      // The CLI starts it with flags and the engine's address; it prints its port on the first line.
      host = spawn(join(bin, "pulumi-language-nodejs"), ["-root=/nonexistent", "127.0.0.1:1"], {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, PATH: [join(NODE, ".."), process.env.PATH].join(":") },
      });
      const port = await new Promise<number>((resolve, reject) => {
        host.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().split("\n")[0])));
        host.once("exit", (code) => reject(new Error(`the language host exited with ${code}`)));
      });
      client = new LanguageRuntimeClient(`127.0.0.1:${port}`, credentials.createInsecure());
    });

    afterAll(() => {
      client?.close();
      host?.kill("SIGTERM");
      rmSync(scratch, { recursive: true, force: true });
    });

    it("reports its version", async () => {
      const info = await call<Empty, PluginInfo>((r, done) => client.getPluginInfo(r, done), new Empty());
      expect(info.getVersion()).toMatch(/^3\.\d+\.\d+$/);
    });

    it("finds the resource plugins a program's dependencies declare, and only those", async () => {
      const docker = await call<GetRequiredPackagesRequest, GetRequiredPackagesResponse>(
        (r, done) => client.getRequiredPackages(r, done),
        new GetRequiredPackagesRequest().setInfo(programInfo(join(REPO_ROOT, "examples/pulumi-docker-endpoint"))),
      );
      const plugins = docker.getPackagesList().map((p) => ({ name: p.getName(), kind: p.getKind() }));
      expect(plugins).toEqual([{ name: "docker", kind: "resource" }]);
      expect(docker.getPackagesList()[0]?.getVersion()).toMatch(/^v5\./);
      // @pulumi/docker is hoisted into the shared node_modules, but this program does not depend on it.
      const plain = await call<GetRequiredPackagesRequest, GetRequiredPackagesResponse>(
        (r, done) => client.getRequiredPackages(r, done),
        new GetRequiredPackagesRequest().setInfo(programInfo(join(REPO_ROOT, "examples/pulumi-endpoint"))),
      );
      expect(plain.getPackagesList()).toEqual([]);
    });

    it("answers a program it cannot run with an error that says what to do", async () => {
      const response = await call<RunRequest, RunResponse>(
        (r, done) => client.run(r, done),
        new RunRequest()
          .setProject("p")
          .setStack("s")
          .setPwd(scratch)
          .setMonitorAddress("127.0.0.1:1")
          .setInfo(programInfo(scratch)),
      );
      expect(response.getError()).toBe(`@pulumi/pulumi is not installed for ${scratch}: run npm install`);
      expect(response.getBail()).toBe(false);
    });

    it("refuses a package list for a request without a program directory", async () => {
      await expect(
        call<GetRequiredPackagesRequest, GetRequiredPackagesResponse>(
          (r, done) => client.getRequiredPackages(r, done),
          new GetRequiredPackagesRequest(),
        ),
      ).rejects.toThrow(/names no program directory/);
    });
  },
);
