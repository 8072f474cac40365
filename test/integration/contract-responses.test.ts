import { describe, expect, it } from "vitest";
import { contractResponseCheck } from "../support/contract-responses.js";

// The check every test client applies to the answers it receives (test/support/contract-responses.ts):
// it must accept what the contract documents and catch what breaks it, or it would hide broken answers.

const check = contractResponseCheck();
const problem = {
  type: "urn:runfleet:problem:endpoint_not_found",
  title: "Endpoint not found",
  status: 404,
  code: "endpoint_not_found",
  detail: "no endpoint ep_x",
};
const json = "application/json";

describe("the contract's response check", () => {
  it.each([
    ["a documented problem", "GET", "/v1/endpoints/ep_x", 404, "application/problem+json", problem],
    ["a documented empty answer", "DELETE", "/v1/endpoints/ep_x", 204, null, undefined],
    ["a job status", "GET", "/v2/ep_x/status/job-1", 200, json, { id: "job-1", status: "IN_QUEUE" }],
    ["a route the contract does not have", "GET", "/v9/nothing", 404, json, { anything: true }],
    ["the most specific template", "GET", "/v1/endpoints/ep_x/workers", 200, json, []],
  ])("accepts %s", (_name, method, url, status, contentType, body) => {
    expect(check({ method, url, status, contentType, body })).toEqual([]);
  });

  it.each([
    ["an undocumented status", "GET", "/v1/endpoints/ep_x", 418, json, {}, /documents no such status/],
    [
      "a missing required field",
      "GET",
      "/v2/ep_x/status/job-1",
      200,
      json,
      { id: "job-1" },
      /must have required property 'status'/,
    ],
    [
      "a value outside an enum",
      "GET",
      "/v2/ep_x/status/job-1",
      200,
      json,
      { id: "j", status: "DONE" },
      /must be equal to one of/,
    ],
    [
      "a problem in plain JSON",
      "GET",
      "/v1/endpoints/ep_x",
      404,
      json,
      problem,
      /content type application\/json is not one of/,
    ],
    ["a body where none is documented", "DELETE", "/v1/endpoints/ep_x", 204, json, { ok: true }, /documents no body/],
  ])("catches %s", (_name, method, url, status, contentType, body, message) => {
    expect(check({ method, url, status, contentType, body }).join("\n")).toMatch(message);
  });
});
