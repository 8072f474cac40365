import type { ExecExit, ExecSession, WorkerDriver, WorkerExit, WorkerSpec } from "@runfleet/control-plane";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../support/workers.js";

/** A worker that prints a line, then a heartbeat every 50 ms, and exits with $EXIT_CODE when asked to by $EXIT_AFTER_MS. */
const SCRIPT = `
process.stdout.write("hello from " + process.env.RUNFLEET_WORKER_ID + "\\n");
process.stderr.write("to stderr\\n");
let n = 0;
setInterval(() => process.stdout.write("tick " + n++ + "\\n"), 50);
if (process.env.EXIT_AFTER_MS) setTimeout(() => process.exit(Number(process.env.EXIT_CODE ?? 0)), Number(process.env.EXIT_AFTER_MS));
process.on("SIGTERM", () => { process.stdout.write("bye\\n"); process.exit(0); });
`;

/** A session's output, collected as it comes. */
interface Collected {
  stdout: () => string;
  stderr: () => string;
  onOutput: (stream: "stdout" | "stderr", data: Buffer) => void;
}

function collect(): Collected {
  let stdout = "";
  let stderr = "";
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    onOutput: (stream, data) => {
      if (stream === "stdout") {
        stdout += data.toString("utf8");
      } else {
        stderr += data.toString("utf8");
      }
    },
  };
}

/** Runs a command to its end in a worker, collecting what it wrote. */
async function execToEnd(
  driver: WorkerDriver,
  workerId: string,
  command: string[],
  stdin?: string,
): Promise<ExecExit & { stdout: string; stderr: string }> {
  const output = collect();
  const session = (await driver.exec?.(workerId, { command, tty: null, onOutput: output.onOutput })) as ExecSession;
  if (stdin !== undefined) {
    session.write(Buffer.from(stdin));
  }
  session.closeInput();
  const exit = await session.exited;
  return { ...exit, stdout: output.stdout(), stderr: output.stderr() };
}

/** What a conformance run needs from the driver under test. */
export interface DriverHarness {
  driver: WorkerDriver;
  /** A new driver on the same state, as after a control-plane restart. */
  restart: () => Promise<WorkerDriver>;
  /** Whether the worker's process (or container) is frozen. */
  isPaused: (workerId: string) => boolean | Promise<boolean>;
  /** How a worker runs Node: the host's binary for the process driver, `node` in an image for containers. */
  node: string;
  /** The image workers run from (container drivers), or null. */
  image: string | null;
  cleanup: () => Promise<void>;
}

let sequence = 0;
const newSpec = (harness: DriverHarness, env: Record<string, string> = {}): WorkerSpec => {
  // Unique across runs too: container names outlive a crashed test run.
  const workerId = `wk_conf${process.pid}x${sequence++}`;
  return {
    workerId,
    endpointId: "ep_conf",
    command: [harness.node, "-e", SCRIPT],
    image: harness.image,
    env: { RUNFLEET_WORKER_ID: workerId, ...env },
    gpuIds: [],
    gpuCount: 0,
    gpuTypeIds: [],
    cpuLimit: null,
    memoryLimitMb: null,
    containerDiskInGb: null,
    volumeMounts: [],
    registryCredentials: null,
    ports: [],
  };
};

