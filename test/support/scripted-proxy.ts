import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does with one request. */
export type ProxyStep =
  /** Answers this status with a problem document (and `Retry-After` when given) without forwarding. */
  | { kind: "answer"; status: number; retryAfter?: string }
  /** Forwards the request, then throws the upstream answer away and answers this status instead. */
  | { kind: "forward-then-answer"; status: number }
  /** Never answers (until the client gives up). */
  | { kind: "hold" };

/** A request the proxy saw. */
export interface SeenRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
}

/** A real HTTP server between a client and a control plane that misbehaves on cue. */
export interface ScriptedProxy {
  url: string;
  /** Requests seen, in order. */
  seen: SeenRequest[];
  /** Queues what to do with the next requests; requests beyond the script are forwarded as they are. */
  script(...steps: ProxyStep[]): void;
  /** Rewrites the `wait` of `/runsync` calls, so that the control plane answers before the job ends. */
  shortenRunsyncWait(ms: number | undefined): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port in front of `upstream`. */
export async function startScriptedProxy(upstream: string): Promise<ScriptedProxy> {
  const steps: ProxyStep[] = [];
  const seen: SeenRequest[] = [];
  let runsyncWait: number | undefined;
  const held = new Set<ServerResponse>();

  const forward = async (req: IncomingMessage, body: Buffer): Promise<Response> => {
    const url = new URL(req.url ?? "/", upstream);
    if (runsyncWait !== undefined && url.pathname.endsWith("/runsync")) {
      url.searchParams.set("wait", String(runsyncWait));
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "content-length" && name !== "connection") {
        headers.set(name, value);
      }
    }
    return fetch(url, { method: req.method, headers, body: body.length > 0 ? new Uint8Array(body) : undefined });
  };

  const problem = (res: ServerResponse, status: number, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/problem+json", ...headers });
    const code = status === 429 ? "rate_limited" : "internal";
    res.end(JSON.stringify({ type: `about:blank`, title: "scripted", status, code, detail: `scripted ${status}` }));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url ?? "/", "http://proxy").pathname;
      const key = req.headers["idempotency-key"];
      seen.push({ method: req.method ?? "?", path, idempotencyKey: typeof key === "string" ? key : undefined });
      const step = steps.shift();
      const handle = async () => {
        if (step?.kind === "answer") {
          problem(res, step.status, step.retryAfter === undefined ? {} : { "retry-after": step.retryAfter });
          return;
        }
        if (step?.kind === "hold") {
          held.add(res);
          res.on("close", () => held.delete(res));
          return;
        }
        const answer = await forward(req, body);
        const text = await answer.text();
        if (step?.kind === "forward-then-answer") {
          problem(res, step.status);
          return;
        }
        res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
        res.end(text);
      };
      handle().catch((error: unknown) => {
        res.writeHead(599);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    script: (...more) => steps.push(...more),
    shortenRunsyncWait: (ms) => {
      runsyncWait = ms;
    },
    close: async () => {
      for (const res of held) {
        res.destroy();
      }
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
