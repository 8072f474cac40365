import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Handler } from "./handler.js";
import { type RunOutcome, runHandler } from "./job-runner.js";
import { workerLog } from "./worker-log.js";

/** Options of the local development server. */
export interface DevServerOptions {
  /** Port to listen on; 0 picks a free one. @defaultValue 8000 */
  port: number;
  /** Loopback by default: a development server runs your code for anyone who can reach it. @defaultValue "127.0.0.1" */
  host: string;
}

/** A running development server. */
export interface DevServer {
  /** Where it listens, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** Stops listening and aborts the jobs still running. */
  close: () => Promise<void>;
}

/** A job stored by `POST /run`, run on its first `/status` or `/stream` request. */
interface StoredJob {
  input: unknown;
  /** The run, shared by concurrent status requests so the handler runs once. */
  outcome: Promise<RunOutcome> | undefined;
}

/**
 * A local HTTP server that runs the handler the way RunPod's local API does, for trying a handler with
 * curl or a client: `POST /runsync` runs a job at once; `POST /run` stores one; `/status/{id}` (GET or
 * POST) runs a stored job and answers its result; `/stream/{id}` answers a generator's chunks; `GET
 * /health` answers ok. Malformed requests get a 400 problem document.
 */
export function startDevServer<Input, Output>(
  handler: Handler<Input, Output>,
  options: DevServerOptions,
): Promise<DevServer> {
  const jobs = new Map<string, StoredJob>();
  const closing = new AbortController();
  const execute = (id: string, input: unknown) =>
    runHandler(
      handler,
      { id, input: input as Input, signal: closing.signal },
      {
        // Every chunk is kept, so that /stream can answer them whatever the worker's option is.
        returnAggregateStream: true,
        refreshWorker: false,
        workerId: "dev-server",
        onChunk: async () => undefined,
      },
    );
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    try {
      await route(request, response);
    } catch (error) {
      problem(response, 500, "internal", (error as Error).message);
    }
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://dev").pathname;
    const [, name, id, ...rest] = path.split("/");
    if (path === "/health" && request.method === "GET") {
      answer(response, 200, { status: "ok" });
      return;
    }
    if ((name === "status" || name === "stream") && id && rest.length === 0) {
      if (request.method !== "GET" && request.method !== "POST") {
        problem(response, 405, "method_not_allowed", `use GET or POST /${name}/{id}`);
        return;
      }
      const job = jobs.get(id);
      if (!job) {
        answer(response, 404, { id, status: "FAILED", error: "Job ID not found" });
        return;
      }
      job.outcome ??= execute(id, job.input);
      const outcome = await job.outcome;
      if (name === "status" || outcome.body.error !== undefined) {
        answer(response, 200, statusOf(id, outcome));
      } else {
        answer(response, 200, { id, status: "COMPLETED", stream: streamOf(outcome) });
      }
      return;
    }
    if ((name !== "run" && name !== "runsync") || id !== undefined) {
      problem(response, 404, "route_not_found", `no route ${request.method} ${path}; try POST /runsync {"input": ...}`);
      return;
    }
    if (request.method !== "POST") {
      problem(response, 405, "method_not_allowed", `use POST /${name}`);
      return;
    }
    let text = "";
    for await (const chunk of request) {
      text += chunk;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problem(response, 400, "malformed_json", "the request body is not valid JSON");
      return;
    }
    if (body === null || typeof body !== "object" || Array.isArray(body) || !("input" in body)) {
      problem(response, 400, "validation_failed", 'the request body must be an object with an "input" field', [
        { field: "input", message: "is required" },
      ]);
      return;
    }
    const jobId = `test-${randomUUID()}`;
    if (name === "run") {
      jobs.set(jobId, { input: body.input, outcome: undefined });
      answer(response, 200, { id: jobId, status: "IN_QUEUE" });
      return;
    }
    answer(response, 200, statusOf(jobId, await execute(jobId, body.input)));
  }

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(":") ? `[${options.host}]` : options.host;
      const url = `http://${host}:${port}`;
      workerLog("info", `local API server on ${url}: POST /runsync, POST /run, GET /status/{id}, GET /stream/{id}`);
      resolve({
        url,
        close: () =>
          new Promise<void>((done) => {
            closing.abort(new Error("the local API server is closing"));
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** A job's result as RunPod's status route shows it. */
function statusOf(id: string, outcome: RunOutcome): Record<string, unknown> {
  const { error, output } = outcome.body;
  return error !== undefined ? { id, status: "FAILED", error } : { id, status: "COMPLETED", output };
}

/** A job's chunks as RunPod's stream route shows them; a handler that did not stream has its result as one chunk. */
function streamOf(outcome: RunOutcome): { output: unknown }[] {
  return outcome.isStream ? outcome.chunks.map((output) => ({ output })) : [{ output: outcome.body.output }];
}

/** Answers JSON. */
function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** Titles of the problem codes the development server answers. */
const PROBLEM_TITLES = {
  malformed_json: "Malformed JSON",
  validation_failed: "Validation failed",
  route_not_found: "Route not found",
  method_not_allowed: "Method not allowed",
  internal: "Internal error",
} as const;

/** An RFC 9457 problem document, in the shape (and with the codes) of the control plane's own API. */
function problem(
  response: ServerResponse,
  status: number,
  code: keyof typeof PROBLEM_TITLES,
  detail: string,
  errors?: { field: string; message: string }[],
): void {
  response.writeHead(status, { "content-type": "application/problem+json" });
  const body = { type: `urn:runfleet:problem:${code}`, title: PROBLEM_TITLES[code], status, code, detail };
  response.end(JSON.stringify(errors ? { ...body, errors } : body));
}
