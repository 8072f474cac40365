import { describe, expect, it } from "vitest";
import type { ApiKeyRecord } from "../store/records.js";
import { denialReason, type OperationAccess, type Principal } from "./principal.js";

const key = (scope: ApiKeyRecord["scope"], endpointIds: string[] = []): Principal => ({
  kind: "apiKey",
  key: {
    id: "key_1",
    name: "k",
    scope,
    endpointIds,
    prefix: "rf_abcdef",
    hash: "h",
    createdAt: 0,
    lastUsedAt: null,
    revokedAt: null,
  },
});
const worker: Principal = { kind: "worker", workerId: "wk_1", endpointId: "ep_1" };
const op = (
  family: OperationAccess["family"],
  readOnly: boolean,
  endpointId?: string,
  workerId?: string,
): OperationAccess => ({
  operationId: "op",
  family,
  readOnly,
  endpointId,
  workerId,
});

const cases: [string, Principal, OperationAccess, RegExp | undefined][] = [
  ["admin may change management", key("admin"), op("management", false), undefined],
  ["read may GET management", key("read"), op("management", true), undefined],
  ["read may not change management", key("read"), op("management", false), /scope read/],
  ["read may read job status", key("read"), op("jobs", true, "ep_1"), undefined],
  ["invoke may run jobs anywhere when unrestricted", key("invoke"), op("jobs", false, "ep_9"), undefined],
  ["invoke may run jobs on its endpoint", key("invoke", ["ep_1"]), op("jobs", false, "ep_1"), undefined],
  [
    "invoke may not run jobs elsewhere",
    key("invoke", ["ep_1"]),
    op("jobs", false, "ep_2"),
    /may not invoke endpoint ep_2/,
  ],
  ["invoke may not use management", key("invoke"), op("management", true), /only the job API/],
  ["invoke may ask who it is (a secured system operation)", key("invoke"), op("system", true), undefined],
  ["read may ask who it is", key("read"), op("system", true), undefined],
  ["an API key may not use worker routes", key("admin"), op("worker", false, "ep_1", "wk_1"), /worker token/],
  ["a worker may use its own routes", worker, op("worker", false, "ep_1", "wk_1"), undefined],
  [
    "a worker may not use another endpoint's routes",
    worker,
    op("worker", false, "ep_2", "wk_1"),
    /belongs to endpoint ep_1/,
  ],
  ["a worker may not act as another worker", worker, op("worker", false, "ep_1", "wk_2"), /belongs to worker wk_1/],
  ["a worker may not use the job API", worker, op("jobs", true, "ep_1"), /only for its endpoint's worker routes/],
  ["admin may open a session in a worker", key("admin"), { ...op("management", false), adminOnly: true }, undefined],
  [
    "read may not read an admin-only resource (the audit log)",
    key("read"),
    { ...op("management", true), adminOnly: true },
    /scope read; op needs an admin key/,
  ],
  [
    "invoke may not open a session in a worker",
    key("invoke"),
    { ...op("management", false, "ep_1", "wk_1"), adminOnly: true },
    /scope invoke; op needs an admin key/,
  ],
  [
    "a worker may not open a session",
    worker,
    { ...op("management", false, "ep_1", "wk_1"), adminOnly: true },
    /only for its endpoint's worker routes/,
  ],
];

describe("denialReason", () => {
  it.each(cases)("%s", (_name, principal, access, want) => {
    const reason = denialReason(principal, access);
    if (want === undefined) {
      expect(reason).toBeUndefined();
    } else {
      expect(reason).toMatch(want);
    }
  });
});
