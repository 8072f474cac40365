import type { components } from "@runfleet/sdk/generated";
import { redactSecretEnv } from "../domain/endpoint-settings.js";
import type {
  ApiKeyRecord,
  AuditEventRecord,
  EndpointRecord,
  JobRecord,
  RegistryAuthRecord,
  SshKeyRecord,
  TemplateRecord,
  WebhookDeliveryRecord,
  WorkerRecord,
} from "../store/records.js";
import { toIso, toIsoOrNull } from "../util/clock.js";

type Schemas = components["schemas"];

/** A stored endpoint as the API shows it. */
export function presentEndpoint(endpoint: EndpointRecord, reason?: string): Schemas["Endpoint"] {
  const view: Schemas["Endpoint"] = {
    ...endpoint,
    secretEnv: redactSecretEnv(endpoint.secretEnv),
    createdAt: toIso(endpoint.createdAt),
    updatedAt: toIso(endpoint.updatedAt),
  };
  if (reason !== undefined) {
    view.reason = reason;
  }
  return view;
}

/** A stored template as the API shows it. */
export function presentTemplate(template: TemplateRecord): Schemas["Template"] {
  return {
    ...template,
    secretEnv: redactSecretEnv(template.secretEnv),
    createdAt: toIso(template.createdAt),
    updatedAt: toIso(template.updatedAt),
  };
}

/** Stored registry credentials as the API shows them: never the password. */
export function presentRegistryAuth(auth: RegistryAuthRecord): Schemas["RegistryAuth"] {
  return {
    id: auth.id,
    name: auth.name,
    username: auth.username,
    createdAt: toIso(auth.createdAt),
    updatedAt: toIso(auth.updatedAt),
  };
}

/** A stored key as the API shows it: never its hash. */
export function presentApiKey(key: ApiKeyRecord): Schemas["ApiKey"] {
  return {
    id: key.id,
    name: key.name,
    scope: key.scope,
    endpointIds: key.endpointIds,
    prefix: key.prefix,
    createdAt: toIso(key.createdAt),
    lastUsedAt: toIsoOrNull(key.lastUsedAt),
    revokedAt: toIsoOrNull(key.revokedAt),
  };
}

/** A stored job as the management API lists it. */
export function presentJobRecord(job: JobRecord, view: Schemas["JobStatus"]): Schemas["JobRecord"] {
  return {
    ...view,
    endpointId: job.endpointId,
    createdAt: toIso(job.createdAt),
    startedAt: toIsoOrNull(job.startedAt),
    completedAt: toIsoOrNull(job.completedAt),
    lowPriority: job.lowPriority,
  };
}

/** A job as handed to a worker: RunPod's shape (`id`, `input`, and `s3Config` at the top level). */
export function presentWorkerJob(job: JobRecord): Schemas["WorkerJob"] {
  const body: Schemas["WorkerJob"] = { id: job.id, input: job.input };
  if (job.webhook !== null) {
    body.webhook = job.webhook;
  }
  if (job.s3Config !== null) {
    body.s3Config = job.s3Config;
  }
  body.policy = { executionTimeout: job.executionTimeoutMs };
  return body;
}

/** A registered worker as the API shows it; a THROTTLED one says why it waits (`throttledBecause`). */
export function presentWorker(
  worker: WorkerRecord,
  status: Schemas["WorkerStatus"],
  runningJobIds: string[],
  throttledBecause?: string,
): Schemas["Worker"] {
  return {
    id: worker.id,
    endpointId: worker.endpointId,
    status,
    driver: worker.driver,
    endpointVersion: worker.endpointVersion,
    gpuIds: worker.gpuIds,
    runningJobIds,
    createdAt: toIso(worker.createdAt),
    readyAt: toIsoOrNull(worker.readyAt),
    lastSeenAt: toIsoOrNull(worker.lastSeenAt),
    reason: worker.unhealthyReason ?? (status === "THROTTLED" ? (throttledBecause ?? null) : null),
  };
}

/** A webhook delivery attempt as the API shows it. */
export function presentWebhookDelivery(delivery: WebhookDeliveryRecord): Schemas["WebhookDelivery"] {
  return {
    id: delivery.id,
    jobId: delivery.jobId,
    url: delivery.url,
    attempt: delivery.attempt,
    state: delivery.state,
    responseStatus: delivery.responseStatus,
    error: delivery.error,
    at: toIso(delivery.at),
    nextAttemptAt: toIsoOrNull(delivery.nextAttemptAt),
  };
}

/** An audit event as the API shows it. */
export function presentAuditEvent(event: AuditEventRecord): Schemas["AuditEvent"] {
  return { ...event, startedAt: toIso(event.startedAt), endedAt: toIsoOrNull(event.endedAt) };
}

/** An SSH key as the API shows it (who registered it stays in the audit trail of the store). */
export function presentSshKey(key: SshKeyRecord): Schemas["SshKey"] {
  return {
    id: key.id,
    name: key.name,
    type: key.type,
    fingerprint: key.fingerprint,
    publicKey: key.publicKey,
    createdAt: toIso(key.createdAt),
    lastUsedAt: toIsoOrNull(key.lastUsedAt),
  };
}