/** The behaviour every `WorkerDriver` must have. */
export function describeWorkerDriverConformance(name: string, makeHarness: () => Promise<DriverHarness>): void {
  describe(`WorkerDriver conformance: ${name}`, () => {
    let harness: DriverHarness;
    const exits: WorkerExit[] = [];
    const spec = (env: Record<string, string> = {}) => newSpec(harness, env);

    beforeEach(async () => {
      harness = await makeHarness();
      exits.length = 0;
      harness.driver.onExit((exit) => exits.push(exit));
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it("starts a worker with its environment and captures its logs", async () => {
      const worker = spec();
      const started = await harness.driver.start(worker);
      expect(started).toMatchObject({ workerId: worker.workerId, endpointId: "ep_conf", state: "running" });
      expect((await harness.driver.list()).map((w) => w.workerId)).toContain(worker.workerId);
      // The orphan sweep's listing: the same worker, as it runs.
      expect((await harness.driver.inventory()).find((w) => w.workerId === worker.workerId)).toMatchObject({
        endpointId: "ep_conf",
        state: "running",
        startedAt: started.startedAt,
      });
      const lines = await eventually(async () => {
        const logs = await harness.driver.logs(worker.workerId, 100);
        return logs.some((l) => l.line.startsWith("tick")) ? logs : undefined;
      });
      expect(lines).toContainEqual(
        expect.objectContaining({ stream: "stdout", line: `hello from ${worker.workerId}` }),
      );
      expect(lines).toContainEqual(expect.objectContaining({ stream: "stderr", line: "to stderr" }));
      expect((await harness.driver.logs(worker.workerId, 2)).length).toBeLessThanOrEqual(2);
    });

    it("follows a worker's logs as it writes them, and ends after its last lines", async () => {
      const worker = spec({ EXIT_AFTER_MS: "1000", EXIT_CODE: "0" });
      await harness.driver.start(worker);
      const safety = new AbortController();
      const timer = setTimeout(() => safety.abort(), 15_000);
      const lines: string[] = [];
      for await (const line of harness.driver.followLogs(worker.workerId, 100, safety.signal)) {
        lines.push(line.line);
      }
      clearTimeout(timer);
      expect(safety.signal.aborted, "the follow ended by itself when the worker exited").toBe(false);
      expect(lines).toContain(`hello from ${worker.workerId}`);
      expect(lines).toContain("to stderr");
      // About 20 ticks in the worker's second of life: most were written while the follow was open.
      const ticks = lines.filter((l) => l.startsWith("tick ")).map((l) => Number(l.slice(5)));
      expect(ticks.length).toBeGreaterThan(5);
      expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
    });

    it("stops following a running worker when the signal aborts", async () => {
      const worker = spec();
      await harness.driver.start(worker);
      const stop = new AbortController();
      const seen: string[] = [];
      for await (const line of harness.driver.followLogs(worker.workerId, 10, stop.signal)) {
        seen.push(line.line);
        if (line.line.startsWith("tick")) {
          stop.abort();
        }
      }
      expect(seen.some((l) => l.startsWith("tick"))).toBe(true);
      const list = (await harness.driver.list()).find((w) => w.workerId === worker.workerId);
      expect(list?.state, "the worker itself keeps running").toBe("running");
    });

    it("stops a worker gracefully and reports its exit", async () => {
      const worker = spec();
      await harness.driver.start(worker);
      await eventually(async () => ((await harness.driver.logs(worker.workerId, 1)).length > 0 ? true : undefined));
      // Called once the graceful signal is out, before the worker has exited.
      const signalled: boolean[] = [];
      await harness.driver.stop(worker.workerId, 5000, () => signalled.push(exits.length === 0));
      expect(signalled).toEqual([true]);
      const listed = (await harness.driver.list()).find((w) => w.workerId === worker.workerId);
      expect(listed?.state ?? "exited").toBe("exited");
      // A stopped worker is nothing the orphan sweep could remove: not in the inventory at all.
      expect((await harness.driver.inventory()).map((w) => w.workerId)).not.toContain(worker.workerId);
      expect(exits.map((e) => e.workerId)).toContain(worker.workerId);
      const notSignalled: string[] = [];
      await expect(
        harness.driver.stop(worker.workerId, 100, () => notSignalled.push("again")),
      ).resolves.toBeUndefined();
      await expect(
        harness.driver.stop("wk_never_started", 100, () => notSignalled.push("never")),
      ).resolves.toBeUndefined();
      expect(notSignalled).toEqual([]);
    });

    it("gives each log line the instant it was written, both streams in order", async () => {
      const worker = spec();
      await harness.driver.start(worker);
      const lines = await eventually(async () => {
        const logs = await harness.driver.logs(worker.workerId, 1000);
        return logs.filter((l) => l.line.startsWith("tick")).length >= 8 ? logs : undefined;
      });
      const ticks = lines.filter((l) => l.line.startsWith("tick")).map((l) => Date.parse(l.at));
      // Ticks 50 ms apart carry instants that move with them, not one instant for all.
      expect(new Set(ticks).size).toBeGreaterThan(ticks.length / 2);
      expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
      const instants = lines.map((l) => Date.parse(l.at));
      expect(instants).toEqual([...instants].sort((a, b) => a - b));
    });

    it("kills a worker that ignores the graceful signal after the grace period", async () => {
      const worker = {
        ...spec(),
        command: [harness.node, "-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);"],
      };
      await harness.driver.start(worker);
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      await harness.driver.stop(worker.workerId, 300);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(exits.map((e) => e.workerId)).toContain(worker.workerId);
    });

    it("pauses and resumes a worker, or refuses to and says so where the engine has no pause", async () => {
      const worker = spec();
      await harness.driver.start(worker);
      if (!harness.driver.canPause) {
        // Kubernetes: FlashBoot keeps no standby, and the autoscaler never asks (`canPause` is false).
        await expect(harness.driver.pause(worker.workerId)).rejects.toThrow(/cannot be paused: .* has no pause/);
        await expect(harness.driver.resume(worker.workerId)).rejects.toThrow(/has no pause/);
        expect((await harness.driver.list()).find((w) => w.workerId === worker.workerId)?.state).toBe("running");
        return;
      }
      await harness.driver.pause(worker.workerId);
      await eventually(
        async () => ((await harness.isPaused(worker.workerId)) ? true : undefined),
        3000,
        "the worker to freeze",
      );
      expect((await harness.driver.list()).find((w) => w.workerId === worker.workerId)?.state).toBe("paused");
      const before = (await harness.driver.logs(worker.workerId, 1000)).length;
      await new Promise((r) => setTimeout(r, 300));
      expect((await harness.driver.logs(worker.workerId, 1000)).length).toBe(before);
      await harness.driver.resume(worker.workerId);
      expect((await harness.driver.list()).find((w) => w.workerId === worker.workerId)?.state).toBe("running");
      await eventually(async () =>
        (await harness.driver.logs(worker.workerId, 1000)).length > before ? true : undefined,
      );
    });

    it("reports a worker that exits on its own, with its last lines", async () => {
      const worker = spec({ EXIT_AFTER_MS: "200", EXIT_CODE: "3" });
      await harness.driver.start(worker);
      const exit = await eventually(() => exits.find((e) => e.workerId === worker.workerId), 5000, "the exit");
      expect(exit.exit).toBe(3);
      expect(exit.lastLines.join("\n")).toMatch(/to stderr|tick|hello/);
    });

    it("adopts running workers after a restart and notices when they exit", async () => {
      const worker = spec({ EXIT_AFTER_MS: "1500" });
      await harness.driver.start(worker);
      await harness.driver.close();
      const next = await harness.restart();
      const adoptedExits: WorkerExit[] = [];
      next.onExit((exit) => adoptedExits.push(exit));
      expect((await next.list()).find((w) => w.workerId === worker.workerId)?.state).toBe("running");
      expect((await next.inventory()).find((w) => w.workerId === worker.workerId)?.state).toBe("running");
      await eventually(
        () => adoptedExits.find((e) => e.workerId === worker.workerId),
        6000,
        "the adopted worker's exit",
      );
    });

    it("runs a command inside a worker with its environment: stdout, stderr, stdin and the exit status", async () => {
      const worker = spec({ EXEC_CONFORMANCE: "yes" });
      await harness.driver.start(worker);
      const result = await execToEnd(
        harness.driver,
        worker.workerId,
        ["sh", "-c", 'echo "id=$RUNFLEET_WORKER_ID flag=$EXEC_CONFORMANCE"; cat; echo err >&2; exit 4'],
        "from stdin\n",
      );
      expect(result).toEqual({
        exitCode: 4,
        signal: null,
        stdout: `id=${worker.workerId} flag=yes\nfrom stdin\n`,
        stderr: "err\n",
      });
    });

    it("ends a session's command when it is killed", async () => {
      const worker = spec();
      await harness.driver.start(worker);
      const output = collect();
      const session = (await harness.driver.exec?.(worker.workerId, {
        command: ["sh", "-c", "echo up; exec sleep 60"],
        tty: null,
        onOutput: output.onOutput,
      })) as ExecSession;
      await eventually(() => (output.stdout() === "up\n" ? true : undefined));
      const started = Date.now();
      session.kill();
      const exit = await session.exited;
      expect(Date.now() - started).toBeLessThan(10_000);
      // A signal, as the driver can tell it: by name (process) or as 128 + 15 (the engine).
      expect(exit.signal === "SIGTERM" || exit.exitCode === 143).toBe(true);
    });

    it("runs a session on a terminal of the asked size, and resizes it", async () => {
      const worker = spec();
      await harness.driver.start(worker);
      const output = collect();
      const session = (await harness.driver.exec?.(worker.workerId, {
        command: ["sh"],
        tty: { cols: 77, rows: 22 },
        onOutput: output.onOutput,
      })) as ExecSession;
      const shown = (awaited: string) => () => `${awaited}; the terminal shows ${JSON.stringify(output.stdout())}`;
      session.write(Buffer.from("stty size; tty >/dev/null && echo is-a-tty\r"));
      await eventually(
        () => (/22 77\s+is-a-tty/.test(output.stdout()) ? true : undefined),
        10_000,
        shown("22 77 and is-a-tty"),
      );
      session.resize({ cols: 101, rows: 33 });
      // A resize travels apart from the input where the engine has a channel for each (Kubernetes): the
      // terminal takes the new size a moment later, as a person at a terminal would never notice. Asked
      // again until it shows, within the same 10 s.
      let asked = 0;
      await eventually(
        () => {
          if (/33 101/.test(output.stdout())) {
            return true;
          }
          if (asked++ % 10 === 0) {
            session.write(Buffer.from("stty size\r"));
          }
          return undefined;
        },
        10_000,
        shown("33 101"),
      );
      session.write(Buffer.from("exit 6\r"));
      expect((await session.exited).exitCode).toBe(6);
      expect(output.stderr()).toBe("");
    });

    it("runs commands in a worker adopted after a restart, and refuses a worker that is not running", async () => {
      const worker = spec({ EXEC_CONFORMANCE: "adopted" });
      await harness.driver.start(worker);
      await harness.driver.close();
      const next = await harness.restart();
      const result = await execToEnd(next, worker.workerId, ["sh", "-c", "echo $EXEC_CONFORMANCE"]);
      expect(result).toMatchObject({ exitCode: 0, stdout: "adopted\n" });
      await expect(
        next.exec?.("wk_never_started", { command: ["true"], tty: null, onOutput: () => undefined }),
      ).rejects.toThrow(/wk_never_started/);
    });
  });
}
