import { useState } from "react";
import { ErrorBanner, StatusPill } from "../components/ui.js";
import { formatMs, formatTime, json } from "../format.js";
import { useLoader } from "../hooks.js";
import type { Schemas, Session } from "../session.js";

const STATUSES: Schemas["JobStatusValue"][] = [
  "IN_QUEUE",
  "IN_PROGRESS",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMED_OUT",
];

/** The endpoint's retained jobs, filtered by status, with the detail of one. */
export function JobsTab(props: { session: Session; endpointId: string }) {
  const { runfleet } = props.session;
  const [status, setStatus] = useState<Schemas["JobStatusValue"] | "">("");
  const [selected, setSelected] = useState<string>();
  const jobs = useLoader(
    (signal) =>
      runfleet.endpoints.jobs(props.endpointId, { status: status === "" ? undefined : status, limit: 100 }, { signal }),
    `${props.endpointId}/${status}`,
    3000,
  );
  const job = jobs.data?.find((j) => j.id === selected);
  return (
    <div className="jobs split">
      <div>
        <label className="inline">
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value as Schemas["JobStatusValue"] | "")}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <ErrorBanner error={jobs.error} />
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Delay</th>
              <th scope="col">Execution</th>
            </tr>
          </thead>
          <tbody>
            {(jobs.data ?? []).map((j) => (
              <tr key={j.id} aria-selected={j.id === selected} className={j.id === selected ? "selected" : undefined}>
                <td>
                  <button type="button" className="link mono" onClick={() => setSelected(j.id)}>
                    {j.id}
                  </button>
                </td>
                <td>
                  <StatusPill status={j.status} />
                </td>
                <td>{formatTime(j.createdAt)}</td>
                <td>{formatMs(j.delayTime)}</td>
                <td>{formatMs(j.executionTime)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {jobs.data?.length === 0 && <p className="muted">No jobs retained with this status.</p>}
      </div>
      {job && <JobDetail session={props.session} job={job} />}
    </div>
  );
}

function JobDetail(props: { session: Session; job: Schemas["JobRecord"] }) {
  const { runfleet, key } = props.session;
  const { job } = props;
  const deliveries = useLoader(async (signal) => {
    const answer = await runfleet.api.GET("/v1/endpoints/{endpointId}/jobs/{jobId}/webhook-deliveries", {
      params: { path: { endpointId: job.endpointId, jobId: job.id } },
      signal,
    });
    if (answer.error !== undefined || answer.data === undefined) {
      throw new Error(`webhook deliveries: ${answer.response.status}`);
    }
    return answer.data;
  }, job.id);
  const [actionError, setActionError] = useState<unknown>();
  const act = async (action: "cancel" | "retry") => {
    setActionError(undefined);
    try {
      const handle = runfleet.job(job.endpointId, job.id);
      await (action === "cancel" ? handle.cancel() : handle.retry());
    } catch (error) {
      setActionError(error);
    }
  };
  const terminal = job.status !== "IN_QUEUE" && job.status !== "IN_PROGRESS";
  return (
    <section className="detail" aria-labelledby="job-detail-title">
      <h2 id="job-detail-title">
        Job <span className="mono">{job.id}</span> <StatusPill status={job.status} />
      </h2>
      <dl className="facts">
        <dt>Created</dt>
        <dd>{formatTime(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(job.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(job.completedAt)}</dd>
        <dt>Worker</dt>
        <dd className="mono">{job.workerId ?? "–"}</dd>
        <dt>Retries</dt>
        <dd>{job.retries ?? 0}</dd>
        <dt>Low priority</dt>
        <dd>{job.lowPriority ? "yes" : "no"}</dd>
        {job.reason && (
          <>
            <dt>Waiting because</dt>
            <dd>{job.reason}</dd>
          </>
        )}
      </dl>
      <h3>{job.status === "IN_PROGRESS" ? "Progress" : "Output"}</h3>
      <pre className="code">{job.output === undefined ? "–" : json(job.output)}</pre>
      {job.error !== undefined && job.error !== null && (
        <>
          <h3>Error</h3>
          <pre className="code error">{typeof job.error === "string" ? job.error : json(job.error)}</pre>
        </>
      )}
      <h3>Webhook deliveries</h3>
      <ErrorBanner error={deliveries.error} />
      {deliveries.data?.length === 0 && <p className="muted">No webhook for this job.</p>}
      <ul>
        {(deliveries.data ?? []).map((d) => (
          <li key={d.id}>
            #{d.attempt} {d.state} {d.responseStatus ?? ""} {d.error ?? ""}{" "}
            <span className="muted">{formatTime(d.at)}</span>
          </li>
        ))}
      </ul>
      {key.scope !== "read" && (
        <div className="actions">
          <button type="button" disabled={terminal} onClick={() => act("cancel")}>
            Cancel job
          </button>
          <button
            type="button"
            disabled={job.status !== "FAILED" && job.status !== "TIMED_OUT"}
            onClick={() => act("retry")}
          >
            Retry job
          </button>
        </div>
      )}
      <ErrorBanner error={actionError} />
    </section>
  );
}
