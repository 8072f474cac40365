import { describe, expect, it } from "vitest";
import { isStream } from "./handler.js";
import { errorBody, fillTemplate, resultBody, withQuery } from "./result-body.js";

describe("resultBody", () => {
  it.each([
    ["a number", 5, false, { output: 5 }],
    ["a string", "hi", false, { output: "hi" }],
    ["an array", [1, 2], false, { output: [1, 2] }],
    ["null", null, false, { output: null }],
    ["an object", { a: 1 }, false, { output: { a: 1 } }],
    ["an object with error", { a: 1, error: "bad" }, false, { output: { a: 1 }, error: "bad" }],
    ["only an error", { error: "bad" }, false, { error: "bad" }],
    ["an object error", { error: { code: 7 } }, false, { error: '{"code":7}' }],
    ["refresh_worker in the result", { a: 1, refresh_worker: true }, false, { output: { a: 1 }, stopPod: true }],
    ["the refreshWorker option", 1, true, { output: 1, stopPod: true }],
  ])("shapes %s", (_name, value, refresh, want) => {
    expect(resultBody(value, refresh)).toEqual(want);
  });

  it("reports a thrown error as RunPod's JSON string", () => {
    const body = errorBody(new TypeError("boom"), "wk_1", false);
    expect(JSON.parse(body.error as string)).toMatchObject({
      error_type: "TypeError",
      error_message: "boom",
      worker_id: "wk_1",
    });
  });
});

describe("URL templates", () => {
  it("fills $ID with the job and $RUNPOD_POD_ID with the worker", () => {
    expect(fillTemplate("http://h/v2/ep/job-done/$RUNPOD_POD_ID/$ID?gpu=x", "wk_1", "j 1")).toBe(
      "http://h/v2/ep/job-done/wk_1/j%201?gpu=x",
    );
  });

  it("appends to an existing query", () => {
    expect(withQuery("http://h/a?gpu=x", { isStream: "true" })).toBe("http://h/a?gpu=x&isStream=true");
    expect(withQuery("http://h/a", { b: "1" })).toBe("http://h/a?b=1");
  });
});

describe("isStream", () => {
  function* gen() {
    yield 1;
  }
  async function* agen() {
    yield 1;
  }
  it.each([
    ["a generator", gen(), true],
    ["an async generator", agen(), true],
    ["an array", [1], false],
    ["a string", "abc", false],
    ["an object", { a: 1 }, false],
    ["a promise", Promise.resolve(1), false],
  ])("%s → %s", (_name, value, want) => {
    expect(isStream(value)).toBe(want);
  });
});
