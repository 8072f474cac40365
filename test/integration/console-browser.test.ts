import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requireChromium, type TestBrowser } from "../support/chromium.js";
import { startTestControlPlane, TEST_ADMIN_KEY, type TestControlPlane } from "../support/control-plane-process.js";
import { newOpenSshPublicKey } from "../support/ssh.js";
import { eventually, NODE, REPO_ROOT } from "../support/workers.js";

/**
 * Where the screenshots of each page go. They are committed and shown in the README, so a run rewrites
 * them only when asked (`RUNFLEET_UPDATE_SCREENSHOTS=1`); otherwise they go to a temporary directory, and
 * a test run leaves the working tree as it found it.
 */
const SCREENSHOTS =
  process.env.RUNFLEET_UPDATE_SCREENSHOTS === "1"
    ? join(REPO_ROOT, "docs/console")
    : mkdtempSync(join(tmpdir(), "runfleet-console-shots-"));

const run = requireChromium();

/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core) against a live control
 * plane whose echo endpoint runs real process workers. One story, in order: each step leaves the state the
 * next one reads (a job run, a burst, settings saved, a key revoked).
 */
describe.runIf(run)("the web console", () => {
  let cp: TestControlPlane;
  let browser: TestBrowser;
  let page: Page;
  let endpointId: string;
  let readKey: string;

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const peaks = async (chart: string): Promise<Record<string, number>> =>
    JSON.parse((await page.locator(`figure[aria-label="${chart}"]`).getAttribute("data-peaks")) ?? "{}");
  const signIn = async (key: string) => {
    await page.goto(`${cp.url}/console/`);
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    cp = await startTestControlPlane({
      metricsIntervalMs: 500,
      autoscalerTickMs: 100,
      workerStopGraceMs: 2000,
      sshPort: 0,
    });
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", {
      name: "echo",
      command: [NODE, "examples/echo-worker/dist/worker.js"],
    });
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "echo",
      templateId: template.body.id,
      computeType: "CPU",
      driver: "process",
      workersMin: 1,
      workersMax: 3,
      idleTimeout: 20,
      scalerType: "REQUEST_COUNT",
      scalerValue: 1,
    });
    expect(endpoint.status).toBe(201);
    endpointId = endpoint.body.id;
    const key = await cp.call<{ key: string }>("POST", "/v1/keys", { name: "viewer", scope: "read" });
    readKey = key.body.key;
    await eventually(
      async () => {
        const { body } = await cp.call<{ status: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`);
        return body.some((w) => w.status === "IDLE") ? true : undefined;
      },
      30_000,
      "a warm echo worker",
    );
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await cp?.dispose();
  });

  it("signs in with an admin key kept in session storage, never in the URL, and lists the endpoint live", async () => {
    await page.goto(`${cp.url}/console`);
    await expect(page.getByRole("heading", { name: "Runfleet console" }).isVisible()).resolves.toBe(true);
    await shot("sign-in");
    await page.getByLabel("API key").fill("rf_not_a_key_at_all_0000000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#api-key-error").waitFor();
    await signIn(TEST_ADMIN_KEY);
    expect(page.url()).not.toContain(TEST_ADMIN_KEY);
    expect(await page.evaluate(() => sessionStorage.getItem("runfleet.console.apiKey"))).toBe(TEST_ADMIN_KEY);
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(TEST_ADMIN_KEY);
    const row = page.locator('tr[data-endpoint="echo"]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain("IDLE");
    await expect(row.textContent()).resolves.toContain("process");
  });

  it("sends a test job from the Requests tab and shows its output and timings", async () => {
    await page.locator('tr[data-endpoint="echo"] a').click();
    await page.getByRole("tab", { name: "Requests" }).click();
    await page.getByLabel("Input (JSON, sent as input)").fill('{ "message": "hello from chromium" }');
    await page.getByRole("button", { name: "Send test job" }).click();
    const output = page.getByTestId("job-output");
    await output.waitFor({ timeout: 30_000 });
    await expect(output.textContent()).resolves.toContain("hello from chromium");
    await expect(page.locator("#outcome-title").textContent()).resolves.toContain("COMPLETED");
    // A streaming job: its chunks are shown as they come, then its aggregated output.
    await page.getByLabel("Input (JSON, sent as input)").fill('{ "chunks": 3 }');
    await page.getByRole("button", { name: "Send test job" }).click();
    const chunks = page.getByTestId("job-chunks");
    await chunks.waitFor({ timeout: 30_000 });
    await eventually(
      async () => ((await chunks.textContent())?.split("\n").length === 3 ? true : undefined),
      15_000,
      "three stream chunks",
    );
    await expect(chunks.textContent()).resolves.toContain('{"chunk":2}');
    await page.locator("#outcome-title").filter({ hasText: "COMPLETED" }).waitFor({ timeout: 15_000 });
    await shot("requests");
  });

  it("follows a worker's log live", async () => {
    // Before the burst the endpoint has its one warm worker, so the job below runs on the followed one.
    await page.getByRole("tab", { name: "Workers" }).click();
    await page.getByRole("button", { name: "Follow log" }).first().waitFor();
    await expect(page.getByRole("button", { name: "Follow log" }).count()).resolves.toBe(1);
    await page.getByRole("button", { name: "Follow log" }).click();
    await page.getByTestId("worker-log").waitFor();
    // A job that asks the echo worker to log makes it write a line while the log is followed.
    const sent = await cp.call("POST", `/v2/${endpointId}/run`, {
      input: { log: "a line written live", message: "logged" },
    });
    expect(sent.status).toBe(200);
    await eventually(
      async () =>
        (await page.getByTestId("worker-log").textContent())?.includes("a line written live") ? true : undefined,
      30_000,
      "the worker's line in the followed log",
    );
    await shot("workers");
  });

  it("opens a terminal in a worker: keys typed reach its shell, the output shows, and the exit status ends it", async () => {
    const workerId = (await page.locator("tr[data-worker]").first().getAttribute("data-worker")) ?? "";
    await page.getByRole("button", { name: `Terminal in ${workerId}` }).click();
    const state = page.getByTestId("terminal-state");
    await state.filter({ hasText: "connected" }).waitFor({ timeout: 30_000 });
    const screen = page.getByRole("application", { name: "Worker terminal" });
    await screen.click();
    // The shell runs in the worker: its environment names the worker, arithmetic proves a shell ran it.
    await page.keyboard.type("echo $((6 * 7))-in-$RUNPOD_POD_ID");
    await page.keyboard.press("Enter");
    await eventually(
      async () => ((await screen.textContent())?.includes(`42-in-${workerId}`) ? true : undefined),
      15_000,
      "the command's output on the terminal",
    );
    await shot("terminal");
    await page.keyboard.type("exit 3");
    await page.keyboard.press("Enter");
    await state.filter({ hasText: "exited with code 3" }).waitFor({ timeout: 15_000 });
    const events = (
      await cp.call<{ transport: string; exitCode: number | null }[]>("GET", `/v1/audit-events?workerId=${workerId}`)
    ).body;
    expect(events.find((event) => event.transport === "websocket")).toMatchObject({ exitCode: 3 });
    await page.getByRole("button", { name: "Close terminal" }).click();
    await expect(screen.count()).resolves.toBe(0);
  });

  it("draws a burst: active workers and queue depth rise in the Metrics charts", async () => {
    for (let i = 0; i < 12; i++) {
      const sent = await cp.call("POST", `/v2/${endpointId}/run`, { input: { message: i, sleepMs: 2500 } });
      expect(sent.status).toBe(200);
    }
    await page.getByRole("tab", { name: "Metrics" }).click();
    await eventually(
      async () => {
        const workers = await peaks("Active workers by state");
        const queue = await peaks("Queue depth");
        return (workers.RUNNING ?? 0) >= 2 && (queue.max ?? 0) >= 3 ? true : undefined;
      },
      45_000,
      "the charts to show two running workers and a queue of three",
    );
    // Let the burst finish so the latency and jobs charts have it too.
    await eventually(
      async () => (((await peaks("Jobs completed and failed")).completed ?? 0) >= 1 ? true : undefined),
      45_000,
      "completed jobs in the chart",
    );
    await eventually(
      async () => {
        const { body } = await cp.call<{ jobs: { inQueue: number; inProgress: number } }>(
          "GET",
          `/v2/${endpointId}/health`,
        );
        return body.jobs.inQueue + body.jobs.inProgress === 0 ? true : undefined;
      },
      60_000,
      "the burst to finish",
    );
    await page.waitForTimeout(3500);
    await shot("metrics");
    await page.getByLabel("Colour scheme").selectOption("dark");
    await page.waitForTimeout(300);
    await shot("metrics-dark");
    await page.getByLabel("Colour scheme").selectOption("light");
  });

  it("lists jobs by status with their detail", async () => {
    await page.getByRole("tab", { name: "Jobs" }).click();
    await page.getByLabel("Status").selectOption("COMPLETED");
    const first = page.locator("table.grid tbody tr button").first();
    await first.waitFor();
    await first.click();
    await page.locator("#job-detail-title").waitFor();
    await expect(page.locator(".detail").textContent()).resolves.toContain("Output");
    await shot("jobs");
  });

  it("shows the API's field error on workersMax, then saves a valid value", async () => {
    await page.getByRole("tab", { name: "Settings" }).click();
    const max = page.getByLabel("Max workers");
    await max.fill("5000");
    await page.getByRole("button", { name: "Save settings" }).click();
    const error = page.locator("#error-workersMax");
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/1000/);
    await expect(max.getAttribute("aria-invalid")).resolves.toBe("true");
    await shot("settings-error");
    await max.fill("4");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    const { body } = await cp.call<{ workersMax: number }>("GET", `/v1/endpoints/${endpointId}`);
    expect(body.workersMax).toBe(4);
    await shot("settings");
  });

  it("shows the endpoint's live figures after the burst, and the templates", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Endpoints" }).click();
    const row = page.locator('tr[data-endpoint="echo"]');
    await row.waitFor();
    await shot("endpoints");
    await page.getByRole("link", { name: "Templates" }).click();
    await page.getByRole("heading", { name: "Templates" }).waitFor();
    await expect(page.locator("table.grid").textContent()).resolves.toContain("echo");
    await shot("templates");
  });

  it("creates a key (shown once) and revokes it", async () => {
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByLabel("Name").fill("temporary");
    await page.getByLabel("Scope").selectOption("invoke");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = (await page.getByTestId("new-key").textContent())?.trim() ?? "";
    expect(secret.length).toBeGreaterThan(20);
    expect((await cp.call("GET", `/v2/${endpointId}/health`, undefined, secret)).status).toBe(200);
    await shot("keys");
    await page.getByRole("button", { name: "Revoke temporary" }).click();
    await page.locator('tr[data-key="temporary"]').filter({ hasText: "revoked" }).waitFor();
    expect((await cp.call("GET", `/v2/${endpointId}/health`, undefined, secret)).status).toBe(401);
  });

  it("registers an SSH key with the fingerprint the API gives, refuses junk with the API's message, and removes it", async () => {
    await page.getByRole("link", { name: "SSH keys" }).click();
    await page.getByRole("heading", { name: "SSH keys" }).waitFor();
    await page.getByText("No key registered yet.").waitFor();
    // How to connect: the gateway's port and host key, from the API.
    const gateway = page.getByTestId("ssh-gateway");
    await gateway.waitFor();
    await expect(gateway.textContent()).resolves.toContain(`ssh -p ${cp.server.sshGateway?.port} <workerId>@127.0.0.1`);
    await expect(gateway.textContent()).resolves.toContain(cp.server.sshGateway?.hostKeyFingerprint);
    await page.getByLabel("Name").fill("laptop");
    await page.getByLabel(/Public key/).fill("ssh-ed25519 not-base64-at-all");
    await page.getByRole("button", { name: "Register key" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: /public key/i })
      .waitFor();
    await page.getByLabel(/Public key/).fill(`${newOpenSshPublicKey()} someone@laptop`);
    await page.getByRole("button", { name: "Register key" }).click();
    const row = page.locator('tr[data-ssh-key="laptop"]');
    await row.waitFor();
    const [registered] = (await cp.call<{ fingerprint: string; type: string }[]>("GET", "/v1/ssh-keys")).body;
    expect(registered?.type).toBe("ssh-ed25519");
    await expect(row.textContent()).resolves.toContain(registered?.fingerprint);
    await page.getByRole("status").filter({ hasText: registered?.fingerprint }).waitFor();
    await shot("ssh-keys");
    await page.getByRole("button", { name: "Remove laptop" }).click();
    await page.getByText("No key registered yet.").waitFor();
    expect((await cp.call<unknown[]>("GET", "/v1/ssh-keys")).body).toEqual([]);
  });

  it("lets a read key see the settings but not save them", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    expect(await page.evaluate(() => sessionStorage.getItem("runfleet.console.apiKey"))).toBeNull();
    await signIn(readKey);
    await page.goto(`${cp.url}/console/#/endpoints/${endpointId}/settings`);
    await page.getByRole("note").filter({ hasText: "scope read" }).waitFor();
    await expect(page.getByRole("button", { name: "Save settings" }).isDisabled()).resolves.toBe(true);
    await expect(page.getByLabel("Max workers").isDisabled()).resolves.toBe(true);
    await expect(page.getByLabel("Max workers").inputValue()).resolves.toBe("4");
    // The API refuses the key too, whatever a page would send.
    const refused = await cp.call("PATCH", `/v1/endpoints/${endpointId}`, { workersMax: 2 }, readKey);
    expect(refused.status).toBe(403);
    await shot("settings-read-only");
    await page.getByRole("link", { name: "SSH keys" }).click();
    await page.getByRole("note").filter({ hasText: "scope read" }).waitFor();
  });
});
