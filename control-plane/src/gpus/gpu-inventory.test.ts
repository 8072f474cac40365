import { describe, expect, it } from "vitest";
import { GpuInventory, parseDeclaredGpus, parseNvidiaSmi } from "./gpu-inventory.js";

describe("GPU inventory", () => {
  it("parses nvidia-smi's CSV", () => {
    expect(parseNvidiaSmi("0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA H100 80GB HBM3, 81559\n")).toEqual([
      { id: "0", type: "NVIDIA H100 80GB HBM3", memoryMb: 81559, source: "detected" },
      { id: "1", type: "NVIDIA H100 80GB HBM3", memoryMb: 81559, source: "detected" },
    ]);
  });

  it("parses a declared inventory and rejects a bad entry", () => {
    expect(parseDeclaredGpus("NVIDIA L4:2, NVIDIA A100-SXM4-80GB").map((d) => `${d.id}:${d.type}`)).toEqual([
      "0:NVIDIA L4",
      "1:NVIDIA L4",
      "2:NVIDIA A100-SXM4-80GB",
    ]);
    expect(() => parseDeclaredGpus("NVIDIA L4:zero")).toThrow(/TYPE:COUNT/);
  });

  it("never hands one device to two workers and follows type priority", () => {
    const inventory = new GpuInventory(parseDeclaredGpus("NVIDIA L4:1,NVIDIA H100:2"));
    expect(inventory.assign("w1", 2, ["NVIDIA L4", "NVIDIA H100"])).toEqual(["1", "2"]);
    expect(inventory.assign("w2", 1, ["NVIDIA H100"])).toBeUndefined();
    expect(inventory.assign("w3", 1, [])).toEqual(["0"]);
    expect(inventory.assign("w4", 1, [])).toBeUndefined();
    inventory.release("w1");
    expect(inventory.assign("w5", 1, ["NVIDIA H100"])).toEqual(["1"]);
    expect(inventory.list().filter((d) => d.workerId !== null)).toHaveLength(2);
  });
});
