import type { ApiKeyRecord } from "../store/records.js";

/** Who is calling: a holder of an API key, or a worker with its own token. */
export type Principal =
  | { kind: "apiKey"; key: ApiKeyRecord }
  | { kind: "worker"; workerId: string; endpointId: string };

/** The family an operation belongs to, from its tag in the contract. */
export type OperationFamily = "system" | "management" | "jobs" | "worker";

/** What an authorization check needs to know about the operation being called. */
export interface OperationAccess {
  operationId: string;
  family: OperationFamily;
  /** True for operations that change nothing (GETs, and status-sync's POST form). */
  readOnly: boolean;
  /**
   * True for operations only admin keys may call whatever their method (sessions inside workers, the
   * audit log, SSH keys): `x-runfleet-admin-only` in the contract.
   */
  adminOnly?: boolean;
  /** The endpoint named in the path, if any. */
  endpointId: string | undefined;
  /** The worker named in the path, if any. */
  workerId: string | undefined;
}

/**
 * Decides whether `principal` may call the operation; returns why not, or undefined when allowed.
 * Pure, so the whole policy is one table-tested function.
 */
export function denialReason(principal: Principal, access: OperationAccess): string | undefined {
  if (access.family === "worker") {
    if (principal.kind !== "worker") {
      return "worker routes take a worker token (RUNPOD_AI_API_KEY), not an API key";
    }
    if (principal.endpointId !== access.endpointId) {
      return `this worker token belongs to endpoint ${principal.endpointId}, not ${access.endpointId}`;
    }
    if (access.workerId !== undefined && principal.workerId !== access.workerId) {
      return `this worker token belongs to worker ${principal.workerId}, not ${access.workerId}`;
    }
    return undefined;
  }
  if (principal.kind === "worker") {
    return "a worker token is valid only for its endpoint's worker routes";
  }
  const { scope, endpointIds, prefix } = principal.key;
  if (access.adminOnly && scope !== "admin") {
    return `key ${prefix}… has scope ${scope}; ${access.operationId} needs an admin key`;
  }
  if (access.family === "system") {
    return undefined; // the secured system operations (who am I) are open to every key
  }
  switch (scope) {
    case "admin":
      return undefined;
    case "read":
      return access.readOnly ? undefined : `key ${prefix}… has scope read and may not call ${access.operationId}`;
    case "invoke":
      if (access.family !== "jobs") {
        return `key ${prefix}… has scope invoke and may call only the job API (/v2/{endpointId}/...)`;
      }
      if (endpointIds.length > 0 && (access.endpointId === undefined || !endpointIds.includes(access.endpointId))) {
        return `key ${prefix}… may not invoke endpoint ${access.endpointId}`;
      }
      return undefined;
  }
}
