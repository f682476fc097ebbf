// The create-key form. The expiry is checked here (it must be in the future) so the user hears about
// a mistake next to the field instead of from the server.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Api } from "../api";
import { describeError } from "../errors";
import type { CreatedApiKey } from "../types";
import { ErrorText } from "./Alert";

interface Props {
  api: Api;
  /** Focus the name field when shown again after the new-key panel closes. */
  focusOnMount: boolean;
  onCreated: (key: CreatedApiKey) => void;
}

export function CreateKeyForm({ api, focusOnMount, onCreated }: Props) {
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const [expiresError, setExpiresError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const expiresInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusOnMount) nameInput.current?.focus();
  }, [focusOnMount]);

  async function submit(e: Event) {
    e.preventDefault();
    const trimmed = name.trim();
    const problems = {
      name: trimmed ? undefined : "Give the key a name, for example the program that will use it.",
      expires: validateExpiry(expires),
    };
    setNameError(problems.name);
    setExpiresError(problems.expires);
    setError(undefined);
    if (problems.name) return nameInput.current?.focus();
    if (problems.expires) return expiresInput.current?.focus();

    setBusy(true);
    try {
      const created = await api.createKey(trimmed, expires ? new Date(expires).toISOString() : undefined);
      setName("");
      setExpires("");
      onCreated(created);
    } catch (err) {
      setError(describeError(err, "create the key"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="panel" onSubmit={submit} noValidate aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create a key</h2>
      <div class="field">
        <label for="key-name">Name</label>
        <input
          id="key-name"
          ref={nameInput}
          value={name}
          maxLength={200}
          autocomplete="off"
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? "key-name-error" : undefined}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        {nameError ? (
          <p id="key-name-error" class="field-error">
            {nameError}
          </p>
        ) : null}
      </div>
      <div class="field">
        <label for="key-expires">Expires (optional)</label>
        <input
          id="key-expires"
          ref={expiresInput}
          type="datetime-local"
          value={expires}
          aria-invalid={expiresError ? true : undefined}
          aria-describedby={expiresError ? "key-expires-hint key-expires-error" : "key-expires-hint"}
          onInput={(e) => setExpires(e.currentTarget.value)}
        />
        <p id="key-expires-hint" class="hint">
          Your local time. Leave empty for a key that does not expire.
        </p>
        {expiresError ? (
          <p id="key-expires-error" class="field-error">
            {expiresError}
          </p>
        ) : null}
      </div>
      <ErrorText message={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}

function validateExpiry(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "Enter a complete date and time, or leave the field empty.";
  if (date.getTime() <= Date.now()) return "The expiry must be in the future.";
  return undefined;
}
