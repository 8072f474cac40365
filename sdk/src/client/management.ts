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

  /** Changes the given settings; the others keep their value. */
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

  /** Queue depth and workers over time, with delay, execution and cold-start percentiles. */
  async metrics(
    endpointId: string,
    query: { windowSeconds?: number } = {},
    call?: CallOptions,
  ): Promise<Schemas["EndpointMetrics"]> {
    return unwrap(
      await this.ctx.api.GET("/v1/endpoints/{endpointId}/metrics", {
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

  /** Changes the given fields; endpoints using the template roll their workers over. */
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
