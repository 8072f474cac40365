/**
 * A worker driven step by step by a test: it registers with the control plane and speaks the worker
 * protocol (job-take, progress, job-stream, job-done) through the `fetch` it is given, so it works
 * against an in-process control plane as well as one on a port.
 */
export interface ScriptedWorker {
  id: string;
  /** Takes the next job, long-polling until one arrives. */
  take(): Promise<{ id: string; input: unknown }>;
  /** Reports a progress value for a running job. */
  progress(jobId: string, value: unknown): Promise<void>;
  /** Streams one chunk of a running job. */
  chunk(jobId: string, value: unknown): Promise<void>;
  /** Ends a job with an output or an error. */
  finish(jobId: string, result: { output?: unknown; error?: string }): Promise<void>;
  /** Pings for a running job (keeping its lease) every `everyMs` until the returned function is called. */
  heartbeat(jobId: string, everyMs?: number): () => void;
}

/** Registers an external worker of `endpointId` with the admin key and returns its scripted driver. */
export async function scriptedWorker(
  fetcher: (request: Request) => Promise<Response>,
  baseUrl: string,
  adminKey: string,
  endpointId: string,
): Promise<ScriptedWorker> {
  const send = async (method: string, path: string, authorization: string, body?: unknown) => {
    const response = await fetcher(
      new Request(`${baseUrl}${path}`, {
        method,
        headers: { authorization, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await response.text();
    if (response.status >= 300) {
      throw new Error(`${method} ${path}: ${response.status} ${text}`);
    }
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const registered = (await send("POST", `/v1/endpoints/${endpointId}/workers`, `Bearer ${adminKey}`, {})).body as {
    worker: { id: string };
    token: string;
  };
  const { token } = registered;
  const id = registered.worker.id;
  const post = (jobId: string, kind: "job-done" | "job-stream", body: unknown) =>
    send("POST", `/v2/${endpointId}/${kind}/${id}/${jobId}`, token, body).then(() => undefined);
  return {
    id,
    take: async () => {
      for (;;) {
        const answer = await send("GET", `/v2/${endpointId}/job-take/${id}?job_in_progress=0`, token);
        if (answer.status === 200) {
          return answer.body as { id: string; input: unknown };
        }
      }
    },
    progress: (jobId, value) => post(jobId, "job-done", { status: "IN_PROGRESS", output: value }),
    chunk: (jobId, value) => post(jobId, "job-stream", { output: value }),
    finish: (jobId, result) => post(jobId, "job-done", result),
    heartbeat: (jobId, everyMs = 300) => {
      const timer = setInterval(() => {
        send("GET", `/v2/${endpointId}/ping/${id}?job_id=${jobId}`, token).catch(() => undefined);
      }, everyMs);
      return () => clearInterval(timer);
    },
  };
}
