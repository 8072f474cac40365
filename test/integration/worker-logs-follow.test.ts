import { spawn } from "node:child_process";
import { ApiError, createRunfleet, type Runfleet } from "@runfleet/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { RUNFLEET_BIN } from "../support/control-plane-subprocess.js";
import { eventually, NODE, REPO_ROOT } from "../support/workers.js";

/** A worker that writes a line every 100 ms, and a last one when it is asked to stop. */
const TICKER = `let n = 0;
const timer = setInterval(() => console.log("tick " + n++), 100);
process.on("SIGTERM", () => { clearInterval(timer); console.log("bye"); process.exit(0); });`;

/** One line of the NDJSON answer. */
interface LogLine {
  at: string;
  stream: "stdout" | "stderr";
  line: string;
}

describe("following a worker's logs as it writes them (process driver)", () => {
  let cp: TestControlPlane;
  let runfleet: Runfleet;

  beforeAll(async () => {
    cp = await startTestControlPlane({ autoscalerTickMs: 100 });
    runfleet = createRunfleet({ baseUrl: cp.url, apiKey: TEST_ADMIN_KEY });
  });

  /** An endpoint whose one worker is the ticker, started by the autoscaler. */
  const tickerWorker = async (): Promise<{ endpointId: string; workerId: string }> => {
    const endpointId = await createCommandEndpoint(cp, [NODE, "-e", TICKER], { workersMin: 1, workersMax: 1 });
    const workerId = await eventually(async () => (await runfleet.workers.list(endpointId))[0]?.id, 10_000, "a worker");
    return { endpointId, workerId };
  };
  const ticks = (lines: LogLine[]) =>
    lines.filter((l) => l.line.startsWith("tick ")).map((l) => Number(l.line.slice(5)));

  afterAll(async () => {
    await cp.dispose();
  });

  it("streams each new line, then ends once the worker is stopped and its last lines are sent", async () => {
    const { endpointId, workerId } = await tickerWorker();
    const lines: LogLine[] = [];
    const following = (async () => {
      for await (const line of runfleet.workers.follow(endpointId, workerId, { tail: 0 })) {
        lines.push(line);
      }
    })();
    await eventually(() => (ticks(lines).length >= 5 ? true : undefined), 15_000, "five ticks through the follow");
    await runfleet.workers.stop(endpointId, workerId);
    await following; // ends by itself: the worker is gone
    // Its goodbye, written on SIGTERM, came through before the end; the lines came in order.
    expect(lines.at(-1)?.line).toBe("bye");
    expect(ticks(lines)).toEqual([...ticks(lines)].sort((a, b) => a - b));
    for (const line of lines) {
      expect(line.stream).toBe("stdout");
      expect(Number.isNaN(Date.parse(line.at))).toBe(false);
    }
  });

  it("answers newline-delimited JSON over HTTP; a client that hangs up leaves the worker running", async () => {
    const { endpointId, workerId } = await tickerWorker();
    const hangUp = new AbortController();
    const response = await fetch(`${cp.url}/v1/endpoints/${endpointId}/workers/${workerId}/logs/stream?tail=2`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
      signal: hangUp.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (text.split("\n").length < 4) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) {
        break;
      }
      text += decoder.decode(chunk.value, { stream: true });
    }
    const lines = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatchObject({ stream: "stdout", line: expect.stringMatching(/^tick \d+$/) });
    hangUp.abort();
    await reader?.cancel().catch(() => undefined);
    const worker = await runfleet.workers.get(endpointId, workerId);
    expect(worker.status).not.toBe("STOPPED");
    await runfleet.workers.stop(endpointId, workerId);
  });

  it("ends at once for an external worker, whose output is not captured", async () => {
    const endpointId = await createExternalEndpoint(cp, ["true"]);
    const worker = await registerWorker(cp, endpointId);
    const lines: LogLine[] = [];
    for await (const line of runfleet.workers.follow(endpointId, worker.id)) {
      lines.push(line);
    }
    expect(lines).toEqual([]);
  });

  it("refuses an unknown worker (404) and a bad tail (400) before streaming anything", async () => {
    const endpointId = await createExternalEndpoint(cp, ["true"]);
    const unknown = await collectError(runfleet.workers.follow(endpointId, "wk_missing"));
    expect(unknown).toBeInstanceOf(ApiError);
    expect((unknown as ApiError).status).toBe(404);
    const bad = await fetch(`${cp.url}/v1/endpoints/${endpointId}/workers/wk_missing/logs/stream?tail=99999`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/tail/);
  });

  it("runfleet workers logs --follow prints the lines as they come and exits 0 when the worker ends", async () => {
    const { endpointId, workerId } = await tickerWorker();
    // By the endpoint's name, as the other commands take it.
    const { name } = await runfleet.endpoints.get(endpointId);
    const cli = spawn(NODE, [RUNFLEET_BIN, "workers", "logs", name, workerId, "--follow", "--tail", "0"], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: "/nonexistent",
        RUNFLEET_BASE_URL: cp.url,
        RUNFLEET_API_KEY: TEST_ADMIN_KEY,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    cli.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    cli.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => cli.once("exit", (code) => done(code)));
    // Stop the worker once the CLI follows it (a few ticks came through), so that it cannot miss the end.
    await eventually(() => ((stdout.match(/^out \| tick \d+$/gm)?.length ?? 0) >= 3 ? true : undefined), 30_000);
    await runfleet.workers.stop(endpointId, workerId);
    const result = { status: await exited, stdout, stderr };
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^out \| tick \d+$/m);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("out | bye");
  });
});

async function collectError(lines: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _ of lines) {
      // draining
    }
  } catch (error) {
    return error;
  }
  return undefined;
}
