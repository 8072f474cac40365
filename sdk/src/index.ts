/**
 * `@runfleet/sdk`: a typed client for the Runfleet control plane, built on openapi-fetch and the types
 * generated from `openapi.yaml`. It runs wherever `fetch` does (Node ≥ 20, browsers, workers, edge
 * runtimes): this entry point imports nothing from Node. It never logs.
 *
 * @example
 * ```ts
 * import { createRunfleet, JobFailedError } from "@runfleet/sdk";
 *
 * const runfleet = createRunfleet({ baseUrl: "http://127.0.0.1:8080", apiKey: process.env.RUNFLEET_API_KEY });
 * const echo = runfleet.endpoint<{ message: string }, { echo: { message: string } }>("ep_123");
 * try {
 *   const { output } = await echo.runSync({ message: "hi" }, { timeoutMs: 60_000 });
 *   console.log(output.echo.message);
 * } catch (error) {
 *   if (error instanceof JobFailedError) console.error(error.cause);
 * }
 * ```
 *
 * The worker-side runtime is `@runfleet/sdk/worker`; the generated types are `@runfleet/sdk/generated`.
 *
 * @module
 */
export type { CallOptions } from "./client/call.js";
export { Endpoint, type EndpointSchemas, type RunOptions, type RunSyncOptions } from "./client/endpoint.js";
export {
  ApiError,
  ConnectionError,
  JobCancelledError,
  JobError,
  JobFailedError,
  type JobReference,
  type JobStatus,
  JobTimeoutError,
  type Problem,
  RunfleetError,
  SchemaValidationError,
} from "./client/errors.js";
export {
  type CompletedJob,
  isTerminal,
  Job,
  type JobSchemas,
  type JobStatusValue,
  type TerminalStatus,
  type WaitOptions,
} from "./client/job.js";
export {
  AuditApi,
  decodeExecData,
  EndpointsApi,
  ExecFailedError,
  type ExecResult,
  KeysApi,
  RegistryAuthsApi,
  SshKeysApi,
  TemplatesApi,
  WorkersApi,
} from "./client/management.js";
export { retryAfterMs } from "./client/retrying-fetch.js";
export { createRunfleet, type Runfleet } from "./client/runfleet.js";
export type {
  CompiledRunfleetOptions,
  RetryEvent,
  RetryOptions,
  RunfleetOptions,
} from "./client/runfleet-options.js";
export type { ParseSchema, Schema, StandardResult, StandardSchema } from "./client/schema.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { endpointSettingsProblems, MAX_QUEUE_DELAY_SECONDS, type SettingsProblem } from "./rules/endpoint-rules.js";
export { RESETTABLE_ENDPOINT_SETTINGS, RESETTABLE_TEMPLATE_SETTINGS } from "./rules/resettable-settings.js";
export { type ContractSchemaError, type FieldError, schemaFieldErrors } from "./rules/schema-errors.js";
export { TEMPLATE_RUNS_NOTHING, type TemplateProblem, templateSettingsProblems } from "./rules/template-rules.js";
