import type { components } from "../generated/openapi.js";
import { type CallOptions, callSignal, unwrap } from "./call.js";
import type { ClientContext } from "./client-context.js";

type Schemas = components["schemas"];

/** Endpoints: CRUD, plus their jobs, metrics and scaling events. */
export class EndpointsApi {
  constructor(private readonly ctx: ClientContext) {}

  /** Every endpoint. */
  async list(call?: CallOptions): Promise<Schemas["Endpoint"][]> {
    return unwrap(await this.ctx.api.GET("/v1/endpoints", { signal: callSignal(this.ctx.options, call) }));
  }

  /** One endpoint; an `ApiError` with code `endpoint_not_found` when there is none. */
  async get(endpointId: string, call?: CallOptions): Promise<Schemas["Endpoint"]> {
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}", {
        params: { path: { endpointId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Creates an endpoint; omitted settings take the server's defaults. */
  async create(settings: Schemas["EndpointCreate"], call?: CallOptions): Promise<Schemas["Endpoint"]> {
    return unwrap(
      await this.ctx.api.POST("/v1/endpoints", { body: settings, signal: callSignal(this.ctx.options, call) }),
    );
  }

  /**
   * Changes the given settings; the others keep their value, except those named in `reset`, which
   * return to their defaults.
   *
   * @example
   * ```ts
   * await runfleet.endpoints.update(endpointId, { workersMax: 5, reset: ["flashboot"] });
   * ```
   */
  async update(
    endpointId: string,
    changes: Schemas["EndpointUpdate"],
    call?: CallOptions,
  ): Promise<Schemas["Endpoint"]> {
    return unwrap(
      await this.ctx.api.PATCH("/v1/endpoints/{endpointId}", {
        params: { path: { endpointId } },
        body: changes,
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Deletes an endpoint; its workers are stopped. */
  async delete(endpointId: string, call?: CallOptions): Promise<void> {
    unwrap(
      await this.ctx.api.DELETE("/v1/endpoints/{endpointId}", {
        params: { path: { endpointId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** The endpoint's retained jobs, newest first, optionally only those in one status. */
  async jobs(
    endpointId: string,
    query: { status?: Schemas["JobStatusValue"]; limit?: number } = {},
    call?: CallOptions,
  ): Promise<Schemas["JobRecord"][]> {
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}/jobs", {
        params: { path: { endpointId }, query },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /**
   * A range of the endpoint's stored metric history: one point per step (queue depth, workers by status,
   * jobs completed and failed, delay/execution/cold-start percentiles, utilization) and summary figures.
   * `from` and `to` take a `Date` or an RFC 3339 string; without `from` the range is the last
   * `windowSeconds` before `to` (default now, one hour); `step` is in seconds.
   *
   * @example
   * ```ts
   * const week = await runfleet.endpoints.metrics("ep_123", { windowSeconds: 7 * 86400, step: 3600 });
   * ```
   */
  async metrics(
    endpointId: string,
    query: { windowSeconds?: number; from?: Date | string; to?: Date | string; step?: number } = {},
    call?: CallOptions,
  ): Promise<Schemas["EndpointMetrics"]> {
    const iso = (value: Date | string | undefined) => (value instanceof Date ? value.toISOString() : value);
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}/metrics", {
        params: {
          path: { endpointId },
          query: {
            windowSeconds: query.windowSeconds,
            from: iso(query.from),
            to: iso(query.to),
            step: query.step,
          },
        },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /**
   * Worker-seconds by state (initializing, running, idle, standby, ...) and GPU-seconds, for the endpoint
   * and each worker, over `[from, to)` (default: the last 24 hours), widened to whole minutes.
   */
  async usage(
    endpointId: string,
    range: { from?: Date | string; to?: Date | string } = {},
    call?: CallOptions,
  ): Promise<Schemas["EndpointUsage"]> {
    const iso = (value: Date | string | undefined) => (value instanceof Date ? value.toISOString() : value);
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}/usage", {
        params: { path: { endpointId }, query: { from: iso(range.from), to: iso(range.to) } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /**
   * Autoscaling pitfalls found in the endpoint's recent history (default: 24 hours), each with its
   * evidence and the history simulated with a better setting.
   */
  async advice(
    endpointId: string,
    query: { windowSeconds?: number } = {},
    call?: CallOptions,
  ): Promise<Schemas["EndpointAdvice"]> {
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}/advice", {
        params: { path: { endpointId }, query },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** The autoscaler's decisions for the endpoint, newest first. */
  async scalingEvents(
    endpointId: string,
    query: { limit?: number } = {},
    call?: CallOptions,
  ): Promise<Schemas["ScalingEvent"][]> {
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}/scaling-events", {
        params: { path: { endpointId }, query },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }
}

/** Templates: what workers run. */
export class TemplatesApi {
  constructor(private readonly ctx: ClientContext) {}

  /** Every template. */
  async list(call?: CallOptions): Promise<Schemas["Template"][]> {
    return unwrap(await this.ctx.api.GET("/v1/templates", { signal: callSignal(this.ctx.options, call) }));
  }

  /** One template. */
  async get(templateId: string, call?: CallOptions): Promise<Schemas["Template"]> {
    return unwrap(
      await this.ctx.api.GET("/v1/templates/{templateId}", {
        params: { path: { templateId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Creates a template; it needs `imageName`, `command`, or both. */
  async create(settings: Schemas["TemplateCreate"], call?: CallOptions): Promise<Schemas["Template"]> {
    return unwrap(
      await this.ctx.api.POST("/v1/templates", { body: settings, signal: callSignal(this.ctx.options, call) }),
    );
  }

  /**
   * Changes the given fields (and returns those named in `reset` to their defaults); endpoints using the
   * template roll their workers over.
   */
  async update(
    templateId: string,
    changes: Schemas["TemplateUpdate"],
    call?: CallOptions,
  ): Promise<Schemas["Template"]> {
    return unwrap(
      await this.ctx.api.PATCH("/v1/templates/{templateId}", {
        params: { path: { templateId } },
        body: changes,
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Deletes a template no endpoint uses (`template_in_use` otherwise). */
  async delete(templateId: string, call?: CallOptions): Promise<void> {
    unwrap(
      await this.ctx.api.DELETE("/v1/templates/{templateId}", {
        params: { path: { templateId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }
}

/**
 * Container registry credentials that templates name in `containerRegistryAuthId` to pull private
 * images. The password is write-only: no answer shows it.
 */
export class RegistryAuthsApi {
  constructor(private readonly ctx: ClientContext) {}

  /** Every stored credential, without passwords. */
  async list(call?: CallOptions): Promise<Schemas["RegistryAuth"][]> {
    return unwrap(await this.ctx.api.GET("/v1/registry-auths", { signal: callSignal(this.ctx.options, call) }));
  }

  /** One credential, without its password. */
  async get(registryAuthId: string, call?: CallOptions): Promise<Schemas["RegistryAuth"]> {
    return unwrap(
      await this.ctx.api.GET("/v1/registry-auths/{registryAuthId}", {
        params: { path: { registryAuthId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Stores credentials (`name` unique). */
  async create(settings: Schemas["RegistryAuthCreate"], call?: CallOptions): Promise<Schemas["RegistryAuth"]> {
    return unwrap(
      await this.ctx.api.POST("/v1/registry-auths", { body: settings, signal: callSignal(this.ctx.options, call) }),
    );
  }

  /** Changes the given fields; the next pull with them uses the new ones. */
  async update(
    registryAuthId: string,
    changes: Schemas["RegistryAuthUpdate"],
    call?: CallOptions,
  ): Promise<Schemas["RegistryAuth"]> {
    return unwrap(
      await this.ctx.api.PATCH("/v1/registry-auths/{registryAuthId}", {
        params: { path: { registryAuthId } },
        body: changes,
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Deletes credentials no template names (`registry_auth_in_use` otherwise). */
  async delete(registryAuthId: string, call?: CallOptions): Promise<void> {
    unwrap(
      await this.ctx.api.DELETE("/v1/registry-auths/{registryAuthId}", {
        params: { path: { registryAuthId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }
}

/** API keys. Secrets are shown once, in the answer to `create`. */
export class KeysApi {
  constructor(private readonly ctx: ClientContext) {}

  /** Every key, revoked ones included, without secrets. */
  async list(call?: CallOptions): Promise<Schemas["ApiKey"][]> {
    return unwrap(await this.ctx.api.GET("/v1/keys", { signal: callSignal(this.ctx.options, call) }));
  }

  /** One key, without its secret. */
  async get(keyId: string, call?: CallOptions): Promise<Schemas["ApiKey"]> {
    return unwrap(
      await this.ctx.api.GET("/v1/keys/{keyId}", {
        params: { path: { keyId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Creates a key; `key` in the answer is the secret, never shown again. */
  async create(settings: Schemas["ApiKeyCreate"], call?: CallOptions): Promise<Schemas["ApiKeyCreated"]> {
    return unwrap(await this.ctx.api.POST("/v1/keys", { body: settings, signal: callSignal(this.ctx.options, call) }));
  }

  /** Revokes a key at once (the last admin key cannot be revoked: `last_admin_key`). */
  async revoke(keyId: string, call?: CallOptions): Promise<void> {
    unwrap(
      await this.ctx.api.DELETE("/v1/keys/{keyId}", {
        params: { path: { keyId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }
}

/** An endpoint's workers: list, inspect, read logs, drain or stop, register external ones. */
export class WorkersApi {
  constructor(private readonly ctx: ClientContext) {}

  /** The endpoint's workers. */
  async list(endpointId: string, call?: CallOptions): Promise<Schemas["Worker"][]> {
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}/workers", {
        params: { path: { endpointId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** One worker. */
  async get(endpointId: string, workerId: string, call?: CallOptions): Promise<Schemas["Worker"]> {
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}/workers/{workerId}", {
        params: { path: { endpointId, workerId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** The worker's latest captured output lines, oldest first. @param query.tail lines, default 100 */
  async logs(
    endpointId: string,
    workerId: string,
    query: { tail?: number } = {},
    call?: CallOptions,
  ): Promise<Schemas["WorkerLogs"]> {
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}/workers/{workerId}/logs", {
        params: { path: { endpointId, workerId }, query },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /**
   * The worker's latest output lines, then each new line as the worker writes it: the iteration ends
   * when the worker has ended (after its last lines), or when `call.signal` aborts (breaking out of the
   * loop hangs up too). No time limit applies, since a follow lasts as long as the worker.
   * @param query.tail lines to start with, default 100
   */
  async *follow(
    endpointId: string,
    workerId: string,
    query: { tail?: number } = {},
    call: { signal?: AbortSignal } = {},
  ): AsyncGenerator<Schemas["WorkerLogLine"]> {
    const result = await this.ctx.api.GET("/v1/endpoints/{endpointId}/workers/{workerId}/logs/stream", {
      params: { path: { endpointId, workerId }, query },
      parseAs: "stream",
      signal: call.signal,
    });
    const body = unwrap(result);
    if (body) {
      yield* ndjson<Schemas["WorkerLogLine"]>(body);
    }
  }

  /**
   * Runs a command inside the worker (admin keys only) and yields the session's events as they come:
   * `started`, `stdout`/`stderr` chunks (bytes as base64, see {@link decodeExecData}), then `exit` (or
   * `error`). Stopping the iteration early, or aborting `call.signal`, hangs up, which ends the command.
   * No time limit applies unless `request.timeoutSeconds` sets one.
   */
  async *exec(
    endpointId: string,
    workerId: string,
    request: Schemas["ExecRequest"],
    call: { signal?: AbortSignal } = {},
  ): AsyncGenerator<Schemas["ExecEvent"]> {
    const result = await this.ctx.api.POST("/v1/endpoints/{endpointId}/workers/{workerId}/exec", {
      params: { path: { endpointId, workerId } },
      body: request,
      parseAs: "stream",
      signal: call.signal,
    });
    const body = unwrap(result);
    if (body) {
      yield* ndjson<Schemas["ExecEvent"]>(body);
    }
  }

  /**
   * Runs a command inside the worker and waits for it: its exit status and everything it wrote (decoded
   * as UTF-8). A session that fails after it started (the worker went away) is an {@link ExecFailedError}.
   */
  async run(
    endpointId: string,
    workerId: string,
    command: string[],
    options: { stdin?: string; timeoutSeconds?: number; signal?: AbortSignal } = {},
  ): Promise<ExecResult> {
    const { signal, ...rest } = options;
    const stdout: Uint8Array[] = [];
    const stderr: Uint8Array[] = [];
    let sessionId = "";
    for await (const event of this.exec(endpointId, workerId, { command, ...rest }, { signal })) {
      if (event.type === "started") {
        sessionId = event.sessionId;
      } else if (event.type === "stdout" || event.type === "stderr") {
        (event.type === "stdout" ? stdout : stderr).push(decodeExecData(event.data));
      } else if (event.type === "exit") {
        return {
          sessionId,
          exitCode: event.exitCode,
          signal: event.signal,
          stdout: utf8(stdout),
          stderr: utf8(stderr),
        };
      } else if ("message" in event) {
        throw new ExecFailedError(sessionId, event.message);
      }
    }
    throw new ExecFailedError(sessionId, "the answer ended before the command did");
  }

  /** The worker takes no new job and stops after its current ones. */
  async drain(endpointId: string, workerId: string, call?: CallOptions): Promise<Schemas["Worker"]> {
    return unwrap(
      await this.ctx.api.POST("/v1/endpoints/{endpointId}/workers/{workerId}/drain", {
        params: { path: { endpointId, workerId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Stops the worker now (or forgets an external one); its running jobs go back to the queue. */
  async stop(endpointId: string, workerId: string, call?: CallOptions): Promise<void> {
    unwrap(
      await this.ctx.api.DELETE("/v1/endpoints/{endpointId}/workers/{workerId}", {
        params: { path: { endpointId, workerId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Registers a worker you run yourself; the answer holds its token and the environment to start it with. */
  async register(
    endpointId: string,
    settings: Partial<Schemas["WorkerCreate"]> = {},
    call?: CallOptions,
  ): Promise<Schemas["WorkerRegistration"]> {
    return unwrap(
      await this.ctx.api.POST("/v1/endpoints/{endpointId}/workers", {
        params: { path: { endpointId } },
        // The generated type marks `concurrency` required because the contract gives it a default;
        // the server applies that default when it is absent.
        body: settings as Schemas["WorkerCreate"],
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }
}

/** What a command run inside a worker did. */
export interface ExecResult {
  /** The session's audit event id. */
  sessionId: string;
  /** Its exit status; null when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it, if one did. */
  signal: string | null;
  /** What it wrote on stdout, as UTF-8. */
  stdout: string;
  /** What it wrote on stderr, as UTF-8. */
  stderr: string;
}

/** A session inside a worker failed after it started (the worker went away, the engine refused). */
export class ExecFailedError extends Error {
  override readonly name = "ExecFailedError";
  constructor(
    /** The session's audit event id ("" if it never started). */
    readonly sessionId: string,
    message: string,
  ) {
    super(message);
  }
}

/** The bytes of an exec output event (`data` is base64); works in browsers and Node alike. */
export function decodeExecData(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) {
    bytes[index] = binary.charCodeAt(index);
  }
  return bytes;
}

function utf8(chunks: Uint8Array[]): string {
  const decoder = new TextDecoder();
  return chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("") + decoder.decode();
}

/** The audit log: every session opened inside a worker (admin keys only). */
export class AuditApi {
  constructor(private readonly ctx: ClientContext) {}

  /** Audit events, newest first, optionally of one endpoint or one worker. */
  async list(
    query: { endpointId?: string; workerId?: string; limit?: number } = {},
    call?: CallOptions,
  ): Promise<Schemas["AuditEvent"][]> {
    return unwrap(
      await this.ctx.api.GET("/v1/audit-events", { params: { query }, signal: callSignal(this.ctx.options, call) }),
    );
  }
}

/** SSH public keys the SSH gateway accepts (admin keys only). */
export class SshKeysApi {
  constructor(private readonly ctx: ClientContext) {}

  /** Whether the control plane runs the SSH gateway, its port and its host key's fingerprint. */
  async gateway(call?: CallOptions): Promise<Schemas["SshGateway"]> {
    return unwrap(await this.ctx.api.GET("/v1/ssh-gateway", { signal: callSignal(this.ctx.options, call) }));
  }

  /** Every registered key. */
  async list(call?: CallOptions): Promise<Schemas["SshKey"][]> {
    return unwrap(await this.ctx.api.GET("/v1/ssh-keys", { signal: callSignal(this.ctx.options, call) }));
  }

  /** Registers an OpenSSH public key (one line of a `.pub` file). */
  async create(key: Schemas["SshKeyCreate"], call?: CallOptions): Promise<Schemas["SshKey"]> {
    return unwrap(await this.ctx.api.POST("/v1/ssh-keys", { body: key, signal: callSignal(this.ctx.options, call) }));
  }

  /** One key. */
  async get(sshKeyId: string, call?: CallOptions): Promise<Schemas["SshKey"]> {
    return unwrap(
      await this.ctx.api.GET("/v1/ssh-keys/{sshKeyId}", {
        params: { path: { sshKeyId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }

  /** Removes a key: the gateway refuses it from now on. */
  async delete(sshKeyId: string, call?: CallOptions): Promise<void> {
    unwrap(
      await this.ctx.api.DELETE("/v1/ssh-keys/{sshKeyId}", {
        params: { path: { sshKeyId } },
        signal: callSignal(this.ctx.options, call),
      }),
    );
  }
}

/** The JSON documents of a newline-delimited JSON body, as they arrive. */
async function* ndjson<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffered.split("\n");
      buffered = done ? "" : (lines.pop() ?? "");
      for (const line of lines) {
        if (line.trim().length > 0) {
          yield JSON.parse(line) as T;
        }
      }
      if (done) {
        return;
      }
    }
  } finally {
    // Stopping early (break, an abort) hangs up, so that the server stops following.
    await reader.cancel().catch(() => undefined);
  }
}
