import { describe, expect, it } from "vitest";
import { HeldInput } from "./held-input.js";

/** A HeldInput over a sink that records what reached it. */
const recorded = () => {
  const events: string[] = [];
  const input = new HeldInput({
    write: (data) => events.push(`write ${data.toString()}`),
    end: () => events.push("end"),
  });
  return { input, events };
};

describe("HeldInput", () => {
  it("holds input until released, then sends it in order and lets the rest flow", () => {
    const { input, events } = recorded();
    input.write(Buffer.from("a"));
    input.write(Buffer.from("b"));
    expect(events).toEqual([]);
    input.release();
    input.write(Buffer.from("c"));
    expect(events).toEqual(["write a", "write b", "write c"]);
  });

  it("holds again around a resize, and a close waits behind the held input, ending stdin once", () => {
    const { input, events } = recorded();
    input.release();
    input.hold();
    input.write(Buffer.from("typed"));
    input.close();
    input.write(Buffer.from("after close"));
    expect(events).toEqual([]);
    input.release();
    input.hold();
    input.release();
    input.close();
    expect(events).toEqual(["write typed", "end"]);
  });
});
