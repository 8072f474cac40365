import { describe, expect, it } from "vitest";
import { EventQueue } from "./handlers/exec-handlers.js";
import { parseControl, upgradeCredential } from "./shell-socket.js";

describe("upgradeCredential", () => {
  it.each([
    ["the Authorization header first", "Bearer rf_a", "runfleet.shell.v1, runfleet.bearer.rf_b", "Bearer rf_a"],
    ["a browser's key subprotocol", undefined, "runfleet.shell.v1, runfleet.bearer.rf_b-c_d", "Bearer rf_b-c_d"],
    ["none", undefined, "runfleet.shell.v1", null],
    ["no header at all", undefined, undefined, null],
  ])("%s", (_name, authorization, protocols, want) => {
    expect(upgradeCredential(authorization, protocols)).toBe(want);
  });
});

describe("parseControl", () => {
  it.each([
    ['{"type":"resize","cols":120,"rows":40}', { type: "resize", cols: 120, rows: 40 }],
    ['{"type":"resize","cols":0,"rows":40}', undefined],
    ['{"type":"resize","cols":1.5,"rows":40}', undefined],
    ['{"type":"resize","cols":5000,"rows":40}', undefined],
    ['{"type":"other"}', undefined],
    ["not json", undefined],
  ])("%s", (text, want) => {
    expect(parseControl(text)).toEqual(want);
  });
});

describe("EventQueue", () => {
  it("gives items in order, the front one first, and ends after the last", async () => {
    const queue = new EventQueue<number>();
    queue.push(2);
    queue.pushFront(1);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const item of queue) {
        seen.push(item);
      }
    })();
    queue.push(3);
    queue.end();
    await reading;
    expect(seen).toEqual([1, 2, 3]);
  });

  it("tells its listener when the reader stops early, even while a read waits", async () => {
    const queue = new EventQueue<number>();
    let abandoned = 0;
    queue.onAbandoned(() => abandoned++);
    const iterator = queue[Symbol.asyncIterator]();
    const waiting = iterator.next();
    await iterator.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(abandoned).toBe(1);
    queue.push(1);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("does not call a reader that read to the end abandoned", async () => {
    const queue = new EventQueue<number>();
    let abandoned = 0;
    queue.onAbandoned(() => abandoned++);
    queue.end();
    for await (const _ of queue) {
      // nothing
    }
    expect(abandoned).toBe(0);
  });
});
