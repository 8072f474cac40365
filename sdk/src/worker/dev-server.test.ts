import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "./dev-server.js";
import type { HandlerOutput, Job } from "./handler.js";

interface TestInput {
  chunks?: number;
  fail?: string;
}

function* count(n: number) {
  for (let i = 0; i < n; i++) {
    yield { chunk: i };
  }
}

let runs = 0;
function handler(job: Job<TestInput>): HandlerOutput<{ chunk: number } | { got: TestInput }> {
  runs++;
  if (job.input.fail) {
    throw new Error(job.input.fail);
  }
  if (job.input.chunks !== undefined) {
    return count(job.input.chunks);
  }
  return { got: job.input };
}

describe("the local development server (--serve-api)", () => {
  let server: DevServer;

  beforeAll(async () => {
    server = await startDevServer(handler, { port: 0, host: "127.0.0.1" });
  });

  afterAll(async () => {
    await server.close();
  });

  async function call(method: string, path: string, body?: string) {
    const response = await fetch(`${server.url}${path}`, { method, body });
    return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
  }

  it("answers /health", async () => {
    expect(await call("GET", "/health")).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("runs a job on POST /runsync", async () => {
    const { status, body } = await call("POST", "/runsync", '{"input": {"a": 1}}');
    expect(status).toBe(200);
    expect(body).toEqual({ id: expect.stringMatching(/^test-/), status: "COMPLETED", output: { got: { a: 1 } } });
  });

  it("reports a failed job on POST /runsync", async () => {
    const { body } = await call("POST", "/runsync", '{"input": {"fail": "nope"}}');
    expect(body.status).toBe("FAILED");
    expect(JSON.parse(body.error)).toMatchObject({ error_message: "nope" });
  });

  it("stores a job on POST /run and runs it once on /status", async () => {
    const before = runs;
    const { body: queued } = await call("POST", "/run", '{"input": {"b": 2}}');
    expect(queued).toEqual({ id: expect.stringMatching(/^test-/), status: "IN_QUEUE" });
    expect(runs).toBe(before);
    const [first, second] = await Promise.all([
      call("GET", `/status/${queued.id}`),
      call("POST", `/status/${queued.id}`),
    ]);
    expect(first.body).toEqual({ id: queued.id, status: "COMPLETED", output: { got: { b: 2 } } });
    expect(second.body).toEqual(first.body);
    expect(runs).toBe(before + 1);
  });

  it("answers a generator's chunks on /stream", async () => {
    const { body: queued } = await call("POST", "/run", '{"input": {"chunks": 2}}');
    expect((await call("POST", `/stream/${queued.id}`)).body).toEqual({
      id: queued.id,
      status: "COMPLETED",
      stream: [{ output: { chunk: 0 } }, { output: { chunk: 1 } }],
    });
  });

  it("answers 404 for an unknown job", async () => {
    expect(await call("GET", "/status/nope")).toMatchObject({
      status: 404,
      body: { id: "nope", status: "FAILED", error: "Job ID not found" },
    });
  });

  it.each([
    ["malformed JSON", "{input", "malformed_json"],
    ["a body without input", '{"inptu": 1}', "validation_failed"],
    ["a body that is not an object", "[1]", "validation_failed"],
  ])("answers 400 with a problem document for %s", async (_name, body, code) => {
    const answer = await call("POST", "/runsync", body);
    expect(answer.status).toBe(400);
    expect(answer.type).toBe("application/problem+json");
    expect(answer.body).toMatchObject({ status: 400, code });
  });

  it("answers 404 with a problem document for an unknown route", async () => {
    expect(await call("POST", "/nowhere", "{}")).toMatchObject({ status: 404, body: { code: "route_not_found" } });
  });
});
