/**
 * `@runfleet/sdk/worker`: the handler runtime that runs inside a worker. It speaks the worker protocol
 * of Runfleet (and of RunPod, so the same worker runs on both): it takes jobs, runs your handler,
 * reports results, streams, progress and heartbeats, and stops jobs the control plane cancels.
 *
 * @example
 * ```ts
 * import { start } from "@runfleet/sdk/worker";
 *
 * await start<{ prompt: string }, { text: string }>({
 *   handler: async (job) => ({ text: job.input.prompt.toUpperCase() }),
 * });
 * ```
 *
 * Without a control plane (no `RUNPOD_WEBHOOK_GET_JOB`), it runs once on `--test-input '<json>'` or
 * `./test_input.json` and exits 0 or 1; with `--serve-api` it serves a local API for trying the handler.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type DevServer, type DevServerOptions, startDevServer } from "./dev-server.js";
import type { Handler, Job } from "./handler.js";
import { runHandler } from "./job-runner.js";
import { runLocalTest } from "./local-test.js";
import { BackpressureError, ProtocolClient, type TakenJob } from "./protocol-client.js";
import { readWorkerEnvironment, type WorkerEnvironment } from "./worker-environment.js";
import { workerLog } from "./worker-log.js";

export type { Handler, HandlerOutput, Job, JobS3Config } from "./handler.js";
export { errorBody, resultBody } from "./result-body.js";

/** Options of {@link start}. */
export interface StartOptions<Input, Output> {
  /** The function that does the work: sync, async, generator or async generator. */
  handler: Handler<Input, Output>;
  /**
   * Jobs run at once; a function is asked again before every take, as RunPod's `concurrency_modifier`.
   * @defaultValue 1
   */
  concurrency?: number | ((current: number) => number);
  /** For generator handlers, put every yielded chunk into the final output. @defaultValue false */
  returnAggregateStream?: boolean;
  /** Ask to be recycled after every job and stop taking jobs after the first. @defaultValue false */
  refreshWorker?: boolean;
  /** Command-line arguments. @defaultValue process.argv.slice(2) */
  argv?: string[];
  /** Environment. @defaultValue process.env */
  env?: Record<string, string | undefined>;
  /** Time in-flight jobs get to finish on SIGTERM before they are aborted. @defaultValue 30000 */
  shutdownGraceMs?: number;
  /** End the process when the worker stops (with its exit code). @defaultValue true */
  exit?: boolean;
}

/** Progress reporters of running jobs, so {@link progress} can find the way back to the control plane. */
const reporters = new WeakMap<object, (value: unknown) => Promise<void>>();

/**
 * Reports progress on a running job: the value becomes the job's `output` while its status is
 * `IN_PROGRESS`, and the job's lease is extended. Outside a control plane it is written to stderr.
 */
export async function progress(job: Job<unknown>, value: unknown): Promise<void> {
  const report = reporters.get(job);
  if (report) {
    await report(value);
  } else {
    workerLog("info", `progress: ${JSON.stringify(value)}`, job.id);
  }
}

/**
 * Starts the worker, in one of three modes chosen like RunPod's SDK chooses them:
 * - `--serve-api` (or `--rp_serve_api`): a local API on `--api-port` (8000) and `--api-host` (127.0.0.1)
 *   until SIGTERM or SIGINT;
 * - `--test-input '<json>'` (or `--test_input`), or no `RUNPOD_WEBHOOK_GET_JOB`: one run on that job or on
 *   `./test_input.json`, result printed on stdout, exit code 0 or 1;
 * - otherwise the worker protocol: take jobs until SIGTERM or SIGINT (in-flight jobs get
 *   `shutdownGraceMs` to finish), or until a job asks for the worker to be recycled.
 *
 * Resolves with the exit code once it stops; by default (`exit: true`) it then ends the process with it.
 */
export async function start<Input = unknown, Output = unknown>(options: StartOptions<Input, Output>): Promise<number> {
  const argv = options.argv ?? process.argv.slice(2);
  const env = options.env ?? process.env;
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      "test-input": { type: "string" },
      test_input: { type: "string" },
      "serve-api": { type: "boolean" },
      rp_serve_api: { type: "boolean" },
      "api-port": { type: "string" },
      rp_api_port: { type: "string" },
      "api-host": { type: "string" },
      rp_api_host: { type: "string" },
    },
  });
  const str = (value: unknown) => (typeof value === "string" ? value : undefined);
  let code: number;
  const testInput = str(values["test-input"]) ?? str(values.test_input);
  const workerEnv = readWorkerEnvironment(env);
  if (values["serve-api"] === true || values.rp_serve_api === true) {
    code = await serveUntilSignalled(options.handler, {
      port: Number(str(values["api-port"]) ?? str(values.rp_api_port) ?? 8000),
      host: str(values["api-host"]) ?? str(values.rp_api_host) ?? "127.0.0.1",
    });
  } else if (testInput !== undefined || workerEnv === undefined) {
    code = await runLocalTest(options.handler, {
      testInput,
      cwd: process.cwd(),
      returnAggregateStream: options.returnAggregateStream ?? false,
    });
  } else {
    code = await new WorkerLoop(options, workerEnv).run();
  }
  if (options.exit ?? true) {
    process.exit(code);
  }
  return code;
}

