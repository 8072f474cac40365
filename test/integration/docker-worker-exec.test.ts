import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRunfleet, type Runfleet } from "@runfleet/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, TEST_ADMIN_KEY, type TestControlPlane } from "../support/control-plane-process.js";
import { runfleetCli } from "../support/control-plane-subprocess.js";
import { DOCKER_HOST, docker, ECHO_IMAGE, removeContainersOf, requireDockerEngine } from "../support/docker-engine.js";
import { openShellSocket, requireScript, runCliOnTerminal } from "../support/worker-sessions.js";
import { eventually } from "../support/workers.js";

const run = await requireDockerEngine([ECHO_IMAGE]);

describe.runIf(run)("sessions inside a worker (docker driver: the engine's exec)", () => {
  let cp: TestControlPlane;
  let runfleet: Runfleet;
  let instanceId: string;
  let endpointId: string;
  let workerId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane({
      driver: "docker",
      dockerHost: DOCKER_HOST,
      autoscalerTickMs: 100,
      workerStopGraceMs: 2000,
    });
    instanceId = readFileSync(join(cp.dataDir, "instance-id"), "utf8").trim();
    runfleet = createRunfleet({ baseUrl: cp.url, apiKey: TEST_ADMIN_KEY });
    const name = `x-${Math.random().toString(36).slice(2)}`;
    const template = await runfleet.templates.create({ name, imageName: ECHO_IMAGE, env: { EXEC_TEST: "in-image" } });
    endpointId = (
      await runfleet.endpoints.create({
        name,
        templateId: template.id,
        computeType: "CPU",
        workersMin: 1,
        workersMax: 1,
      })
    ).id;
    // Ready: the worker asked for a job, so its container runs.
    workerId = await eventually(
      async () => (await runfleet.workers.list(endpointId)).find((w) => w.status === "IDLE")?.id,
      60_000,
      "a ready worker",
    );
  });

  afterAll(async () => {
    await cp?.dispose();
    if (instanceId) {
      await removeContainersOf(instanceId);
    }
  });

  /** The processes of the worker's container, as the engine lists them. */
  const containerProcesses = async () => {
    const top = (await docker.getContainer(`runfleet-${workerId}`).top()) as { Processes: string[][] };
    return top.Processes.map((columns) => columns.join(" "));
  };

  it("runs a command in the container with its environment; stdout and stderr apart, exit 0", async () => {
    const result = await runfleet.workers.run(endpointId, workerId, [
      "sh",
      "-c",
      'echo "pod=$RUNPOD_POD_ID env=$EXEC_TEST"; echo oops >&2',
    ]);
    expect(result).toMatchObject({ exitCode: 0, stdout: `pod=${workerId} env=in-image\n`, stderr: "oops\n" });
  });

  it("keeps a failing command's exit status; a missing program is 127", async () => {
    expect(await runfleet.workers.run(endpointId, workerId, ["sh", "-c", "echo partial; exit 3"])).toMatchObject({
      exitCode: 3,
      stdout: "partial\n",
    });
    const missing = await runfleet.workers.run(endpointId, workerId, ["no-such-program-here"]);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/no-such-program-here/);
  });

  it("passes stdin and binary output through unchanged", async () => {
    const echoed = await runfleet.workers.run(endpointId, workerId, ["cat"], { stdin: "line one\nline two\n" });
    expect(echoed).toMatchObject({ exitCode: 0, stdout: "line one\nline two\n" });
    const bytes: number[] = [];
    for await (const event of runfleet.workers.exec(endpointId, workerId, {
      command: ["sh", "-c", "printf '\\000\\377\\n'"],
    })) {
      if (event.type === "stdout" && "data" in event) {
        bytes.push(...Buffer.from(event.data, "base64"));
      }
    }
    expect(bytes).toEqual([0, 255, 10]);
  });

  it("ends a long-running command inside the container when the client hangs up", async () => {
    const marker = `${(Math.random() * 1000 + 1000).toFixed(3)}`;
    let sessionId = "";
    for await (const event of runfleet.workers.exec(endpointId, workerId, {
      command: ["sh", "-c", `echo running; exec sleep ${marker}`],
    })) {
      if (event.type === "started") {
        sessionId = event.sessionId;
      }
      if (event.type === "stdout") {
        expect((await containerProcesses()).some((line) => line.includes(`sleep ${marker}`))).toBe(true);
        break; // hangs up
      }
    }
    const event = await eventually(async () => {
      const [found] = await runfleet.audit.list({ workerId, limit: 1 });
      return found?.id === sessionId && found.outcome !== "running" ? found : undefined;
    }, 15_000);
    expect(event.outcome).toBe("cancelled");
    // 128 + SIGTERM, as the engine reports a signalled exec.
    expect(event.exitCode).toBe(143);
    await eventually(async () =>
      (await containerProcesses()).some((line) => line.includes(`sleep ${marker}`)) ? undefined : true,
    );
  });

  it("opens a terminal in the container over the WebSocket, with resize and Ctrl-D", async () => {
    const shell = await openShellSocket(cp.url, endpointId, workerId, TEST_ADMIN_KEY, { cols: "90", rows: "20" });
    shell.type("stty size; echo env=$EXEC_TEST\r");
    await shell.waitFor(/20 90\s+env=in-image/);
    shell.socket.send(JSON.stringify({ type: "resize", cols: 132, rows: 43 }));
    shell.type("stty size\r");
    // Ctrl-D is typed at the next prompt, as a person would: not while the terminal changes modes.
    await shell.waitFor(/43 132[\s\S]*[#$] $/);
    shell.type("\u0004");
    const closed = await Promise.race([shell.closed, new Promise((r) => setTimeout(() => r("open"), 10_000))]);
    expect(closed, `${shell.output()}\n${JSON.stringify(shell.messages)}`).toBe(1000);
    expect(shell.messages.at(-1)).toMatchObject({ type: "exit", exitCode: 0 });
  });

  it.runIf(requireScript())("runfleet workers exec and shell against the container", async () => {
    const env = { RUNFLEET_BASE_URL: cp.url, RUNFLEET_API_KEY: TEST_ADMIN_KEY };
    const failing = await runfleetCli(
      ["workers", "exec", endpointId, workerId, "--", "sh", "-c", "echo hi; exit 9"],
      env,
    );
    expect(failing).toMatchObject({ status: 9, stdout: "hi\n" });
    const terminal = runCliOnTerminal(["workers", "shell", endpointId, workerId], env);
    terminal.type("echo $((6 * 7))-in-$RUNPOD_POD_ID\r");
    await terminal.waitFor(new RegExp(`42-in-${workerId}`));
    terminal.type("exit 4\r");
    expect(await terminal.exited).toBe(4);
  });

  it("records each session with the docker driver in the audit log", async () => {
    const events = await runfleet.audit.list({ endpointId });
    expect(events.length).toBeGreaterThanOrEqual(8);
    for (const event of events) {
      expect(event).toMatchObject({ action: "worker.exec", driver: "docker", workerId, actor: { type: "apiKey" } });
      expect(event.outcome).not.toBe("running");
    }
    expect(events.filter((event) => event.tty).map((event) => event.transport)).toContain("websocket");
  });
});
