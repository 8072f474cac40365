import { describe, expect, it } from "vitest";
import { GpuInventory, gpuShortfall, parseDeclaredGpus, parseNvidiaSmi } from "./gpu-inventory.js";

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

describe("gpuShortfall", () => {
  const h100 = { id: "0", type: "NVIDIA H100", memoryMb: null, source: "declared" as const };
  const l4 = (id: string) => ({ id, type: "NVIDIA L4", memoryMb: null, source: "declared" as const });

  it.each([
    [
      "no GPUs at all",
      { gpuCount: 1, gpuTypeIds: [] },
      [],
      /GPU endpoint .* need 1 GPU\(s\), but this control plane has no GPUs/,
    ],
    [
      "too few of any type",
      { gpuCount: 3, gpuTypeIds: [] },
      [h100, l4("1")],
      /need 3 GPU\(s\), but .* has 2 GPU\(s\) \(NVIDIA H100, NVIDIA L4\)/,
    ],
    [
      "none of the accepted type",
      { gpuCount: 1, gpuTypeIds: ["NVIDIA A100"] },
      [h100],
      /1 GPU\(s\) of type NVIDIA A100/,
    ],
  ])("names the shortfall: %s", (_name, demand, devices, reason) => {
    const why = gpuShortfall(demand, devices);
    expect(why).toMatch(reason);
    expect(why).toMatch(/set computeType CPU/);
  });

  it.each([
    ["enough of any type, even if held", { gpuCount: 2, gpuTypeIds: [] }, [l4("0"), l4("1")]],
    [
      "the second accepted type has enough",
      { gpuCount: 2, gpuTypeIds: ["NVIDIA H100", "NVIDIA L4"] },
      [h100, l4("1"), l4("2")],
    ],
  ])("says nothing when the workers only wait for GPUs to be freed: %s", (_name, demand, devices) => {
    expect(gpuShortfall(demand, devices)).toBeUndefined();
  });
});
