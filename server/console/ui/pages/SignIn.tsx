// Sign-in: the user pastes an API key; it is checked against the API before it is kept.
import { useState } from "preact/hooks";
import { ApiError, createApi } from "../api";
import { ErrorText } from "../components/Alert";
import { describeError } from "../errors";

interface Props {
  notice: string | undefined;
  onSignedIn: (key: string) => void;
}

export function SignIn({ notice, onSignedIn }: Props) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError("Enter your API key. It starts with “ac.sk.”.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await createApi(trimmed, () => undefined).listKeys();
      onSignedIn(trimmed);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? "That API key was not accepted. Check that you copied all of it and that it has not expired or been deleted."
          : describeError(err, "sign in"),
      );
      setBusy(false);
    }
  }

  return (
    <main id="main" class="signin">
      <h1>Sign in to the Akash console</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          aria-describedby="api-key-hint"
          aria-invalid={error ? true : undefined}
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          required
        />
        <p id="api-key-hint" class="hint">
          Your key is kept in this browser tab only and forgotten when you close it or sign out.
        </p>
        <ErrorText message={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
      <p class="hint">
        No key yet? Create one in the Akash Console (profile menu → API keys). On a reference server this
        prints a user's first key (add the server's <code>--data-dir</code> or <code>--database-url</code> if
        it was started with one):
      </p>
      <code class="command">akash-ref-api users create --email you@example.com --credit 100</code>
    </main>
  );
}
