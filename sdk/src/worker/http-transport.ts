import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** An HTTP answer, read whole. */
export interface HttpAnswer {
  status: number;
  text: string;
}

/** Options of one request. */
export interface HttpRequestOptions {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request (and its wait) when signalled. */
  signal?: AbortSignal;
  /** Gives up after this long. */
  timeoutMs: number;
}

// Keep-alive agents: a busy worker sends one request per job, and new connections would cost more than
// the job. node:http is used rather than fetch because it costs a fraction of the CPU per request.
const agents = {
  "http:": new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  "https:": new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

/** Sends one request over a kept-alive connection and reads the whole answer. */
export function send(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined) {
      headers["content-length"] = Buffer.byteLength(options.body);
    }
    const request = (secure ? httpsRequest : httpRequest)(
      target,
      { method: options.method, headers, agent: agents[secure ? "https:" : "http:"], timeout: options.timeoutMs },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          cleanup();
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        });
        response.on("error", fail);
      },
    );
    const onAbort = () => request.destroy(new Error("aborted"));
    const cleanup = () => options.signal?.removeEventListener("abort", onAbort);
    function fail(error: Error) {
      cleanup();
      reject(error);
    }
    request.on("timeout", () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on("error", fail);
    if (options.signal?.aborted) {
      request.destroy(new Error("aborted"));
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    request.end(options.body);
  });
}
