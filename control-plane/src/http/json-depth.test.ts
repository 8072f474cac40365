import { describe, expect, it } from "vitest";
import { exceedsJsonDepth } from "./json-depth.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const nested = (depth: number, open = "[", close = "]") => `${open.repeat(depth)}${close.repeat(depth)}`;

describe("exceedsJsonDepth", () => {
  it.each([
    { name: "a scalar", text: '"just a string"', limit: 1, exceeds: false },
    { name: "a flat object", text: '{"a":1,"b":2}', limit: 1, exceeds: false },
    { name: "one level too deep", text: '{"a":{"b":1}}', limit: 1, exceeds: true },
    { name: "exactly the limit", text: `{"input":${nested(9)}}`, limit: 10, exceeds: false },
    { name: "one past the limit", text: `{"input":${nested(10)}}`, limit: 10, exceeds: true },
    { name: "objects count too", text: `${'{"a":'.repeat(11)}1${"}".repeat(11)}`, limit: 10, exceeds: true },
    { name: "brackets inside strings do not count", text: `{"s":"${"[".repeat(50)}"}`, limit: 3, exceeds: false },
    { name: "an escaped quote does not end a string", text: `{"s":"\\"${"[".repeat(50)}"}`, limit: 3, exceeds: false },
    {
      name: "an escaped backslash does end it",
      text: `{"s":"\\\\",${'"t":['.repeat(5)}1${"]".repeat(5)}}`,
      limit: 3,
      exceeds: true,
    },
    {
      name: "siblings are not depth",
      text: `[${Array.from({ length: 100 }, () => "[1]").join(",")}]`,
      limit: 2,
      exceeds: false,
    },
    { name: "multi-byte text around", text: `{"é":"日本${"{".repeat(20)}","x":[["ü"]]}`, limit: 3, exceeds: false },
    { name: "10,000 deep", text: `{"input":${nested(10_000)}}`, limit: 128, exceeds: true },
  ])("$name", ({ text, limit, exceeds }) => {
    expect(exceedsJsonDepth(bytes(text), limit)).toBe(exceeds);
  });

  it("agrees with a real walk of parsed values", () => {
    const depthOf = (value: unknown): number =>
      value !== null && typeof value === "object"
        ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depthOf))
        : 0;
    for (const value of [{ a: [1, { b: [[]] }] }, [[[["x"]]], 2], { s: "[{", t: [{}] }, [], 7]) {
      const text = JSON.stringify(value);
      const depth = depthOf(value);
      const padded = bytes(text.padEnd(100, " "));
      expect(exceedsJsonDepth(padded, depth)).toBe(false);
      if (depth > 0) {
        expect(exceedsJsonDepth(padded, depth - 1)).toBe(true);
      }
    }
  });
});
