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

describe("PrometheusRegistry bound series", () => {
  it("counts and observes into the same series as inc and observe", () => {
    const registry = new PrometheusRegistry();
    const counter = registry.counter("requests_total", "Requests", { code: "200" });
    counter.inc();
    counter.inc(2);
    registry.inc("requests_total", "Requests", { code: "200" });
    const histogram = registry.histogram("latency_seconds", "Latency", { endpoint: "e" }, [0.01, 0.1, 1]);
    for (const value of [0.005, 0.01, 0.05, 2]) {
      histogram.observe(value);
    }
    registry.observe("latency_seconds", "Latency", { endpoint: "e" }, 0.5);
    const text = registry.render();
    expect(text).toContain('requests_total{code="200"} 4');
    expect(text).toContain('latency_seconds_bucket{endpoint="e",le="0.01"} 2');
    expect(text).toContain('latency_seconds_bucket{endpoint="e",le="0.1"} 3');
    expect(text).toContain('latency_seconds_bucket{endpoint="e",le="1"} 4');
    expect(text).toContain('latency_seconds_bucket{endpoint="e",le="+Inf"} 5');
    expect(text).toContain('latency_seconds_count{endpoint="e"} 5');
    expect(text).toContain('latency_seconds_sum{endpoint="e"} 2.565');
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
