import { type FormEvent, type ReactNode, useState } from "react";
import { ErrorBanner, ReadOnlyNote } from "../components/ui.js";
import { fieldErrors, type Schemas, type Session } from "../session.js";

/** The editable settings as the form holds them (text, so that what a person typed reaches the API). */
interface Draft {
  workersMin: string;
  workersMax: string;
  idleTimeout: string;
  flashboot: boolean;
  scalerType: Schemas["ScalerType"];
  scalerValue: string;
  gpuTypeIds: string;
  gpuCount: string;
  executionTimeoutMs: string;
}

function draftOf(endpoint: Schemas["Endpoint"]): Draft {
  return {
    workersMin: String(endpoint.workersMin),
    workersMax: String(endpoint.workersMax),
    idleTimeout: String(endpoint.idleTimeout),
    flashboot: endpoint.flashboot,
    scalerType: endpoint.scalerType,
    scalerValue: String(endpoint.scalerValue),
    gpuTypeIds: endpoint.gpuTypeIds.join(", "),
    gpuCount: String(endpoint.gpuCount),
    executionTimeoutMs: String(endpoint.executionTimeoutMs),
  };
}

/** A number when the text is one; otherwise the text itself, so the API names what is wrong with it. */
function numberOrText(text: string): number {
  const trimmed = text.trim();
  return (trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed) as number;
}

/**
 * The autoscaling form, with RunPod's guidance beside each field. Validation is the API's: a refused save
 * shows each message of the problem document on the field it names.
 */
export function SettingsTab(props: { session: Session; endpoint: Schemas["Endpoint"]; onSaved: () => void }) {
  const { runfleet, canWrite } = props.session;
  const [draft, setDraft] = useState<Draft>(() => draftOf(props.endpoint));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(name: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setSaved(false);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setSaved(false);
    setFailure(undefined);
    setErrors({});
    try {
      const update: Schemas["EndpointUpdate"] = {
        workersMin: numberOrText(draft.workersMin),
        workersMax: numberOrText(draft.workersMax),
        idleTimeout: numberOrText(draft.idleTimeout),
        flashboot: draft.flashboot,
        scalerType: draft.scalerType,
        scalerValue: numberOrText(draft.scalerValue),
        gpuTypeIds: draft.gpuTypeIds
          .split(",")
          .map((id) => id.trim())
          .filter((id) => id !== ""),
        gpuCount: numberOrText(draft.gpuCount),
        executionTimeoutMs: numberOrText(draft.executionTimeoutMs),
      };
      const endpoint = await runfleet.endpoints.update(props.endpoint.id, update);
      setDraft(draftOf(endpoint));
      setSaved(true);
      props.onSaved();
    } catch (error) {
      const byField = fieldErrors(error);
      setErrors(byField);
      // Errors not about one of the form's fields are shown above it.
      if (Object.keys(byField).filter((f) => f in draft).length === 0) {
        setFailure(error);
      }
    } finally {
      setBusy(false);
    }
  };

  const numberField = (name: keyof Draft, label: string, help: ReactNode) => (
    <Field name={name} label={label} help={help} error={errors[name]}>
      <input
        id={`field-${name}`}
        name={name}
        inputMode="numeric"
        value={draft[name] as string}
        onChange={(e) => set(name, e.target.value)}
        disabled={!canWrite}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={`help-${name}${errors[name] ? ` error-${name}` : ""}`}
      />
    </Field>
  );

  return (
    <form className="settings" onSubmit={save} noValidate aria-labelledby="settings-title">
      <h2 id="settings-title">Autoscaling and workers</h2>
      {!canWrite && <ReadOnlyNote />}
      <ErrorBanner error={failure} />
      <div className="form-grid">
        {numberField(
          "workersMin",
          "Min workers",
          "Workers kept running even with no jobs: no cold start for the first requests, billed while idle. 0 scales to zero.",
        )}
        {numberField(
          "workersMax",
          "Max workers",
          "The most workers at once. Jobs beyond what they can take wait in the queue. Set it to the concurrency your GPUs allow.",
        )}
        {numberField(
          "idleTimeout",
          "Idle timeout (s)",
          "How long a worker with no job stays up before it is stopped (or kept as a FlashBoot standby). Longer avoids cold starts between bursts.",
        )}
        <Field
          name="scalerType"
          label="Scaler type"
          error={errors.scalerType}
          help="Queue delay adds workers while the oldest job has waited longer than the scaler value (seconds). Request count keeps ceil((queued + running) / scaler value) workers."
        >
          <select
            id="field-scalerType"
            value={draft.scalerType}
            onChange={(e) => set("scalerType", e.target.value as Schemas["ScalerType"])}
            disabled={!canWrite}
            aria-describedby="help-scalerType"
          >
            <option value="QUEUE_DELAY">Queue delay</option>
            <option value="REQUEST_COUNT">Request count</option>
          </select>
        </Field>
        {numberField(
          "scalerValue",
          draft.scalerType === "QUEUE_DELAY" ? "Scaler value (seconds of delay)" : "Scaler value (jobs per worker)",
          draft.scalerType === "QUEUE_DELAY"
            ? "Seconds the oldest job may wait before another worker is started."
            : "Jobs (queued plus running) each worker is expected to handle.",
        )}
        <Field
          name="flashboot"
          label="FlashBoot"
          error={errors.flashboot}
          help="Keep scaled-down workers paused as standbys and resume them in milliseconds instead of a cold start."
        >
          <input
            id="field-flashboot"
            type="checkbox"
            checked={draft.flashboot}
            onChange={(e) => set("flashboot", e.target.checked)}
            disabled={!canWrite}
            aria-describedby="help-flashboot"
          />
        </Field>
        <Field
          name="gpuTypeIds"
          label="GPU types"
          error={errors.gpuTypeIds}
          help="Acceptable GPU types in priority order, separated by commas (e.g. NVIDIA H100 80GB HBM3). Empty: any."
        >
          <input
            id="field-gpuTypeIds"
            value={draft.gpuTypeIds}
            onChange={(e) => set("gpuTypeIds", e.target.value)}
            disabled={!canWrite}
            aria-describedby="help-gpuTypeIds"
          />
        </Field>
        {numberField("gpuCount", "GPUs per worker", "GPUs each worker gets (for GPU endpoints).")}
        {numberField(
          "executionTimeoutMs",
          "Execution timeout (ms)",
          "A job running longer is stopped and marked TIMED_OUT. A job may ask for its own with policy.executionTimeout.",
        )}
      </div>
      <div className="actions">
        <button type="submit" disabled={!canWrite || busy}>
          {busy ? "Saving…" : "Save settings"}
        </button>
        {saved && (
          <span role="status" className="ok">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

function Field(props: {
  name: string;
  label: string;
  help: ReactNode;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`field${props.error ? " invalid" : ""}`}>
      <label htmlFor={`field-${props.name}`}>{props.label}</label>
      {props.children}
      <p id={`help-${props.name}`} className="help">
        {props.help}
      </p>
      {props.error && (
        <p id={`error-${props.name}`} className="field-error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}
