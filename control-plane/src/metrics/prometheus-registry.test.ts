import { describe, expect, it } from "vitest";
import { percentiles } from "./percentiles.js";
import { PrometheusRegistry } from "./prometheus-registry.js";

describe("PrometheusRegistry", () => {
  it("renders counters, gauges from collectors and histograms", () => {
    const registry = new PrometheusRegistry();
    registry.inc("jobs_total", "Jobs", { endpoint: "ep_1" });
    registry.inc("jobs_total", "Jobs", { endpoint: "ep_1" }, 2);
    registry.collect(() => registry.set("queued", "Queued", { endpoint: 'a"b' }, 4));
    registry.observe("delay_seconds", "Delay", {}, 0.02, [0.01, 0.1]);
    const text = registry.render();
    expect(text).toContain('jobs_total{endpoint="ep_1"} 3');
    expect(text).toContain('queued{endpoint="a\\"b"} 4');
    expect(text).toContain('delay_seconds_bucket{le="0.01"} 0');
    expect(text).toContain('delay_seconds_bucket{le="0.1"} 1');
    expect(text).toContain('delay_seconds_bucket{le="+Inf"} 1');
    expect(text).toContain("delay_seconds_count 1");
    expect(text).toContain("# TYPE delay_seconds histogram");
  });
});

describe("percentiles", () => {
  it.each([
    [[], { p50: null, p90: null, p99: null, count: 0 }],
    [[5], { p50: 5, p90: 5, p99: 5, count: 1 }],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { p50: 5, p90: 9, p99: 10, count: 10 }],
  ])("of %j", (values, want) => {
    expect(percentiles(values)).toEqual(want);
  });
});