/** Runs the local development server until SIGTERM or SIGINT; 1 when it cannot listen. */
async function serveUntilSignalled<Input, Output>(
  handler: Handler<Input, Output>,
  options: DevServerOptions,
): Promise<number> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    workerLog("error", "--api-port must be a port number (0-65535)");
    return 1;
  }
  let server: DevServer;
  try {
    server = await startDevServer(handler, options);
  } catch (error) {
    workerLog("error", `the local API server could not listen: ${(error as Error).message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      resolve();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  await server.close();
  return 0;
}

/** The production loop: take, run, report, stop on request. */
class WorkerLoop<Input, Output> {
  private readonly client: ProtocolClient;
  private readonly inFlight = new Map<string, AbortController>();
  /** Runs of in-flight jobs, awaited on shutdown. */
  private readonly running = new Set<Promise<void>>();
  /** Aborted to stop taking jobs (signal, `refreshWorker`); in-flight jobs go on. */
  private readonly stopping = new AbortController();
  /**
   * Aborted once in-flight jobs are done: the stop channel stays open while they drain, so a job cancelled
   * during a graceful shutdown is still stopped.
   */
  private readonly stopChannel = new AbortController();
  private slotFreed: (() => void) | undefined;
  private concurrency: number;
  /** Set when the control plane stayed silent past `orphanTimeoutMs`: the worker gives up and exits 1. */
  private orphaned = false;

  constructor(
    private readonly options: StartOptions<Input, Output>,
    private readonly env: WorkerEnvironment,
  ) {
    this.client = new ProtocolClient(env);
    this.concurrency = typeof options.concurrency === "number" ? Math.max(1, Math.floor(options.concurrency)) : 1;
  }

  async run(): Promise<number> {
    const onSignal = (signal: NodeJS.Signals) => {
      workerLog("info", `received ${signal}; finishing ${this.inFlight.size} job(s) and stopping`);
      this.stopping.abort();
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    const pinger = setInterval(() => void this.client.ping([...this.inFlight.keys()]), this.env.pingIntervalMs);
    pinger.unref();
    void this.client.ping([]);
    const orphanTimeoutMs = this.env.orphanTimeoutMs;
    const watchdogMs = Math.min(1000, Math.max(50, orphanTimeoutMs / 4));
    let lastTick = Date.now();
    const watchdog =
      orphanTimeoutMs > 0
        ? setInterval(() => {
            const now = Date.now();
            // A tick far later than due: the process was frozen (a FlashBoot standby), not left alone.
            if (now - lastTick > watchdogMs * 5) {
              this.client.thawed(now);
            }
            lastTick = now;
            this.giveUpIfOrphaned();
          }, watchdogMs)
        : undefined;
    watchdog?.unref();
    const stopLoop = this.stopLoop();
    try {
      await this.takeLoop();
    } finally {
      await this.drain();
      this.stopChannel.abort();
      clearInterval(pinger);
      clearInterval(watchdog);
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      await stopLoop.catch(() => undefined);
    }
    return this.orphaned ? 1 : 0;
  }

  /**
   * A worker whose control plane is gone (killed and never back, or moved without it) would poll a dead
   * address forever: after `orphanTimeoutMs` without any answer it stops taking jobs, abandons the ones
   * it runs (nobody could receive their results; the control plane re-queues them if it ever returns) and
   * exits with code 1.
   */
  private giveUpIfOrphaned(): void {
    if (this.orphaned || !this.client.orphaned()) {
      return;
    }
    this.orphaned = true;
    workerLog(
      "error",
      `no answer from the control plane for ${this.client.silenceMs()} ms (orphan timeout ${this.env.orphanTimeoutMs} ms); ` +
        `abandoning ${this.inFlight.size} job(s) and exiting`,
    );
    this.stopping.abort();
    for (const controller of this.inFlight.values()) {
      controller.abort(new Error("the worker lost its control plane"));
    }
  }

  private async takeLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      if (typeof this.options.concurrency === "function") {
        this.concurrency = Math.max(1, Math.floor(this.options.concurrency(this.concurrency)));
      }
      const wanted = this.concurrency - this.inFlight.size;
      if (wanted <= 0) {
        await new Promise<void>((resolve) => {
          this.slotFreed = resolve;
          this.stopping.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        continue;
      }
      let jobs: TakenJob[];
      try {
        const asked = Date.now();
        jobs = await this.client.take(wanted, this.inFlight.size > 0, this.stopping.signal);
        failures = 0;
        if (jobs.length === 0 && Date.now() - asked < 100) {
          // A control plane that answers "no job" at once (not a long poll) is not asked in a tight loop.
          await sleep(250, this.stopping.signal);
        }
      } catch (error) {
        if (this.stopping.signal.aborted) {
          return;
        }
        // 429 asks for a pause; other failures (control plane restarting, network) back off 1 s, 2 s, ... 10 s.
        const wait = error instanceof BackpressureError ? 5000 : Math.min(10_000, 1000 * 2 ** failures++);
        workerLog("warn", `job-take failed (${(error as Error).message}); retrying in ${wait} ms`);
        await sleep(wait, this.stopping.signal);
        continue;
      }
      for (const job of jobs) {
        const run = this.runJob(job);
        this.running.add(run);
        void run.finally(() => this.running.delete(run));
      }
    }
  }

  private async runJob(taken: TakenJob): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(taken.id, controller);
    const job: Job<Input> = { ...taken, id: taken.id, input: taken.input as Input, signal: controller.signal };
    // A stopped job posts nothing more: the control plane has already settled it.
    reporters.set(job, async (value) => {
      if (controller.signal.aborted) {
        return;
      }
      await this.client.done(taken.id, { status: "IN_PROGRESS", output: value }, false).catch((error: unknown) => {
        workerLog("warn", `progress update failed: ${(error as Error).message}`, taken.id);
      });
    });
    try {
      const outcome = await runHandler(this.options.handler, job, {
        returnAggregateStream: this.options.returnAggregateStream ?? false,
        refreshWorker: this.options.refreshWorker ?? false,
        workerId: this.env.workerId,
        onChunk: async (output) => {
          if (controller.signal.aborted) {
            return;
          }
          // A chunk that cannot be delivered is lost, but the job goes on: its final result may still arrive.
          await this.client.chunk(taken.id, output).catch((error: unknown) => {
            workerLog("warn", `stream chunk lost: ${(error as Error).message}`, taken.id);
          });
        },
      });
      if (controller.signal.aborted) {
        // Cancelled or timed out: the control plane has already settled the job.
        return;
      }
      await this.client.done(taken.id, outcome.body, outcome.isStream);
      if (outcome.body.stopPod) {
        workerLog("info", "recycling this worker after the job, as asked", taken.id);
        this.stopping.abort();
      }
    } catch (error) {
      workerLog("error", `could not report the result: ${(error as Error).message}`, taken.id);
    } finally {
      this.inFlight.delete(taken.id);
      this.slotFreed?.();
      this.slotFreed = undefined;
    }
  }

  /** Follows the job-stop channel and aborts the jobs it names. */
  private async stopLoop(): Promise<void> {
    const signal = this.stopChannel.signal;
    while (!signal.aborted) {
      const asked = Date.now();
      try {
        for (const id of await this.client.stopSignals(signal)) {
          const controller = this.inFlight.get(id);
          if (controller) {
            workerLog("info", "stopping the job, as the control plane asked", id);
            controller.abort(new Error("the job was cancelled or timed out"));
          }
        }
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        await sleep(error instanceof BackpressureError ? 5000 : 1000, signal);
        continue;
      }
      // A control plane that answers at once (no long poll) is asked at most once a second.
      if (Date.now() - asked < 1000) {
        await sleep(1000, signal);
      }
    }
  }

  /**
   * Waits for in-flight jobs, then aborts those still running after the grace period: they report nothing,
   * and the control plane requeues them once this worker is gone.
   */
  private async drain(): Promise<void> {
    if (this.running.size === 0) {
      return;
    }
    const graceOver = new AbortController();
    await Promise.race([
      Promise.allSettled([...this.running]).then(() => graceOver.abort()),
      sleep(this.options.shutdownGraceMs ?? 30_000, graceOver.signal),
    ]);
    graceOver.abort();
    for (const controller of this.inFlight.values()) {
      controller.abort(new Error("the worker is shutting down"));
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
