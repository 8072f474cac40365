import { createServer } from "node:net";

/** An inclusive range of TCP ports. */
export interface PortRange {
  first: number;
  last: number;
}

/** Parses `FIRST-LAST` (already validated by the config schema). */
export function parsePortRange(text: string): PortRange {
  const [first, last] = text.split("-").map(Number) as [number, number];
  return { first, last };
}

/**
 * Hands each load-balancing worker its own port from a range: workers run on host networking, so two
 * must never share one. A port is free when no known worker holds it and it can be bound on 127.0.0.1
 * right now (something else on the host may hold it). Ports are scanned from where the last one was
 * found, so that a port just given up is not handed out again at once.
 */
export class PortAllocator {
  private next: number;

  constructor(
    private readonly range: PortRange,
    /** Ports held by workers the control plane knows (adopted ones included). */
    private readonly held: () => Iterable<number>,
    /** Whether nothing else on the host holds a port (by default: it can be bound on 127.0.0.1 now). */
    private readonly free: (port: number) => Promise<boolean> = bindable,
  ) {
    this.next = range.first;
  }

  /** A free port; throws when the whole range is in use. */
  async allocate(): Promise<number> {
    const held = new Set(this.held());
    const size = this.range.last - this.range.first + 1;
    for (let i = 0; i < size; i++) {
      const port = this.next;
      this.next = port >= this.range.last ? this.range.first : port + 1;
      if (!held.has(port) && (await this.free(port))) {
        return port;
      }
    }
    throw new Error(
      `no free port in the load-balancing range ${this.range.first}-${this.range.last} (--lb-port-range)`,
    );
  }
}

/**
 * Whether a load-balancing endpoint's env (template's, then endpoint's) asks for `/ping` on a port of its
 * own: it sets `PORT_HEALTH` to something other than `PORT`, as RunPod's settings do. The numbers are the
 * app's own on RunPod; here each worker is given free ports from the range instead (host networking).
 */
export function wantsSeparateHealthPort(env: Readonly<Record<string, string>>): boolean {
  const health = env.PORT_HEALTH?.trim();
  return health !== undefined && health !== "" && health !== (env.PORT?.trim() ?? "");
}

/** Whether `port` can be bound on 127.0.0.1 now (nothing else on the host listens on it). */
export function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}
