import { type FormEvent, useState } from "react";
import { ErrorBanner, ReadOnlyNote } from "../components/ui.js";
import { formatTime } from "../format.js";
import { useLoader } from "../hooks.js";
import { fieldErrors, type Session } from "../session.js";

/** Templates (what workers run): listed, created and deleted. */
export function TemplatesPage({ session }: { session: Session }) {
  const { runfleet, canWrite } = session;
  const templates = useLoader((signal) => runfleet.templates.list({ signal }), "templates", 10_000);
  const [name, setName] = useState("");
  const [image, setImage] = useState("");
  const [command, setCommand] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setFailure(undefined);
    try {
      await runfleet.templates.create({
        name,
        ...(image.trim() ? { imageName: image.trim() } : {}),
        ...(command.trim() ? { command: command.trim().split(/\s+/) } : {}),
      });
      setName("");
      setImage("");
      setCommand("");
      templates.reload();
    } catch (error) {
      setErrors(fieldErrors(error));
      setFailure(error);
    }
  };
  const remove = async (id: string) => {
    setFailure(undefined);
    try {
      await runfleet.templates.delete(id);
      templates.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <section aria-labelledby="templates-title">
      <h1 id="templates-title">Templates</h1>
      <ErrorBanner error={templates.error ?? failure} />
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Image or command</th>
            <th scope="col">Created</th>
            {canWrite && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {(templates.data ?? []).map((t) => (
            <tr key={t.id}>
              <th scope="row">
                {t.name} <div className="muted mono">{t.id}</div>
              </th>
              <td className="mono">{t.imageName ?? t.command?.join(" ") ?? "–"}</td>
              <td>{formatTime(t.createdAt)}</td>
              {canWrite && (
                <td>
                  <button type="button" className="danger" onClick={() => remove(t.id)}>
                    Delete
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canWrite ? (
        <form className="inline-form" onSubmit={create} aria-labelledby="new-template-title">
          <h2 id="new-template-title">New template</h2>
          <label htmlFor="template-name">Name</label>
          <input
            id="template-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={errors.name ? true : undefined}
          />
          {errors.name && <p className="field-error">{errors.name}</p>}
          <label htmlFor="template-image">Image (for container workers)</label>
          <input id="template-image" value={image} onChange={(e) => setImage(e.target.value)} />
          {errors.imageName && <p className="field-error">{errors.imageName}</p>}
          <label htmlFor="template-command">Command (for process workers, space-separated)</label>
          <input id="template-command" className="mono" value={command} onChange={(e) => setCommand(e.target.value)} />
          {errors.command && <p className="field-error">{errors.command}</p>}
          <button type="submit">Create template</button>
        </form>
      ) : (
        <ReadOnlyNote />
      )}
    </section>
  );
}
