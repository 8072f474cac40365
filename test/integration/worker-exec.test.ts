import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError, createRunfleet, type Runfleet } from "@runfleet/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  createCommandEndpoint,
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { runfleetCli } from "../support/control-plane-subprocess.js";
import { openShellSocket, processRunning, requireScript, runCliOnTerminal } from "../support/worker-sessions.js";
import { eventually, NODE } from "../support/workers.js";

/** A worker that only waits: sessions run beside it. */
const IDLE = "setInterval(() => {}, 1000);";

describe("sessions inside a worker (process driver)", () => {
  let cp: TestControlPlane;
  let runfleet: Runfleet;
  let endpointId: string;
  let workerId: string;
  let readKey: string;
  let invokeKey: string;

  beforeAll(async () => {
    cp = await startTestControlPlane({ autoscalerTickMs: 100 });
    runfleet = createRunfleet({ baseUrl: cp.url, apiKey: TEST_ADMIN_KEY });
    endpointId = await createCommandEndpoint(cp, [NODE, "-e", IDLE], {
      workersMin: 1,
      workersMax: 1,
      env: { EXEC_TEST_SECRET: "s3cret" },
    });
    workerId = await eventually(async () => (await runfleet.workers.list(endpointId))[0]?.id, 15_000, "a worker");
    readKey = (await runfleet.keys.create({ name: "reader", scope: "read" })).key;
    invokeKey = (await runfleet.keys.create({ name: "invoker", scope: "invoke" })).key;
  });

  afterAll(async () => {
    await cp?.dispose();
  });

  it("runs a command in the worker's directory and environment and streams stdout, stderr and exit 0", async () => {
    const result = await runfleet.workers.run(endpointId, workerId, [
      "sh",
      "-c",
      'echo "pod=$RUNPOD_POD_ID secret=$EXEC_TEST_SECRET"; echo oops >&2; pwd',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.signal).toBeNull();
    expect(result.stdout).toBe(`pod=${workerId} secret=s3cret\n${process.cwd()}\n`);
    expect(result.stderr).toBe("oops\n");
    expect(result.sessionId).toMatch(/^ses_/);
  });

  it("keeps a failing command's exit status, and reports a missing program as 127", async () => {
    const failing = await runfleet.workers.run(endpointId, workerId, ["sh", "-c", "echo partial; exit 3"]);
    expect(failing).toMatchObject({ exitCode: 3, stdout: "partial\n" });
    const missing = await runfleet.workers.run(endpointId, workerId, ["no-such-program-here"]);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/no-such-program-here: not found/);
  });

  it("gives `stdin` to the command and answers NDJSON events in order over plain HTTP", async () => {
    const response = await fetch(`${cp.url}/v1/endpoints/${endpointId}/workers/${workerId}/exec`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ command: ["tr", "a-z", "A-Z"], stdin: "shout\n" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const events = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; data?: string; exitCode?: number });
    expect(events[0]?.type).toBe("started");
    expect(events.at(-1)).toMatchObject({ type: "exit", exitCode: 0, signal: null });
    const stdout = events
      .filter((event) => event.type === "stdout")
      .map((event) => Buffer.from(event.data ?? "", "base64").toString("utf8"))
      .join("");
    expect(stdout).toBe("SHOUT\n");
  });

  it("ends a long-running command when the client hangs up, and records the session as cancelled", async () => {
    const marker = `${(Math.random() * 1000 + 1000).toFixed(3)}`;
    const hangUp = new AbortController();
    let sessionId = "";
    for await (const event of runfleet.workers.exec(
      endpointId,
      workerId,
      { command: ["sh", "-c", `echo running; exec sleep ${marker}`] },
      { signal: hangUp.signal },
    )) {
      if (event.type === "started") {
        sessionId = event.sessionId;
      }
      if (event.type === "stdout") {
        break; // hangs up
      }
    }
    const event = await eventually(async () => {
      const [found] = await runfleet.audit.list({ workerId });
      return found?.id === sessionId && found.outcome !== "running" ? found : undefined;
    }, 10_000);
    expect(event).toMatchObject({ outcome: "cancelled", signal: "SIGTERM", exitCode: null });
    expect(processRunning(`sleep ${marker}`)).toBe(false);
  });

  it("ends a command at its timeoutSeconds", async () => {
    const result = await runfleet.workers.run(endpointId, workerId, ["sleep", "30"], { timeoutSeconds: 1 });
    expect(result).toMatchObject({ exitCode: null, signal: "SIGTERM" });
    const [event] = await runfleet.audit.list({ workerId, limit: 1 });
    expect(event?.outcome).toBe("cancelled");
  });

  it("refuses keys other than admin keys (403), whatever their scope", async () => {
    for (const key of [readKey, invokeKey]) {
      const scoped = createRunfleet({ baseUrl: cp.url, apiKey: key });
      const refused = await scoped.workers.run(endpointId, workerId, ["true"]).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).status).toBe(403);
      const audit = await scoped.audit.list().catch((error: unknown) => error);
      expect((audit as ApiError).status).toBe(403);
      const sshKeys = await scoped.sshKeys.list().catch((error: unknown) => error);
      expect((sshKeys as ApiError).status).toBe(403);
      const shell = await openShellSocket(cp.url, endpointId, workerId, key).catch((error: unknown) => error);
      expect((shell as { status: number }).status).toBe(403);
    }
  });

  it("refuses external workers (409), unknown workers (404) and a GET without the upgrade (426)", async () => {
    const external = await createExternalEndpoint(cp, ["true"]);
    const worker = await registerWorker(cp, external);
    const refused = (await runfleet.workers.run(external, worker.id, ["true"]).catch((e: unknown) => e)) as ApiError;
    expect(refused.status).toBe(409);
    expect(refused.code).toBe("exec_unsupported");
    const unknown = (await runfleet.workers
      .run(endpointId, "wk_missing", ["true"])
      .catch((e: unknown) => e)) as ApiError;
    expect(unknown.status).toBe(404);
    const plain = await cp.call("GET", `/v1/endpoints/${endpointId}/workers/${workerId}/exec`);
    expect(plain.status).toBe(426);
    const empty = await cp.call("POST", `/v1/endpoints/${endpointId}/workers/${workerId}/exec`, { command: [] });
    expect(empty.status).toBe(400);
  });

  it("opens a terminal over the WebSocket: typed commands run, resize reaches the terminal, Ctrl-D ends it", async () => {
    const shell = await openShellSocket(cp.url, endpointId, workerId, TEST_ADMIN_KEY, { cols: "100", rows: "30" });
    shell.type("stty size; echo pod=$RUNPOD_POD_ID\r");
    await shell.waitFor(/30 100\s+pod=wk_\w+/);
    expect(shell.output()).toContain(`pod=${workerId}`);
    shell.socket.send(JSON.stringify({ type: "resize", cols: 120, rows: 40 }));
    shell.type("stty size\r");
    // Ctrl-D is typed at the next prompt, as a person would: not while the terminal changes modes.
    await shell.waitFor(/40 120[\s\S]*[#$] $/);
    shell.type("\u0004"); // Ctrl-D on an empty line: the shell ends
    expect(await shell.closed).toBe(1000);
    expect(shell.messages[0]).toMatchObject({ type: "started", sessionId: expect.stringMatching(/^ses_/) });
    expect(shell.messages.at(-1)).toMatchObject({ type: "exit", exitCode: 0 });
    const [event] = await runfleet.audit.list({ workerId, limit: 1 });
    expect(event).toMatchObject({ transport: "websocket", tty: true, outcome: "exited", exitCode: 0 });
  });

  it("pauses a command whose output the client does not read, rather than holding the output in memory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "runfleet-flow-"));
    const progress = join(dir, "progress");
    const MEGABYTE = 1_000_000;
    const steps = 40;
    // Each step writes a megabyte and records how far the command got.
    const command = `i=0; while [ $i -lt ${steps} ]; do head -c ${MEGABYTE} /dev/zero | tr '\\0' x; i=$((i+1)); echo $i > ${progress}; done`;
    const url = new URL(`/v1/endpoints/${endpointId}/workers/${workerId}/exec`, cp.url);
    url.protocol = "ws:";
    url.searchParams.set("command", command);
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    let received = 0;
    const messages: { type: string; exitCode?: number }[] = [];
    socket.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
      const bytes = data as Buffer;
      if (isBinary) {
        received += bytes.length;
      } else {
        messages.push(JSON.parse(bytes.toString("utf8")) as { type: string });
      }
    });
    const closed = new Promise<number>((resolve) => socket.on("close", resolve));
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    // The client stops reading: what the command writes fills the buffers on the way, then blocks it.
    socket.pause();
    const stepsDone = () => {
      try {
        return Number(readFileSync(progress, "utf8").trim());
      } catch {
        return 0;
      }
    };
    await eventually(() => (stepsDone() > 0 ? true : undefined), 15_000, "the command's first megabyte");
    await new Promise((resolve) => setTimeout(resolve, 4000));
    // At most the high-water mark (1 MB) and the kernel's socket and pipe buffers (a few MB on loopback).
    expect(stepsDone()).toBeLessThan(steps / 2);
    socket.resume();
    expect(await closed).toBe(1000);
    expect(stepsDone()).toBe(steps);
    expect(received).toBeGreaterThanOrEqual(steps * MEGABYTE);
    expect(messages.at(-1)).toMatchObject({ type: "exit", exitCode: 0 });
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("takes the key as a subprotocol, as a browser sends it, and answers with the shell's own", async () => {
    const shell = await openShellSocket(
      cp.url,
      endpointId,
      workerId,
      TEST_ADMIN_KEY,
      { command: "echo via-browser" },
      "subprotocol",
    );
    expect(shell.socket.protocol).toBe("runfleet.shell.v1");
    await shell.waitFor(/via-browser/);
    expect(await shell.closed).toBe(1000);
    const refused = await openShellSocket(cp.url, endpointId, workerId, readKey, {}, "subprotocol").catch(
      (e: unknown) => e,
    );
    expect((refused as { status: number }).status).toBe(403);
  });

  it("runfleet workers exec passes the output and the exit status through", async () => {
    const env = { RUNFLEET_BASE_URL: cp.url, RUNFLEET_API_KEY: TEST_ADMIN_KEY };
    const { name } = await runfleet.endpoints.get(endpointId);
    const ok = await runfleetCli(["workers", "exec", name, workerId, "--", "sh", "-c", "echo out; echo err >&2"], env);
    expect(ok).toMatchObject({ status: 0, stdout: "out\n", stderr: "err\n" });
    const failing = await runfleetCli(["workers", "exec", endpointId, workerId, "--", "sh", "-c", "exit 42"], env);
    expect(failing.status).toBe(42);
    const denied = await runfleetCli(["workers", "exec", endpointId, workerId, "--", "true"], {
      ...env,
      RUNFLEET_API_KEY: readKey,
    });
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/needs an admin key/);
  });

  it.runIf(requireScript())(
    "runfleet workers shell on a pseudo-terminal: a typed command's output, then exit ends it with its status",
    async () => {
      const terminal = runCliOnTerminal(["workers", "shell", endpointId, workerId], {
        RUNFLEET_BASE_URL: cp.url,
        RUNFLEET_API_KEY: TEST_ADMIN_KEY,
      });
      terminal.type("echo $((6 * 7))-from-$RUNPOD_POD_ID\r");
      await terminal.waitFor(new RegExp(`42-from-${workerId}`));
      terminal.type("exit 5\r");
      expect(await terminal.exited).toBe(5);
      const [event] = await runfleet.audit.list({ workerId, limit: 1 });
      expect(event).toMatchObject({ transport: "websocket", tty: true, exitCode: 5, outcome: "exited" });
    },
  );

  it("records every session in the audit log: who, which worker, what, when, and how it ended", async () => {
    const admin = (await runfleet.keys.list()).find((key) => key.scope === "admin");
    const events = await runfleet.audit.list({ endpointId });
    expect(events.length).toBeGreaterThanOrEqual(8);
    for (const event of events) {
      expect(event).toMatchObject({
        action: "worker.exec",
        actor: { type: "apiKey", id: admin?.id },
        endpointId,
        driver: "process",
      });
      expect(event.outcome).not.toBe("running");
      expect(Date.parse(event.endedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(event.startedAt));
    }
    const failing = events.find((event) => event.command.join(" ") === "sh -c echo partial; exit 3");
    expect(failing).toMatchObject({
      transport: "http",
      tty: false,
      exitCode: 3,
      outcome: "exited",
      remoteAddress: "127.0.0.1",
    });
    // Newest first, and filtered by worker.
    const sorted = [...events].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
    expect(events.map((e) => e.id)).toEqual(sorted.map((e) => e.id));
  });
});
