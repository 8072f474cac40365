import { type FormEvent, useState } from "react";
import { ErrorBanner, ReadOnlyNote } from "../components/ui.js";
import { formatTime } from "../format.js";
import { useLoader } from "../hooks.js";
import type { Schemas, Session } from "../session.js";

/**
 * SSH public keys of the SSH gateway (`runfleet serve --ssh-port`): listed, registered and removed. Admin
 * keys only, as in the API: a registered key opens a shell in any worker.
 */
export function SshKeysPage({ session }: { session: Session }) {
  const { runfleet, canWrite } = session;
  const keys = useLoader((signal) => (canWrite ? runfleet.sshKeys.list({ signal }) : Promise.resolve([])), "ssh-keys");
  const gateway = useLoader(
    (signal) => (canWrite ? runfleet.sshKeys.gateway({ signal }) : Promise.resolve(undefined)),
    "ssh-gateway",
  );
  const [name, setName] = useState("");
  const [publicKey, setPublicKey] = useState("");
  const [added, setAdded] = useState<Schemas["SshKey"]>();
  const [failure, setFailure] = useState<unknown>();
  if (!canWrite) {
    return (
      <section aria-labelledby="ssh-keys-title">
        <h1 id="ssh-keys-title">SSH keys</h1>
        <ReadOnlyNote />
      </section>
    );
  }
  const register = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    setAdded(undefined);
    try {
      setAdded(await runfleet.sshKeys.create({ name, publicKey: publicKey.trim() }));
      setName("");
      setPublicKey("");
      keys.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  const remove = async (key: Schemas["SshKey"]) => {
    if (!window.confirm(`Remove the SSH key "${key.name}"? The gateway refuses it from the next connection on.`)) {
      return;
    }
    setFailure(undefined);
    try {
      await runfleet.sshKeys.delete(key.id);
      keys.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <section aria-labelledby="ssh-keys-title">
      <h1 id="ssh-keys-title">SSH keys</h1>
      <p className="muted">The holders of these keys open a shell in any worker through the SSH gateway.</p>
      {gateway.data?.enabled === true && (
        <p data-testid="ssh-gateway">
          Connect with{" "}
          <code>
            ssh -p {gateway.data.port} &lt;workerId&gt;@{window.location.hostname}
          </code>
          ; the gateway's host key is <span className="mono">{gateway.data.hostKeyFingerprint}</span>.
        </p>
      )}
      {gateway.data?.enabled === false && (
        <p className="banner info" role="note" data-testid="ssh-gateway">
          The SSH gateway is off: start the control plane with <code>--ssh-port</code> (<code>RUNFLEET_SSH_PORT</code>)
          to use these keys.
        </p>
      )}
      <ErrorBanner error={keys.error ?? gateway.error ?? failure} />
      {added && (
        <div className="banner ok" role="status">
          <p>
            Key <strong>{added.name}</strong> registered: <span className="mono">{added.fingerprint}</span>.
          </p>
        </div>
      )}
      <form className="inline-form" onSubmit={register} aria-labelledby="new-ssh-key-title">
        <h2 id="new-ssh-key-title">Register a key</h2>
        <label htmlFor="ssh-key-name">Name</label>
        <input id="ssh-key-name" value={name} onChange={(e) => setName(e.target.value)} required />
        <label htmlFor="ssh-key-public">
          Public key (one line of <code>~/.ssh/id_ed25519.pub</code>, <code>id_ecdsa.pub</code> or{" "}
          <code>id_rsa.pub</code>)
        </label>
        <textarea
          id="ssh-key-public"
          className="mono"
          rows={3}
          spellCheck={false}
          value={publicKey}
          onChange={(e) => setPublicKey(e.target.value)}
          placeholder="ssh-ed25519 AAAA… you@laptop"
          required
        />
        <div>
          <button type="submit">Register key</button>
        </div>
      </form>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Fingerprint</th>
            <th scope="col">Registered</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(keys.data ?? []).map((key) => (
            <tr key={key.id} data-ssh-key={key.name}>
              <th scope="row">{key.name}</th>
              <td>{key.type}</td>
              <td className="mono">{key.fingerprint}</td>
              <td>{formatTime(key.createdAt)}</td>
              <td>{formatTime(key.lastUsedAt)}</td>
              <td>
                <button type="button" className="danger" onClick={() => remove(key)} aria-label={`Remove ${key.name}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
          {keys.data?.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No key registered yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
