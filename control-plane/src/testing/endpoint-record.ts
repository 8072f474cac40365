import type { EndpointRecord } from "../store/records.js";

/**
 * An endpoint as the store holds it, for unit tests: a CPU queue endpoint of at most one worker, scaled by
 * queue delay (4 s), 5 s idle timeout, no FlashBoot, version 1; `settings` override any of it.
 */
export function endpointRecord(settings: Partial<EndpointRecord> = {}): EndpointRecord {
  return {
    id: "ep_test",
    name: "test",
    type: "QUEUE",
    templateId: "tpl_test",
    computeType: "CPU",
    gpuTypeIds: [],
    gpuCount: 1,
    workersMin: 0,
    workersMax: 1,
    idleTimeout: 5,
    scalerType: "QUEUE_DELAY",
    scalerValue: 4,
    executionTimeoutMs: 600_000,
    flashboot: false,
    env: {},
    secretEnv: {},
    driver: null,
    version: 1,
    createdAt: 0,
    updatedAt: 0,
    ...settings,
  };
}
