import { describe, expect, it } from "vitest";
import { EndpointQueue } from "./endpoint-queue.js";

const entry = (id: string, queueOrder: number, lowPriority = false) => ({
  id,
  queueOrder,
  createdAt: queueOrder,
  lowPriority,
});

describe("EndpointQueue", () => {
  it("serves normal jobs before low-priority ones, each in order", () => {
    const queue = new EndpointQueue();
    queue.push(entry("low1", 1, true));
    queue.push(entry("a", 2));
    queue.push(entry("b", 3));
    expect(queue.shift(10).map((e) => e.id)).toEqual(["a", "b", "low1"]);
    expect(queue.size).toBe(0);
  });

  it("puts a re-queued job back in its original place", () => {
    const queue = new EndpointQueue();
    queue.push(entry("b", 2));
    queue.push(entry("c", 3));
    queue.push(entry("a", 1));
    expect(queue.ids()).toEqual(["a", "b", "c"]);
  });

  it("skips removed jobs and keeps counts right", () => {
    const queue = new EndpointQueue();
    for (let i = 1; i <= 5; i++) {
      queue.push(entry(`j${i}`, i, i === 5));
    }
    expect(queue.remove("j2")).toBe(true);
    expect(queue.remove("j2")).toBe(false);
    expect(queue.size).toBe(4);
    expect(queue.normalSize).toBe(3);
    expect(queue.position("j5")).toBe(4);
    expect(queue.shift(2).map((e) => e.id)).toEqual(["j1", "j3"]);
    expect(queue.oldestNormalCreatedAt()).toBe(4);
  });

  it("ignores a job pushed twice", () => {
    const queue = new EndpointQueue();
    queue.push(entry("a", 1));
    queue.push(entry("a", 1));
    expect(queue.size).toBe(1);
  });

  it("keeps working across compaction of a long queue", () => {
    const queue = new EndpointQueue();
    for (let i = 1; i <= 5000; i++) {
      queue.push(entry(`j${i}`, i));
    }
    let served = 0;
    while (queue.size > 0) {
      served += queue.shift(7).length;
    }
    expect(served).toBe(5000);
    queue.push(entry("late", 6000));
    expect(queue.shift(1)[0]?.id).toBe("late");
  });
});
