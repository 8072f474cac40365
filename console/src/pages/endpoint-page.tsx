import type { KeyboardEvent } from "react";
import { ErrorBanner } from "../components/ui.js";
import { href, useLoader } from "../hooks.js";
import type { Session } from "../session.js";
import { JobsTab } from "./jobs-tab.js";
import { MetricsTab } from "./metrics-tab.js";
import { RequestsTab } from "./requests-tab.js";
import { SettingsTab } from "./settings-tab.js";
import { WorkersTab } from "./workers-tab.js";

const TABS = [
  { id: "metrics", label: "Metrics" },
  { id: "requests", label: "Requests" },
  { id: "jobs", label: "Jobs" },
  { id: "workers", label: "Workers" },
  { id: "settings", label: "Settings" },
] as const;

/** One endpoint, with its tabs. The tab is part of the hash, so it can be bookmarked and shared. */
export function EndpointPage(props: { session: Session; endpointId: string; tab: string }) {
  const { runfleet } = props.session;
  const endpoint = useLoader((signal) => runfleet.endpoints.get(props.endpointId, { signal }), props.endpointId, 5000);
  const tab = TABS.find((t) => t.id === props.tab) ?? TABS[0];
  // Arrow keys move between tabs, as the ARIA tabs pattern asks.
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const index = TABS.findIndex((t) => t.id === tab.id);
    const next =
      event.key === "ArrowRight"
        ? (index + 1) % TABS.length
        : event.key === "ArrowLeft"
          ? (index + TABS.length - 1) % TABS.length
          : -1;
    if (next >= 0) {
      event.preventDefault();
      window.location.hash = href("endpoints", props.endpointId, (TABS[next] as (typeof TABS)[number]).id);
      document.getElementById(`tab-${(TABS[next] as (typeof TABS)[number]).id}`)?.focus();
    }
  };
  return (
    <section aria-labelledby="endpoint-title">
      <p className="crumbs">
        <a href={href("endpoints")}>Endpoints</a> /
      </p>
      <h1 id="endpoint-title">
        {endpoint.data?.name ?? props.endpointId} <span className="muted mono">{props.endpointId}</span>
      </h1>
      {endpoint.data?.reason && (
        <p className="banner warn" role="status">
          Waiting: {endpoint.data.reason}
        </p>
      )}
      <ErrorBanner error={endpoint.error} />
      <div role="tablist" aria-label="Endpoint views" className="tabs" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <a
            key={t.id}
            id={`tab-${t.id}`}
            role="tab"
            aria-selected={t.id === tab.id}
            aria-controls="tab-panel"
            tabIndex={t.id === tab.id ? 0 : -1}
            href={href("endpoints", props.endpointId, t.id)}
          >
            {t.label}
          </a>
        ))}
      </div>
      <div id="tab-panel" role="tabpanel" aria-labelledby={`tab-${tab.id}`}>
        {tab.id === "metrics" && <MetricsTab session={props.session} endpointId={props.endpointId} />}
        {tab.id === "requests" && <RequestsTab session={props.session} endpointId={props.endpointId} />}
        {tab.id === "jobs" && <JobsTab session={props.session} endpointId={props.endpointId} />}
        {tab.id === "workers" && <WorkersTab session={props.session} endpointId={props.endpointId} />}
        {tab.id === "settings" &&
          (endpoint.data ? (
            <SettingsTab session={props.session} endpoint={endpoint.data} onSaved={endpoint.reload} />
          ) : (
            <p className="loading">Loading…</p>
          ))}
      </div>
    </section>
  );
}
