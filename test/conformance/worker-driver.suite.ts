import type { WorkerDriver, WorkerExit, WorkerSpec } from "@runfleet/control-plane";
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
    cpuLimit: null,
    memoryLimitMb: null,
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
      await harness.driver.stop(worker.workerId, 5000);
      const listed = (await harness.driver.list()).find((w) => w.workerId === worker.workerId);
      expect(listed?.state ?? "exited").toBe("exited");
      expect(exits.map((e) => e.workerId)).toContain(worker.workerId);
      await expect(harness.driver.stop(worker.workerId, 100)).resolves.toBeUndefined();
      await expect(harness.driver.stop("wk_never_started", 100)).resolves.toBeUndefined();
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

    it("pauses and resumes a worker", async () => {
      const worker = spec();
      await harness.driver.start(worker);
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
      await eventually(
        () => adoptedExits.find((e) => e.workerId === worker.workerId),
        6000,
        "the adopted worker's exit",
      );
    });
  });
}
