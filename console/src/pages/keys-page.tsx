import { type FormEvent, useState } from "react";
import { ErrorBanner, ReadOnlyNote } from "../components/ui.js";
import { formatTime } from "../format.js";
import { useLoader } from "../hooks.js";
import type { Schemas, Session } from "../session.js";

/** API keys: listed (admin only), created (the secret shown once) and revoked. */
export function KeysPage({ session }: { session: Session }) {
  const { runfleet, canWrite } = session;
  const keys = useLoader((signal) => runfleet.keys.list({ signal }), "keys");
  const [name, setName] = useState("");
  const [scope, setScope] = useState<Schemas["ApiKeyScope"]>("invoke");
  const [created, setCreated] = useState<Schemas["ApiKeyCreated"]>();
  const [failure, setFailure] = useState<unknown>();
  if (!canWrite) {
    return (
      <section aria-labelledby="keys-title">
        <h1 id="keys-title">API keys</h1>
        <ReadOnlyNote />
      </section>
    );
  }
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    try {
      setCreated(await runfleet.keys.create({ name, scope }));
      setName("");
      keys.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  const revoke = async (key: Schemas["ApiKey"]) => {
    if (!window.confirm(`Revoke the key "${key.name}"? Whoever uses it is refused at once.`)) {
      return;
    }
    setFailure(undefined);
    try {
      await runfleet.keys.revoke(key.id);
      keys.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <ErrorBanner error={keys.error ?? failure} />
      {created && (
        <div className="banner ok" role="status">
          <p>
            Key <strong>{created.name}</strong> created. Copy its secret now: it is not shown again.
          </p>
          <code className="secret" data-testid="new-key">
            {created.key}
          </code>
        </div>
      )}
      <form className="inline-form row" onSubmit={create} aria-labelledby="new-key-title">
        <h2 id="new-key-title">New key</h2>
        <label htmlFor="key-name">Name</label>
        <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} required />
        <label htmlFor="key-scope">Scope</label>
        <select id="key-scope" value={scope} onChange={(e) => setScope(e.target.value as Schemas["ApiKeyScope"])}>
          <option value="invoke">invoke: send jobs</option>
          <option value="read">read: look, change nothing</option>
          <option value="admin">admin: everything</option>
        </select>
        <button type="submit">Create key</button>
      </form>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scope</th>
            <th scope="col">Prefix</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {(keys.data ?? []).map((key) => (
            <tr key={key.id} data-key={key.name}>
              <th scope="row">{key.name}</th>
              <td>{key.scope}</td>
              <td className="mono">{key.prefix}…</td>
              <td>{formatTime(key.createdAt)}</td>
              <td>{formatTime(key.lastUsedAt)}</td>
              <td>
                {key.revokedAt ? (
                  <span className="muted">revoked {formatTime(key.revokedAt)}</span>
                ) : key.id === session.key.id ? (
                  <span className="muted">this session</span>
                ) : (
                  <button
                    type="button"
                    className="danger"
                    onClick={() => revoke(key)}
                    aria-label={`Revoke ${key.name}`}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
