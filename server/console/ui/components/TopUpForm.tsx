// Adds funds to a deployment's escrow from the account's credit. The amount is checked with the
// SDK's exact money parser, so what the user typed is what gets sent.
import { useRef, useState } from "preact/hooks";
import { usdToMicro, usdToWireNumber } from "../../../../sdk/money";
import type { Api } from "../api";
import { describeError } from "../errors";
import { escrowMicro, formatMicroUsd } from "../format";
import type { Deployment } from "../types";
import { ErrorText, StatusText } from "./Alert";

interface Props {
  api: Api;
  dseq: string;
  onDeposited: (deployment: Deployment) => void;
}

export function TopUpForm({ api, dseq, onDeposited }: Props) {
  const [amount, setAmount] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const problem = validateAmount(amount);
    setFieldError(problem);
    setError(undefined);
    setStatus(undefined);
    if (problem) return input.current?.focus();
    setBusy(true);
    try {
      const usd = usdToWireNumber(amount.trim());
      const updated = await api.deposit(dseq, usd);
      setAmount("");
      setStatus(
        `Added ${formatMicroUsd(usdToMicro(amount.trim()))}. The escrow now holds ${formatMicroUsd(escrowMicro(updated))}.`,
      );
      onDeposited(updated);
    } catch (err) {
      setError(describeError(err, "add funds"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="panel" onSubmit={submit} noValidate aria-labelledby="top-up-title">
      <h2 id="top-up-title">Add funds</h2>
      <p class="hint">
        Moves credit from your account into this deployment's escrow, extending how long it runs.
      </p>
      <div class="field">
        <label for="top-up-amount">Amount (US dollars)</label>
        <input
          id="top-up-amount"
          ref={input}
          inputMode="decimal"
          autocomplete="off"
          value={amount}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? "top-up-error" : undefined}
          onInput={(e) => setAmount(e.currentTarget.value)}
        />
        {fieldError ? (
          <p id="top-up-error" class="field-error">
            {fieldError}
          </p>
        ) : null}
      </div>
      <ErrorText message={error} />
      <StatusText message={status} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Adding…" : "Add funds"}
      </button>
    </form>
  );
}

function validateAmount(value: string): string | undefined {
  const text = value.trim().replace(/^\$/, "");
  if (!text) return "Enter an amount, for example 5 or 12.50.";
  try {
    if (BigInt(usdToMicro(text)) === 0n) return "The amount must be more than $0.";
  } catch {
    return "Enter a plain amount in dollars, for example 5 or 12.50 (no more than 6 decimals).";
  }
  return undefined;
}
