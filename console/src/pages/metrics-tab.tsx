import { useState } from "react";
import { type ChartMark, type ChartSeries, TimeChart } from "../components/time-chart.js";
import { ErrorBanner, Stat } from "../components/ui.js";
import { formatMs } from "../format.js";
import { useLoader } from "../hooks.js";
import type { Schemas, Session } from "../session.js";

/** The windows a person can pick, as RunPod's console offers them. */
const WINDOWS = [
  { id: "15m", label: "15 min", seconds: 15 * 60, refreshMs: 3000 },
  { id: "1h", label: "1 hour", seconds: 3600, refreshMs: 5000 },
  { id: "24h", label: "24 hours", seconds: 86_400, refreshMs: 30_000 },
  { id: "7d", label: "7 days", seconds: 7 * 86_400, refreshMs: 60_000 },
] as const;

/** Colours of the worker states (also used by the pills), and of percentiles. */
const STATE_COLORS: Record<string, string> = {
  RUNNING: "#2563eb",
  IDLE: "#16a34a",
  INITIALIZING: "#d97706",
  STANDBY: "#7c3aed",
  THROTTLED: "#db2777",
  UNHEALTHY: "#dc2626",
  STOPPING: "#64748b",
};
const P_COLORS = { p50: "#16a34a", p95: "#d97706", p99: "#dc2626" } as const;

/** The endpoint's metric history as charts over a chosen window, with scaling events on the time axis. */
export function MetricsTab(props: { session: Session; endpointId: string }) {
  const { runfleet } = props.session;
  const [windowId, setWindowId] = useState<(typeof WINDOWS)[number]["id"]>("15m");
  const selected = WINDOWS.find((w) => w.id === windowId) ?? WINDOWS[0];
  const loaded = useLoader(
    async (signal) => {
      const [metrics, events] = await Promise.all([
        runfleet.endpoints.metrics(props.endpointId, { windowSeconds: selected.seconds }, { signal }),
        runfleet.endpoints.scalingEvents(props.endpointId, { limit: 1000 }, { signal }),
      ]);
      return { metrics, events };
    },
    `${props.endpointId}/${selected.id}`,
    selected.refreshMs,
  );
  const metrics = loaded.data?.metrics;
  const range: [number, number] = metrics
    ? [Date.parse(metrics.from) / 1000, Date.parse(metrics.to) / 1000]
    : [Date.now() / 1000 - selected.seconds, Date.now() / 1000];
  const marks: ChartMark[] = (loaded.data?.events ?? [])
    .map((event) => ({ at: Date.parse(event.at) / 1000, label: `${event.action}: ${event.reason}` }))
    .filter((mark) => mark.at >= range[0] && mark.at <= range[1]);
  const points = metrics?.points ?? [];
  const x = points.map((p) => Date.parse(p.at) / 1000);
  const states = [...new Set(points.flatMap((p) => Object.keys(p.workers)))].sort();
  const percentiles = (pick: (p: Schemas["MetricBucket"]) => Schemas["Percentiles"]): ChartSeries[] =>
    (["p50", "p95", "p99"] as const).map((q) => ({
      label: q,
      color: P_COLORS[q],
      values: points.map((p) => pick(p)[q]),
    }));
  return (
    <div className="metrics">
      <div className="toolbar">
        <fieldset className="segmented">
          <legend className="sr-only">Window</legend>
          {WINDOWS.map((w) => (
            <label key={w.id} className={w.id === selected.id ? "on" : undefined}>
              <input
                type="radio"
                name="window"
                value={w.id}
                checked={w.id === selected.id}
                onChange={() => setWindowId(w.id)}
              />
              {w.label}
            </label>
          ))}
        </fieldset>
        <span className="muted">
          {metrics ? `${metrics.stepSeconds} s per point · ${marks.length} scaling events (dashed lines)` : "Loading…"}
        </span>
      </div>
      <ErrorBanner error={loaded.error} />
      {metrics && (
        <section className="stats" aria-label="Summary over the window">
          <Stat
            label="Delay p50 / p95"
            value={`${formatMs(metrics.delayTime.p50)} / ${formatMs(metrics.delayTime.p95)}`}
          />
          <Stat
            label="Execution p50 / p95"
            value={`${formatMs(metrics.executionTime.p50)} / ${formatMs(metrics.executionTime.p95)}`}
          />
          <Stat label="Cold starts" value={`${metrics.coldStarts.count} (p50 ${formatMs(metrics.coldStarts.p50)})`} />
          <Stat label="Utilization" value={`${Math.round(metrics.utilization * 100)}%`} />
          <Stat
            label="Jobs done / failed"
            value={`${points.reduce((s, p) => s + p.jobsCompleted, 0)} / ${points.reduce((s, p) => s + p.jobsFailed, 0)}`}
          />
        </section>
      )}
      <div className="charts">
        <TimeChart
          title="Active workers by state"
          x={x}
          range={range}
          marks={marks}
          series={states.map((state) => ({
            label: state,
            color: STATE_COLORS[state] ?? "#64748b",
            fill: true,
            values: points.map((p) => p.workers[state] ?? 0),
          }))}
        />
        <TimeChart
          title="Queue depth"
          x={x}
          range={range}
          marks={marks}
          series={[
            { label: "mean", color: "#2563eb", fill: true, values: points.map((p) => p.queueDepth) },
            { label: "max", color: "#dc2626", values: points.map((p) => p.queueDepthMax) },
          ]}
        />
        <TimeChart
          title="Delay time (queued → taken)"
          unit=" ms"
          x={x}
          range={range}
          marks={marks}
          series={percentiles((p) => p.delayTime)}
        />
        <TimeChart
          title="Execution time"
          unit=" ms"
          x={x}
          range={range}
          marks={marks}
          series={percentiles((p) => p.executionTime)}
        />
        <TimeChart
          title="Worker utilization"
          unit="%"
          x={x}
          range={range}
          marks={marks}
          series={[
            {
              label: "busy share of ready workers",
              color: "#7c3aed",
              fill: true,
              values: points.map((p) => (p.utilization === null ? null : Math.round(p.utilization * 100))),
            },
          ]}
        />
        <TimeChart
          title="Cold starts"
          x={x}
          range={range}
          marks={marks}
          series={[
            { label: "count", color: "#d97706", values: points.map((p) => p.coldStarts) },
            {
              label: "p50 duration (s)",
              color: "#0891b2",
              values: points.map((p) => nullableSeconds(p.coldStartTime.p50)),
            },
          ]}
        />
        <TimeChart
          title="Jobs completed and failed"
          x={x}
          range={range}
          marks={marks}
          series={[
            { label: "completed", color: "#16a34a", fill: true, values: points.map((p) => p.jobsCompleted) },
            { label: "failed", color: "#dc2626", fill: true, values: points.map((p) => p.jobsFailed) },
          ]}
        />
      </div>
      {marks.length > 0 && (
        <details className="events">
          <summary>Scaling events in the window ({marks.length})</summary>
          <ul>
            {(loaded.data?.events ?? [])
              .filter((e) => Date.parse(e.at) / 1000 >= range[0])
              .map((e) => (
                <li key={e.id}>
                  <time dateTime={e.at}>{new Date(e.at).toLocaleTimeString()}</time> <strong>{e.action}</strong>{" "}
                  {e.workerId ?? ""} — {e.reason}
                </li>
              ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function nullableSeconds(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 100) / 10;
}
