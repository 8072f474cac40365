import { describe, expect, it } from "vitest";
import type { QueuedJob } from "../store/store.js";
import {
  type Admission,
  admission,
  compareQueueKeys,
  QueueWindow,
  refillSize,
  type WindowBounds,
} from "./queue-window.js";

const normal = (queueOrder: number) => ({ lowPriority: false, queueOrder });
const low = (queueOrder: number) => ({ lowPriority: true, queueOrder });
const bounds = (extra: Partial<WindowBounds>): WindowBounds => ({
  capacity: 10,
  size: 0,
  tail: undefined,
  complete: false,
  refilling: false,
  ...extra,
});
const job = (id: string, queueOrder: number, lowPriority = false): QueuedJob => ({
  id,
  queueOrder,
  createdAt: queueOrder * 1000,
  lowPriority,
});

describe("compareQueueKeys", () => {
  it.each([
    [normal(1), normal(2), -1],
    [normal(2), normal(1), 1],
    [normal(5), low(1), -1],
    [low(1), normal(5), 1],
    [low(3), low(3), 0],
  ])("%o against %o: %i", (a, b, sign) => {
    expect(Math.sign(compareQueueKeys(a, b))).toBe(sign);
  });
});

describe("admission", () => {
  const rows: [string, { lowPriority: boolean; queueOrder: number }, Partial<WindowBounds>, Admission][] = [
    ["a job before the tail belongs in the window", normal(3), { tail: normal(5) }, "insert"],
    ["a job at the tail (put back) belongs in the window", normal(5), { tail: normal(5) }, "insert"],
    ["a normal job before low-priority jobs held", normal(50), { tail: low(2) }, "insert"],
    ["a job past the tail of a partial window waits in the store", normal(6), { tail: normal(5) }, "beyond"],
    ["a low-priority job past a normal tail waits in the store", low(1), { tail: normal(5) }, "beyond"],
    [
      "a job past the tail of a window holding the whole queue joins it",
      normal(6),
      { tail: normal(5), complete: true },
      "insert",
    ],
    ["the first job of an empty, complete window joins it", normal(1), { complete: true }, "insert"],
    ["before the first read, a job waits in the store", normal(1), {}, "beyond"],
    ["past the tail during a refill: decided after it", normal(6), { tail: normal(5), refilling: true }, "defer"],
    ["before the first read completes: decided after it", normal(1), { refilling: true }, "defer"],
    [
      "during a refill, a job before the tail still joins at once",
      normal(4),
      { tail: normal(5), refilling: true },
      "insert",
    ],
  ];
  it.each(rows)("%s", (_name, key, extra, expected) => {
    expect(admission(key, bounds(extra))).toBe(expected);
  });
});

describe("refillSize", () => {
  const rows: [string, Partial<WindowBounds>, number][] = [
    ["an empty partial window reads a full window", { size: 0 }, 10],
    ["below half it reads up to capacity", { size: 4 }, 6],
    ["at half it waits", { size: 5 }, 0],
    ["a window holding the whole queue never reads", { size: 0, complete: true }, 0],
    ["one read at a time", { size: 0, refilling: true }, 0],
    ["a window of one reads one when empty", { capacity: 1, size: 0 }, 1],
    ["a window of one holding one waits", { capacity: 1, size: 1 }, 0],
  ];
  it.each(rows)("%s", (_name, extra, expected) => {
    expect(refillSize(bounds(extra))).toBe(expected);
  });
});

describe("QueueWindow", () => {
  it("holds at most its capacity, gives back its tail, and reads on from where it stopped", () => {
    const window = new QueueWindow(3, true);
    for (let i = 1; i <= 5; i++) {
      window.admit(job(`j${i}`, i));
    }
    // j4 and j5 were given back to the store: the window holds the front only.
    expect(window.ids()).toEqual(["j1", "j2", "j3"]);
    expect(window.bounds()).toMatchObject({ complete: false, tail: normal(3) });
    expect(window.shift(2).map((e) => e.id)).toEqual(["j1", "j2"]);
    const read = window.beginRefill();
    expect(read).toEqual({ after: normal(3), limit: 2 });
    window.endRefill([job("j4", 4), job("j5", 5)], 2);
    expect(window.ids()).toEqual(["j3", "j4", "j5"]);
    // A full read may not be the end of the queue.
    expect(window.bounds()).toMatchObject({ complete: false, tail: normal(5) });
    window.shift(3);
    expect(window.beginRefill()).toEqual({ after: normal(5), limit: 3 });
    window.endRefill([], 3);
    expect(window.bounds()).toMatchObject({ complete: true, size: 0 });
    window.admit(job("j6", 6));
    expect(window.ids()).toEqual(["j6"]);
  });

  it("decides after a refill on jobs queued while it ran, and drops those that left meanwhile", () => {
    const window = new QueueWindow(4, false);
    const read = window.beginRefill();
    expect(read).toEqual({ after: undefined, limit: 4 });
    // Queued during the read: the read may or may not have seen it.
    expect(window.admit(job("late", 9))).toBe("defer");
    // Cancelled during the read: the read may have seen it before it left.
    window.remove("gone");
    window.endRefill([job("a", 1), job("gone", 2), job("b", 3)], 4);
    // The read came back short, so the window holds the whole queue, and the late job joins it.
    expect(window.ids()).toEqual(["a", "b", "late"]);
    expect(window.bounds()).toMatchObject({ complete: true, tail: normal(9) });
  });

  it("lets a job queued during a refill wait in the store when the read filled the window", () => {
    const window = new QueueWindow(2, false);
    window.beginRefill();
    window.admit(job("late", 9));
    window.endRefill([job("a", 1), job("b", 2)], 2);
    expect(window.ids()).toEqual(["a", "b"]);
    expect(window.bounds()).toMatchObject({ complete: false, tail: normal(2) });
  });

  it("puts a re-queued job back in its place and stays a prefix of the queue", () => {
    const window = new QueueWindow(3, true);
    window.admit(job("n2", 2));
    window.admit(job("l1", 1, true));
    window.admit(job("n3", 3));
    // n1 lost its worker and keeps its old place; the window is over capacity and gives back its last job,
    // the low-priority one.
    window.admit(job("n1", 1));
    expect(window.ids()).toEqual(["n1", "n2", "n3"]);
    expect(window.bounds()).toMatchObject({ complete: false, tail: normal(3) });
    expect(window.position("n3")).toBe(3);
    expect(window.oldestNormalCreatedAt()).toBe(1000);
  });

  it("keeps the jobs put back during a refill, and trims to capacity once it ends", () => {
    const window = new QueueWindow(2, false);
    window.beginRefill();
    window.endRefill([job("a", 1), job("b", 2)], 2);
    const [a] = window.shift(1);
    window.beginRefill();
    // The take of `a` failed in the store: it goes back to the front at once.
    window.admit(a as QueuedJob);
    expect(window.ids()).toEqual(["a", "b"]);
    window.endRefill([job("c", 3)], 1);
    expect(window.ids()).toEqual(["a", "b"]);
    expect(window.bounds()).toMatchObject({ complete: false, tail: normal(2) });
  });

  it("leaves everything as it was after a failed refill, and a later one reads the same place", () => {
    const window = new QueueWindow(2, false);
    expect(window.beginRefill()).toEqual({ after: undefined, limit: 2 });
    window.failRefill();
    expect(window.beginRefill()).toEqual({ after: undefined, limit: 2 });
  });
});
