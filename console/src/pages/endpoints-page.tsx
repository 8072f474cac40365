import { ErrorBanner, StatusPill } from "../components/ui.js";
import { formatMs } from "../format.js";
import { href, useLoader } from "../hooks.js";
import type { Schemas, Session } from "../session.js";

/** An endpoint with the live figures of its row. */
interface EndpointRow {
  endpoint: Schemas["Endpoint"];
  workers: Record<string, number>;
  queued: number;
  jobsPerMinute: number;
  p95: number | null;
}

/** How often the list refreshes. */
const REFRESH_MS = 3000;
/** The window of jobs/min and p95. */
const RECENT_SECONDS = 300;

/** Every endpoint with its workers by state, queue, throughput and latency, refreshed live. */
export function EndpointsPage({ session }: { session: Session }) {
  const { runfleet } = session;
  const rows = useLoader(
    async (signal): Promise<EndpointRow[]> => {
      const endpoints = await runfleet.endpoints.list({ signal });
      return Promise.all(
        endpoints.map(async (endpoint) => {
          const [workers, health, metrics] = await Promise.all([
            runfleet.workers.list(endpoint.id, { signal }),
            runfleet.endpoint(endpoint.id).health({ signal }),
            runfleet.endpoints.metrics(endpoint.id, { windowSeconds: RECENT_SECONDS }, { signal }),
          ]);
          const byStatus: Record<string, number> = {};
          for (const worker of workers) {
            byStatus[worker.status] = (byStatus[worker.status] ?? 0) + 1;
          }
          const finished = metrics.points.reduce((sum, p) => sum + p.jobsCompleted + p.jobsFailed, 0);
          const total = metrics.delayTime.p95 === null ? null : totalP95(metrics);
          return {
            endpoint,
            workers: byStatus,
            queued: health.jobs.inQueue,
            jobsPerMinute: Math.round((finished / (RECENT_SECONDS / 60)) * 10) / 10,
            p95: total,
          };
        }),
      );
    },
    "endpoints",
    REFRESH_MS,
  );
  return (
    <section aria-labelledby="endpoints-title">
      <h1 id="endpoints-title">Endpoints</h1>
      <ErrorBanner error={rows.error} />
      {rows.data === undefined && rows.error === undefined && <p className="loading">Loading…</p>}
      {rows.data && rows.data.length === 0 && <p>No endpoints yet: create one with the CLI, the SDK or Pulumi.</p>}
      {rows.data && rows.data.length > 0 && (
        <table className="grid" aria-describedby="endpoints-live">
          <caption id="endpoints-live" className="muted">
            Live, refreshed every {REFRESH_MS / 1000} s; jobs/min and p95 over the last {RECENT_SECONDS / 60} minutes.
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Driver</th>
              <th scope="col">Workers</th>
              <th scope="col">Queued</th>
              <th scope="col">Jobs/min</th>
              <th scope="col">p95 latency</th>
              <th scope="col">Waiting because</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.map((row) => (
              <tr key={row.endpoint.id} data-endpoint={row.endpoint.name}>
                <th scope="row">
                  <a href={href("endpoints", row.endpoint.id, "metrics")}>{row.endpoint.name}</a>
                  <div className="muted mono">{row.endpoint.id}</div>
                </th>
                <td>{row.endpoint.computeType}</td>
                <td>{row.endpoint.driver}</td>
                <td>
                  {Object.keys(row.workers).length === 0 ? (
                    <span className="muted">none (scaled to zero)</span>
                  ) : (
                    Object.entries(row.workers).map(([status, count]) => (
                      <span key={status} className="worker-count">
                        {count} <StatusPill status={status} />
                      </span>
                    ))
                  )}
                </td>
                <td data-queued>{row.queued}</td>
                <td>{row.jobsPerMinute}</td>
                <td>{formatMs(row.p95)}</td>
                <td className={row.endpoint.reason ? "warn" : "muted"}>{row.endpoint.reason ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The p95 of a request's whole time (delay plus execution), approximated by adding the two p95s. */
function totalP95(metrics: Schemas["EndpointMetrics"]): number | null {
  const delay = metrics.delayTime.p95;
  const execution = metrics.executionTime.p95;
  return delay === null ? null : delay + (execution ?? 0);
}
