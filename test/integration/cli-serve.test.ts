import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RUNFLEET_BIN, startServeProcess } from "../support/control-plane-subprocess.js";
import { NODE } from "../support/workers.js";

describe("runfleet serve, as a new user runs it", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "runfleet-cli-"));

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints its URL, an admin key shown once, and a first job command that works", async () => {
    const serve = await startServeProcess(["--port", "0", "--data-dir", dataDir], { RUNFLEET_ADMIN_KEY: "" });
    try {
      expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(serve.url).not.toMatch(/:0$/);
      const key = /Admin key \(shown only this once[^\n]*\n\s+(rf_\S+)/.exec(serve.stdout())?.[1];
      expect(key).toBeDefined();
      const command =
        serve
          .stdout()
          .split("\n")
          .find((line) => line.trim().startsWith("curl")) ?? "";
      expect(command).toContain(key);
      expect(serve.stdout()).not.toMatch(/SSH gateway/);
      // The printed command, run as printed: a worker starts from zero and answers.
      const result = spawnSync("sh", ["-c", command], { encoding: "utf8", timeout: 30_000 });
      expect(JSON.parse(result.stdout)).toMatchObject({ status: "COMPLETED", output: { echo: { message: "hello" } } });
    } finally {
      serve.child.kill("SIGTERM");
      expect(await serve.exited).toBe(0);
    }
    const again = await startServeProcess(["--port", "0", "--data-dir", dataDir, "--ssh-port", "0"], {
      RUNFLEET_ADMIN_KEY: "",
    });
    try {
      expect(again.stdout()).not.toMatch(/shown only this once/);
      expect(again.stdout()).toMatch(/printed on first start/);
      // With --ssh-port 0, the port it picked is in the banner, with the host key to check.
      expect(again.stdout()).toMatch(
        /\n {2}SSH gateway: +ssh -p [1-9]\d* <workerId>@127\.0\.0\.1 {2}\(host key SHA256:[A-Za-z0-9+/]{43}\)\n/,
      );
    } finally {
      again.child.kill("SIGTERM");
      await again.exited;
    }
  });

  it("refuses a bad flag with exit code 2 and a message naming it", () => {
    const result = spawnSync(NODE, [RUNFLEET_BIN, "serve", "--port", "abc", "--data-dir", dataDir], {
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--port \(RUNFLEET_PORT\)/);
  });

  it("with the docker driver and no engine, exits with a message that says what to start", () => {
    const socket = join(dataDir, "no-engine.sock");
    const result = spawnSync(
      NODE,
      [RUNFLEET_BIN, "serve", "--port", "0", "--data-dir", dataDir, "--driver", "docker"],
      { encoding: "utf8", env: { ...process.env, DOCKER_HOST: `unix://${socket}` } },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot reach a Docker Engine at unix://${socket}`);
    expect(result.stderr).toMatch(/start dockerd .* or point DOCKER_HOST at a running engine/);
  });

  it("refuses an unknown command with exit code 2 and the usage", () => {
    const result = spawnSync(NODE, [RUNFLEET_BIN, "launch"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command "launch"/);
    expect(result.stderr).toMatch(/Usage: runfleet/);
  });
});
