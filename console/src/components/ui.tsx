import type { ReactNode } from "react";
import { describeError } from "../session.js";

/** A failed load or action, announced to screen readers. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (error === undefined || error === null) {
    return null;
  }
  return (
    <p className="banner error" role="alert">
      {describeError(error)}
    </p>
  );
}

/** A status value as a coloured pill (the text carries the meaning; colour only helps). */
export function StatusPill({ status }: { status: string }) {
  return <span className={`pill pill-${status.toLowerCase()}`}>{status}</span>;
}

/** A labelled figure in a row of figures. */
export function Stat(props: { label: string; value: ReactNode; title?: string }) {
  return (
    <div className="stat" title={props.title}>
      <span className="stat-label">{props.label}</span>
      <span className="stat-value">{props.value}</span>
    </div>
  );
}

/** Shown in place of a form when the key may not change anything. */
export function ReadOnlyNote() {
  return (
    <p className="banner info" role="note">
      Your key has scope <strong>read</strong>: you can look, not change. Sign in with an admin key to edit.
    </p>
  );
}
