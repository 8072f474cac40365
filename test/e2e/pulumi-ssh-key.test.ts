import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import {
  createProgramProject,
  explain,
  hasPulumiCli,
  type PulumiProject,
  pulumiBinDir,
} from "../support/pulumi-cli.js";
import { newOpenSshPublicKey } from "../support/ssh.js";

const bin = await pulumiBinDir();
const run = requireService(hasPulumiCli(bin), `the Pulumi CLI in ${bin} (scripts/pulumi-cli.sh builds it)`);

/** A team's SSH keys for the gateway, declared in a Pulumi program. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { SshKey } from "@runfleet/pulumi";

const config = new pulumi.Config();
const key = new SshKey("laptop", { name: config.require("keyName"), publicKey: config.require("publicKey") });
export const sshKeyId = key.sshKeyId;
export const fingerprint = key.fingerprint;
`;

/** What the control plane lists of a registered key. */
interface RegisteredKey {
  id: string;
  name: string;
  fingerprint: string;
}

describe.runIf(run)("SSH keys declared with the real Pulumi CLI", () => {
  const exampleDir = mkdtempSync(join(tmpdir(), "runfleet-ssh-key-"));
  let cp: TestControlPlane;
  let project: PulumiProject;

  const pulumi = async (...args: string[]) => {
    const result = await project.pulumi([...args, "--stack", "keys"]);
    expect(result.code, explain(result)).toBe(0);
    return result;
  };
  const outputs = async () =>
    JSON.parse((await pulumi("stack", "output", "--json")).stdout) as { sshKeyId: string; fingerprint: string };
  const registered = async () => (await cp.call<RegisteredKey[]>("GET", "/v1/ssh-keys")).body;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    project = await createProgramProject(bin, exampleDir, "ssh-keys", PROGRAM);
    expect((await project.pulumi(["stack", "init", "keys"])).code).toBe(0);
    for (const args of [
      ["runfleet:baseUrl", cp.url],
      ["--secret", "runfleet:apiKey", TEST_ADMIN_KEY],
      ["keyName", "alice laptop"],
      // As a .pub file holds it: with a comment, which the control plane does not keep.
      ["publicKey", `${newOpenSshPublicKey()} alice@laptop`],
    ]) {
      await pulumi("config", "set", ...args);
    }
  }, 120_000);

  afterAll(async () => {
    await cp?.dispose();
    project?.dispose();
    rmSync(exampleDir, { recursive: true, force: true });
  });

  it("pulumi up registers the key with the fingerprint the control plane computes, and the next preview sees no change", async () => {
    await pulumi("up", "--yes", "--skip-preview");
    const { sshKeyId, fingerprint } = await outputs();
    expect(await registered()).toEqual([expect.objectContaining({ id: sshKeyId, name: "alice laptop", fingerprint })]);
    await pulumi("preview", "--expect-no-changes");
  }, 180_000);

  it("a renamed key is replaced, the old registration removed first (a public key is registered once)", async () => {
    const before = await outputs();
    await pulumi("config", "set", "keyName", "alice desktop");
    await pulumi("up", "--yes", "--skip-preview");
    const after = await outputs();
    expect(after.sshKeyId).not.toBe(before.sshKeyId);
    expect(after.fingerprint).toBe(before.fingerprint);
    expect(await registered()).toEqual([expect.objectContaining({ id: after.sshKeyId, name: "alice desktop" })]);
  }, 180_000);

  it("pulumi destroy removes the key", async () => {
    await pulumi("destroy", "--yes", "--skip-preview");
    expect(await registered()).toEqual([]);
  }, 180_000);
});
