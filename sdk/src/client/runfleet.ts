import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../generated/openapi.js";
import { type CallOptions, callSignal, unwrap } from "./call.js";
import type { ClientContext } from "./client-context.js";
import { Endpoint, type EndpointSchemas } from "./endpoint.js";
import { Job } from "./job.js";
import {
  AuditApi,
  EndpointsApi,
  KeysApi,
  RegistryAuthsApi,
  SshKeysApi,
  TemplatesApi,
  WorkersApi,
} from "./management.js";
import { retryingFetch } from "./retrying-fetch.js";
import { type CompiledRunfleetOptions, compileRunfleetOptions, type RunfleetOptions } from "./runfleet-options.js";

/** A Runfleet client: job helpers per endpoint, management helpers, and the raw typed client. */
export interface Runfleet {
  /**
   * A typed handle on an endpoint's jobs. Schemas are optional; given, they check inputs before they
   * are sent and outputs (and chunks) when they come back, and the types follow from them.
   */
  endpoint<I = unknown, O = unknown, C = unknown>(
    endpointId: string,
    schemas?: EndpointSchemas<I, O, C>,
  ): Endpoint<I, O, C>;
  /** A handle on an existing job (nothing is sent). */
  job<O = unknown, C = unknown>(endpointId: string, jobId: string): Job<O, C>;
  /** Endpoints: CRUD, jobs, metrics, scaling events. */
  readonly endpoints: EndpointsApi;
  /** Templates: CRUD. */
  readonly templates: TemplatesApi;
  /** Container registry credentials that templates pull private images with. */
  readonly registryAuths: RegistryAuthsApi;
  /** API keys: create, list, revoke. */
  readonly keys: KeysApi;
  /** Workers: list, logs, drain, stop, register. */
  readonly workers: WorkersApi;
  /** The audit log of sessions inside workers. */
  readonly audit: AuditApi;
  /** SSH public keys for the SSH gateway. */
  readonly sshKeys: SshKeysApi;
  /** The GPUs the control plane may hand out, and who holds them. */
  gpus(call?: CallOptions): Promise<components["schemas"]["Gpu"][]>;
  /** The API key this client calls with, without its secret: its scope says what it may do. */
  whoami(call?: CallOptions): Promise<components["schemas"]["ApiKey"]>;
  /** Whether the control plane is ready to serve (store reachable); `ready: false` with the checks otherwise. */
  readiness(call?: CallOptions): Promise<components["schemas"]["Readiness"]>;
  /**
   * The underlying openapi-fetch client, typed from the contract, with the same auth, retries and
   * `fetch`: for operations the helpers do not cover. It returns `{ data, error, response }`.
   */
  readonly api: Client<paths>;
  /** The options in force, defaults applied. */
  readonly options: Readonly<CompiledRunfleetOptions>;
}

/**
 * Makes a client for a Runfleet control plane (or anything speaking its contract).
 *
 * @example
 * ```ts
 * const runfleet = createRunfleet({ baseUrl: "http://127.0.0.1:8080", apiKey: process.env.RUNFLEET_API_KEY });
 * const job = await runfleet.endpoint<{ message: string }, { echo: unknown }>("ep_123").run({ message: "hi" });
 * const { output } = await job.wait({ timeoutMs: 60_000 });
 * ```
 */
export function createRunfleet(options: RunfleetOptions): Runfleet {
  const compiled = compileRunfleetOptions(options);
  const headers: Record<string, string> = { ...compiled.headers };
  if (compiled.apiKey !== undefined) {
    headers.authorization = `Bearer ${compiled.apiKey}`;
  }
  const api = createClient<paths>({ baseUrl: compiled.baseUrl, fetch: retryingFetch(compiled), headers });
  const ctx: ClientContext = { api, options: compiled };
  return {
    endpoint: (endpointId, schemas) => new Endpoint(ctx, endpointId, schemas),
    job: (endpointId, jobId) => new Job(ctx, endpointId, jobId),
    endpoints: new EndpointsApi(ctx),
    templates: new TemplatesApi(ctx),
    registryAuths: new RegistryAuthsApi(ctx),
    keys: new KeysApi(ctx),
    workers: new WorkersApi(ctx),
    audit: new AuditApi(ctx),
    sshKeys: new SshKeysApi(ctx),
    gpus: async (call) => unwrap(await api.GET("/v1/gpus", { signal: callSignal(compiled, call) })),
    whoami: async (call) => unwrap(await api.GET("/v1/whoami", { signal: callSignal(compiled, call) })),
    readiness: async (call) => {
      const result = await api.GET("/readyz", { signal: callSignal(compiled, call) });
      // 503 carries the same document, saying which check failed.
      return result.response.status === 503 ? (result.error as components["schemas"]["Readiness"]) : unwrap(result);
    },
    api,
    options: compiled,
  };
}
