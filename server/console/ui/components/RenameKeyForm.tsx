// Inline rename of one key: Enter saves, Escape cancels, focus starts in the field.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Api } from "../api";
import { describeError } from "../errors";
import type { ApiKey } from "../types";

interface Props {
  api: Api;
  apiKey: ApiKey;
  onDone: (renamed: ApiKey | undefined) => void;
}

export function RenameKeyForm({ api, apiKey, onDone }: Props) {
  const [name, setName] = useState(apiKey.name);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const fieldId = `rename-${apiKey.id}`;

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setError("The name cannot be empty.");
      return input.current?.focus();
    }
    setBusy(true);
    try {
      onDone(await api.renameKey(apiKey.id, trimmed));
    } catch (err) {
      setError(describeError(err, "rename the key"));
      setBusy(false);
    }
  }

  return (
    <form
      class="rename"
      onSubmit={submit}
      noValidate
      onKeyDown={(e) => {
        if (e.key === "Escape") onDone(undefined);
      }}
    >
      <label for={fieldId}>New name for “{apiKey.name}”</label>
      <input
        id={fieldId}
        ref={input}
        value={name}
        maxLength={200}
        autocomplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fieldId}-error` : undefined}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      {error ? (
        <p id={`${fieldId}-error`} class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Save name
        </button>
        <button type="button" onClick={() => onDone(undefined)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
