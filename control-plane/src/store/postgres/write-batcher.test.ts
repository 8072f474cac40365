import { describe, expect, it } from "vitest";
import { WriteBatcher } from "./write-batcher.js";

/** A batcher over numbers whose writes are recorded; `bad` numbers fail when written alone. */
function recorder(bad: readonly number[] = [], maxBatch = 100) {
  const calls: { kind: "all" | "one"; items: number[] }[] = [];
  const batcher = new WriteBatcher<number, string>(
    async (items) => {
      calls.push({ kind: "all", items: [...items] });
      if (items.some((item) => bad.includes(item))) {
        throw new Error("conflict in the batch");
      }
      return items.map((item) => `#${item}`);
    },
    async (item) => {
      calls.push({ kind: "one", items: [item] });
      if (bad.includes(item)) {
        throw new Error(`conflict ${item}`);
      }
      return `#${item}`;
    },
    maxBatch,
  );
  return { calls, batcher };
}

describe("WriteBatcher", () => {
  it("writes the items of one turn with one call, each caller getting its own result", async () => {
    const { calls, batcher } = recorder();
    expect(await Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).toEqual(["#1", "#2", "#3"]);
    expect(calls).toEqual([{ kind: "all", items: [1, 2, 3] }]);
  });

  it("writes a lone item by itself", async () => {
    const { calls, batcher } = recorder();
    expect(await batcher.submit(7)).toBe("#7");
    expect(calls).toEqual([{ kind: "one", items: [7] }]);
  });

  it("retries a failed batch item by item, so that only the bad item fails", async () => {
    const { calls, batcher } = recorder([2]);
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
      "#1",
      "conflict 2",
      "#3",
    ]);
    expect(calls.map((c) => c.kind)).toEqual(["all", "one", "one", "one"]);
  });

  it("splits a large turn into batches of at most maxBatch", async () => {
    const { calls, batcher } = recorder([], 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("starts a new batch for items submitted in a later turn", async () => {
    const { calls, batcher } = recorder();
    await Promise.all([batcher.submit(1), batcher.submit(2)]);
    await Promise.all([batcher.submit(3), batcher.submit(4)]);
    expect(calls.map((c) => c.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
