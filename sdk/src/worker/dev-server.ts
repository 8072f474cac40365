import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Handler } from "./handler.js";
import { type RunOutcome, runHandler } from "./job-runner.js";
import { workerLog } from "./worker-log.js";

/** Options of the local development server. */
export interface DevServerOptions {
  /** @defaultValue 8000 */
  port: number;
  /** Loopback by default: a development server is not meant for others. @defaultValue "127.0.0.1" */
  host: string;
}

interface StoredJob {
  input: unknown;
  outcome: RunOutcome | undefined;
}

/**
 * A local HTTP server that runs the handler the way RunPod's local API does: `POST /runsync` runs a job
 * at once, `POST /run` stores one, `/status/{id}` runs a stored job and answers its result, `/stream/{id}`
 * answers a generator's chunks, `GET /health` answers ok. For trying a handler with curl or a client.
 */
export function startDevServer<Input, Output>(
  handler: Handler<Input, Output>,
  options: DevServerOptions,
): Promise<() => Promise<void>> {
  const jobs = new Map<string, StoredJob>();
  const execute = (id: string, input: unknown) =>
    runHandler(
      handler,
      { id, input: input as Input, signal: new AbortController().signal },
      {
        returnAggregateStream: true,
        refreshWorker: false,
        workerId: "dev-server",
        onChunk: async () => undefined,
      },
    );
  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const statusOf = (id: string, outcome: RunOutcome) => ({
    id,
    status: outcome.body.error !== undefined ? "FAILED" : "COMPLETED",
    ...outcome.body,
  });
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const path = new URL(request.url ?? "/", "http://dev").pathname;
      if (path === "/health") {
        answer(response, 200, { status: "ok" });
        return;
      }
      const [, route, id] = path.split("/");
      if ((route === "status" || route === "stream") && id) {
        const job = jobs.get(id);
        if (!job) {
          answer(response, 404, { status: "FAILED", error: `job ${id} not found` });
          return;
        }
        job.outcome ??= await execute(id, job.input);
        answer(
          response,
          200,
          route === "stream"
            ? { id, status: "COMPLETED", stream: job.outcome.chunks.map((output) => ({ output })) }
            : statusOf(id, job.outcome),
        );
        return;
      }
      if (request.method !== "POST" || (route !== "run" && route !== "runsync")) {
        answer(response, 404, { error: `no route ${request.method} ${path}; try POST /runsync` });
        return;
      }
      let text = "";
      for await (const chunk of request) {
        text += chunk;
      }
      let body: { input?: unknown };
      try {
        body = JSON.parse(text) as { input?: unknown };
      } catch {
        answer(response, 400, { error: "the body is not valid JSON" });
        return;
      }
      if (body === null || typeof body !== "object" || !("input" in body)) {
        answer(response, 400, { error: 'the body must be an object with an "input" field' });
        return;
      }
      const jobId = `test-${randomUUID()}`;
      if (route === "run") {
        jobs.set(jobId, { input: body.input, outcome: undefined });
        answer(response, 200, { id: jobId, status: "IN_QUEUE" });
        return;
      }
      answer(response, 200, statusOf(jobId, await execute(jobId, body.input)));
    } catch (error) {
      answer(response, 500, { error: (error as Error).message });
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      workerLog(
        "info",
        `local API server on http://${options.host}:${options.port} (POST /runsync, /run; GET /status/{id})`,
      );
      resolve(() => new Promise<void>((done) => server.close(() => done())));
    });
  });
}
