import { describe, expect, it } from "vitest";
import { retryAfterMs } from "./retrying-fetch.js";
import { compileRunfleetOptions } from "./runfleet-options.js";

describe("compileRunfleetOptions", () => {
  it("applies every default in one place", () => {
    const compiled = compileRunfleetOptions({ baseUrl: "http://127.0.0.1:8080/" });
    expect(compiled).toMatchObject({
      baseUrl: "http://127.0.0.1:8080",
      apiKey: undefined,
      timeoutMs: 30_000,
      retry: { maxRetries: 3, initialDelayMs: 250, maxDelayMs: 5000, maxRetryAfterMs: 60_000 },
      headers: {},
      pollIntervalMs: 200,
      maxPollIntervalMs: 2000,
      streamHoldMs: 10_000,
    });
    expect(typeof compiled.fetch).toBe("function");
  });

  it("turns retries off with retry: false", () => {
    expect(compileRunfleetOptions({ baseUrl: "https://x.test", retry: false }).retry.maxRetries).toBe(0);
  });

  const invalid: Array<[string, Parameters<typeof compileRunfleetOptions>[0], RegExp]> = [
    ["a base URL without a scheme", { baseUrl: "127.0.0.1:8080" }, /baseUrl must be an http\(s\) URL/],
    ["a zero timeout", { baseUrl: "http://x.test", timeoutMs: 0 }, /timeoutMs must be a positive number/],
    [
      "negative retries",
      { baseUrl: "http://x.test", retry: { maxRetries: -1 } },
      /retry.maxRetries must be a non-negative/,
    ],
    ["a NaN poll interval", { baseUrl: "http://x.test", pollIntervalMs: Number.NaN }, /pollIntervalMs/],
  ];
  it.each(invalid)("refuses %s, naming the option", (_name, options, message) => {
    expect(() => compileRunfleetOptions(options)).toThrow(message);
  });
});

describe("retryAfterMs", () => {
  const cases: Array<[string | null, number | undefined]> = [
    [null, undefined],
    ["", undefined],
    ["0", 0],
    ["2", 2000],
    [" 7 ", 7000],
    ["soon", undefined],
    ["Thu, 01 Jan 1970 00:00:00 GMT", 0],
  ];
  it.each(cases)("reads Retry-After %j as %j ms", (header, expected) => {
    expect(retryAfterMs(header)).toBe(expected);
  });

  it("reads an HTTP date in the future as the time until then", () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const ms = retryAfterMs(at) ?? 0;
    expect(ms).toBeGreaterThan(50_000);
    expect(ms).toBeLessThanOrEqual(60_000);
  });
});
