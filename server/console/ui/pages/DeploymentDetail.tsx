// One deployment: name, facts (runtime left, why it closed), leases with their URIs, top-up, close,
// its secrets by name, and the provider's logs and events.
import { useState } from "preact/hooks";
import type { Api } from "../api";
import { EventsPanel, LogsPanel } from "../components/ActivityLog";
import { ErrorText, StatusText } from "../components/Alert";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { EscrowFacts } from "../components/Escrow";
import { Leases } from "../components/Leases";
import { RuntimeFact } from "../components/Runtime";
import { SecretsPanel } from "../components/Secrets";
import { TopUpForm } from "../components/TopUpForm";
import { describeError } from "../errors";
import { closeReasonText, deploymentTitle, escrowMicro, formatMicroUsd } from "../format";
import { href } from "../router";
import { useLoad } from "../use-load";

interface Props {
  api: Api;
  dseq: string;
  onMoneyMoved: () => void;
}

export function DeploymentDetailPage({ api, dseq, onMoneyMoved }: Props) {
  const loaded = useLoad(() => api.getDeployment(dseq), "load the deployment", [api, dseq]);
  const [confirming, setConfirming] = useState(false);
  const [closing, setClosing] = useState(false);
  const [closeError, setCloseError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const d = loaded.data;
  const active = d?.deployment.state === "active";

  async function close() {
    setClosing(true);
    try {
      await api.closeDeployment(dseq);
      setConfirming(false);
      setCloseError(undefined);
      setStatus(`Deployment ${dseq} is closed. The unspent escrow went back to your credit.`);
      loaded.reload();
      onMoneyMoved();
    } catch (e) {
      setConfirming(false);
      setCloseError(describeError(e, "close the deployment"));
    } finally {
      setClosing(false);
    }
  }

  return (
    <section aria-labelledby="deployment-title">
      <p class="breadcrumb">
        <a href={href.deployments()}>← All deployments</a>
      </p>
      <div class="title-row">
        <h1 id="deployment-title">{d ? deploymentTitle(d) : `Deployment ${dseq}`}</h1>
        <button type="button" onClick={loaded.reload} disabled={loaded.loading}>
          {loaded.loading ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      <ErrorText message={loaded.error ?? closeError} />
      <StatusText message={status} />
      {d === undefined ? (
        loaded.loading ? (
          <p>Loading deployment…</p>
        ) : null
      ) : (
        <>
          <dl class="facts panel">
            <div>
              <dt>Dseq</dt>
              <dd class="mono">{dseq}</dd>
            </div>
            <div>
              <dt>State</dt>
              <dd>
                <span class={`state state-${d.deployment.state}`} data-testid="deployment-state">
                  {d.deployment.state}
                </span>
                {!active && d.settings ? (
                  <span class="muted" data-testid="close-reason">
                    {" "}
                    ({closeReasonText(d.settings.closeReason)})
                  </span>
                ) : null}
              </dd>
            </div>
            <RuntimeFact deployment={d} />
            <div>
              <dt>Created at block</dt>
              <dd>{d.deployment.created_at}</dd>
            </div>
            <EscrowFacts deployment={d} />
          </dl>

          <h2>Leases</h2>
          <Leases leases={d.leases} />

          {active ? (
            <div class="split">
              <TopUpForm
                api={api}
                dseq={dseq}
                onDeposited={() => {
                  loaded.reload();
                  onMoneyMoved();
                }}
              />
              <section class="panel" aria-labelledby="close-title">
                <h2 id="close-title">Close the deployment</h2>
                <p class="hint">Stops its leases now. What is left in escrow goes back to your credit.</p>
                <button type="button" class="danger" onClick={() => setConfirming(true)}>
                  Close deployment
                </button>
              </section>
            </div>
          ) : (
            <p class="notice">This deployment is closed: it can no longer be funded.</p>
          )}

          <SecretsPanel deployment={d} />

          <div class="split">
            <LogsPanel api={api} dseq={dseq} />
            <EventsPanel api={api} dseq={dseq} />
          </div>

          <ConfirmDialog
            open={confirming}
            title={`Close ${d.name ? `“${d.name}” (${dseq})` : `deployment ${dseq}`}?`}
            confirmLabel="Close deployment"
            cancelLabel="Keep it running"
            busy={closing}
            onConfirm={close}
            onCancel={() => setConfirming(false)}
          >
            <p>
              Its services stop and its leases end now. The {formatMicroUsd(escrowMicro(d))} left in escrow
              returns to your credit. This cannot be undone.
            </p>
          </ConfirmDialog>
        </>
      )}
    </section>
  );
}
