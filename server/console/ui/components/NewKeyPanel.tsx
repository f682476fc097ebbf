// Shows a freshly created key in full, once. The key is held only in this component's props: when
// the user presses Done it is gone from the page and cannot be shown again.
import { useEffect, useRef, useState } from "preact/hooks";
import type { CreatedApiKey } from "../types";

export function NewKeyPanel({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const [copyStatus, setCopyStatus] = useState("");

  useEffect(() => heading.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(created.apiKey);
      setCopyStatus("Copied to the clipboard.");
    } catch {
      input.current?.select();
      setCopyStatus("Could not copy automatically: the key is selected, press Ctrl+C (⌘C on a Mac).");
    }
  }

  return (
    <section class="panel new-key" aria-labelledby="new-key-title">
      <h2 id="new-key-title" ref={heading} tabIndex={-1}>
        Your new key “{created.name}”
      </h2>
      <p class="warn-text">
        <strong>Copy it now: you will not see this key again.</strong> Store it in a secret manager or your
        CI's secret variables.
      </p>
      <div class="copy-row">
        <label for="new-key-value" class="visually-hidden">
          New API key
        </label>
        <textarea
          id="new-key-value"
          ref={input}
          readOnly
          rows={2}
          spellcheck={false}
          value={created.apiKey}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="primary" onClick={copy}>
          Copy key
        </button>
      </div>
      <p role="status" class="status">
        {copyStatus}
      </p>
      <button type="button" onClick={onDone}>
        Done, I have stored it
      </button>
    </section>
  );
}
