import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A GPU the control plane may hand to a worker. */
export interface GpuDevice {
  /** As `CUDA_VISIBLE_DEVICES` takes it: an index or a UUID. */
  id: string;
  /** Type name as RunPod spells GPU types (`NVIDIA H100 80GB HBM3`). */
  type: string;
  memoryMb: number | null;
  source: "detected" | "declared";
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): GpuDevice[] {
  return csv
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [index = "", name = "", memory = ""] = line.split(",").map((part) => part.trim());
      const memoryMb = Number.parseInt(memory, 10);
      return {
        id: index,
        type: name,
        memoryMb: Number.isFinite(memoryMb) ? memoryMb : null,
        source: "detected" as const,
      };
    });
}

/**
 * Parses a declared inventory, `TYPE:COUNT` entries separated by commas, e.g.
 * `NVIDIA A100-SXM4-80GB:2,NVIDIA L4:1`. Devices are numbered in order from 0, as CUDA numbers them.
 */
export function parseDeclaredGpus(spec: string): GpuDevice[] {
  const devices: GpuDevice[] = [];
  for (const entry of spec
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.lastIndexOf(":");
    const type = (separator > 0 ? entry.slice(0, separator) : entry).trim();
    const count = separator > 0 ? Number(entry.slice(separator + 1)) : 1;
    if (!type || !Number.isInteger(count) || count < 1) {
      throw new Error(`invalid GPU declaration "${entry}": expected TYPE:COUNT, e.g. "NVIDIA L4:2"`);
    }
    for (let i = 0; i < count; i++) {
      devices.push({ id: String(devices.length), type, memoryMb: null, source: "declared" });
    }
  }
  return devices;
}

/** Asks `nvidia-smi` for the GPUs of this host; none when it is absent or fails. */
export async function detectGpus(): Promise<GpuDevice[]> {
  try {
    const { stdout } = await run(
      "nvidia-smi",
      ["--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits"],
      {
        timeout: 10_000,
      },
    );
    return parseNvidiaSmi(stdout);
  } catch {
    return [];
  }
}

/**
 * The GPUs this control plane may assign, and who holds each. Assignment picks `count` free devices of
 * the first type in the endpoint's priority list that has enough (any type when the list is empty), so
 * a device is never given to two workers.
 */
export class GpuInventory {
  private readonly holders = new Map<string, string>();

  constructor(readonly devices: readonly GpuDevice[]) {}

  /** Every device with its holder. */
  list(): (GpuDevice & { workerId: string | null })[] {
    return this.devices.map((device) => ({ ...device, workerId: this.holders.get(device.id) ?? null }));
  }

  /** Reserves `count` devices for a worker, or returns undefined when none of the types has enough free. */
  assign(workerId: string, count: number, typePriority: readonly string[]): string[] | undefined {
    const free = this.devices.filter((device) => !this.holders.has(device.id));
    const types = typePriority.length > 0 ? typePriority : [undefined];
    for (const type of types) {
      const candidates = free.filter((device) => type === undefined || device.type === type);
      if (candidates.length >= count) {
        const chosen = candidates.slice(0, count).map((device) => device.id);
        for (const id of chosen) {
          this.holders.set(id, workerId);
        }
        return chosen;
      }
    }
    return undefined;
  }

  /** Marks devices as held (a worker adopted after a restart). */
  hold(workerId: string, ids: readonly string[]): void {
    for (const id of ids) {
      this.holders.set(id, workerId);
    }
  }

  /** Frees every device a worker holds. */
  release(workerId: string): void {
    for (const [id, holder] of this.holders) {
      if (holder === workerId) {
        this.holders.delete(id);
      }
    }
  }
}

/** What a GPU endpoint asks of the inventory for each worker. */
export interface GpuDemand {
  gpuCount: number;
  /** Acceptable types in priority order; empty means any type. */
  gpuTypeIds: readonly string[];
}

/**
 * Why a GPU endpoint's workers can never get their GPUs on this control plane (no type it accepts has
 * `gpuCount` devices, held or free), or undefined when they only wait for GPUs to be freed. Without it, a
 * worker of an endpoint created without `computeType` (a GPU endpoint) on a host without GPUs sits
 * THROTTLED with nothing saying why.
 */
export function gpuShortfall(demand: GpuDemand, devices: readonly GpuDevice[]): string | undefined {
  const types = demand.gpuTypeIds.length > 0 ? demand.gpuTypeIds : [undefined];
  const counts = types.map((type) => devices.filter((device) => type === undefined || device.type === type).length);
  if (counts.some((count) => count >= demand.gpuCount)) {
    return undefined;
  }
  const wanted =
    demand.gpuTypeIds.length > 0
      ? `${demand.gpuCount} GPU(s) of type ${demand.gpuTypeIds.join(" or ")}`
      : `${demand.gpuCount} GPU(s)`;
  const has =
    devices.length === 0
      ? "this control plane has no GPUs"
      : `this control plane has ${devices.length} GPU(s) (${[...new Set(devices.map((d) => d.type))].join(", ")})`;
  return (
    `the endpoint is a GPU endpoint (computeType GPU, the default) whose workers each need ${wanted}, but ${has}, ` +
    "so its workers wait THROTTLED: set computeType CPU for CPU-only workers, or give the control plane such GPUs " +
    "(detected with nvidia-smi, or declared with --gpus / RUNFLEET_GPUS)"
  );
}
