import { type FormEvent, useEffect, useState } from "react";
import { href, useRoute } from "./hooks.js";
import { EndpointPage } from "./pages/endpoint-page.js";
import { EndpointsPage } from "./pages/endpoints-page.js";
import { KeysPage } from "./pages/keys-page.js";
import { SshKeysPage } from "./pages/ssh-keys-page.js";
import { TemplatesPage } from "./pages/templates-page.js";
import { describeError, resumeSession, type Session, signIn, signOut } from "./session.js";

type Theme = "light" | "dark" | "system";

/** Applies the chosen colour scheme (kept in local storage: it is not a secret). */
function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(
    () => (localStorage.getItem("runfleet.console.theme") as Theme) ?? "system",
  );
  useEffect(() => {
    localStorage.setItem("runfleet.console.theme", theme);
    if (theme === "system") {
      delete document.documentElement.dataset.theme;
    } else {
      document.documentElement.dataset.theme = theme;
    }
  }, [theme]);
  return [theme, setTheme];
}

/** The console: sign-in, then the pages under a navigation bar. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [theme, setTheme] = useTheme();
  useEffect(() => {
    // resumeSession answers undefined for a key it cannot use; anything else unexpected signs out too.
    resumeSession().then(
      (resumed) => setSession(resumed ?? null),
      () => setSession(null),
    );
  }, []);
  if (session === undefined) {
    return <p className="loading">Loading…</p>;
  }
  if (session === null) {
    return <SignIn onSignedIn={setSession} />;
  }
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href={href("endpoints")}>
          Runfleet
        </a>
        <nav aria-label="Main">
          <NavLink to="endpoints">Endpoints</NavLink>
          <NavLink to="templates">Templates</NavLink>
          <NavLink to="keys">API keys</NavLink>
          <NavLink to="ssh-keys">SSH keys</NavLink>
        </nav>
        <div className="who">
          <span className="badge" title="The scope of the key you signed in with">
            {session.key.name} · {session.key.scope}
          </span>
          <label className="theme">
            <span className="sr-only">Colour scheme</span>
            <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
              <option value="system">System theme</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <button
            type="button"
            onClick={() => {
              signOut();
              setSession(null);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main>
        <Page session={session} />
      </main>
    </div>
  );
}

function NavLink(props: { to: string; children: string }) {
  const route = useRoute();
  const active = (route[0] ?? "endpoints") === props.to;
  return (
    <a href={href(props.to)} aria-current={active ? "page" : undefined}>
      {props.children}
    </a>
  );
}

function Page({ session }: { session: Session }) {
  const route = useRoute();
  switch (route[0] ?? "endpoints") {
    case "templates":
      return <TemplatesPage session={session} />;
    case "keys":
      return <KeysPage session={session} />;
    case "ssh-keys":
      return <SshKeysPage session={session} />;
    case "endpoints":
      return route[1] ? (
        <EndpointPage session={session} endpointId={route[1]} tab={route[2] ?? "metrics"} />
      ) : (
        <EndpointsPage session={session} />
      );
    default:
      return (
        <p role="alert">
          No page here. <a href={href("endpoints")}>Go to the endpoints</a>.
        </p>
      );
  }
}

function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(key.trim()));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Runfleet console</h1>
        <p className="muted">
          Sign in with an API key. It is kept in this tab's session storage only, and sent as a header, never in a URL.
          A <em>read</em> key sees everything and changes nothing.
        </p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "api-key-error" : undefined}
          required
        />
        {error && (
          <p id="api-key-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || key.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
