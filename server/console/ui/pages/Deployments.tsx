// The deployments page: active deployments (or, in the closed view, the archive) with their name,
// state, escrow, runway, runtime limit and leases, newest first.
import type { Api } from "../api";
import { ErrorText } from "../components/Alert";
import { EscrowFacts } from "../components/Escrow";
import { Leases } from "../components/Leases";
import { RuntimeFact } from "../components/Runtime";
import { closeReasonText, deploymentTitle, formatMicroUsd, paidMicro } from "../format";
import { href } from "../router";
import type { DeploymentState, ShownDeployment } from "../types";
import { useLoad } from "../use-load";

const PAGE_SIZE = 10;

export function DeploymentsPage({ api, skip, state }: { api: Api; skip: number; state: DeploymentState }) {
  const page = useLoad(
    async () => {
      const list = await api.listDeployments(state, skip, PAGE_SIZE);
      // The live API's list leaves out lease status (and so the URIs); the detail has it.
      const deployments =
        state === "active"
          ? await Promise.all(list.deployments.map((d) => withStatus(api, d)))
          : list.deployments;
      return { ...list, deployments };
    },
    state === "active" ? "load your deployments" : "load your closed deployments",
    [api, skip, state],
  );

  const total = page.data?.pagination.total ?? 0;
  const hasMore = page.data?.pagination.hasMore ?? false;
  return (
    <section aria-labelledby="deployments-title">
      <div class="title-row">
        <h1 id="deployments-title">Deployments</h1>
        <button type="button" onClick={page.reload} disabled={page.loading}>
          {page.loading ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      <nav class="tabs" aria-label="Which deployments">
        <a href={href.deployments(0, "active")} aria-current={state === "active" ? "page" : undefined}>
          Active
        </a>
        <a href={href.deployments(0, "closed")} aria-current={state === "closed" ? "page" : undefined}>
          Closed
        </a>
      </nav>
      <p class="lead">
        {state === "active"
          ? "Your active deployments, newest first. Create them with the API, the SDK or Pulumi; here you can watch them, add funds and close them."
          : "Your closed deployments, newest first: why each closed, and what it cost."}
      </p>
      <ErrorText message={page.error} />
      {page.data === undefined ? (
        page.loading ? (
          <p>Loading deployments…</p>
        ) : null
      ) : page.data.deployments.length === 0 ? (
        <p>{state === "active" ? "You have no active deployments." : "You have no closed deployments."}</p>
      ) : (
        <ul class="deployments">
          {page.data.deployments.map((d) => (
            <DeploymentCard key={d.deployment.id.dseq} deployment={d} />
          ))}
        </ul>
      )}
      {skip > 0 || hasMore || total > PAGE_SIZE ? (
        <nav class="pager" aria-label="Pages of deployments">
          {skip > 0 ? (
            <a href={href.deployments(Math.max(0, skip - PAGE_SIZE), state)}>Previous page</a>
          ) : null}
          <span>
            {skip + 1}–{skip + (page.data?.deployments.length ?? 0)}
            {page.data?.pagination.total !== null && page.data?.pagination.total !== undefined
              ? ` of ${total}`
              : ""}
          </span>
          {hasMore ? <a href={href.deployments(skip + PAGE_SIZE, state)}>Next page</a> : null}
        </nav>
      ) : null}
    </section>
  );
}

function DeploymentCard({ deployment }: { deployment: ShownDeployment }) {
  const dseq = deployment.deployment.id.dseq;
  const closed = deployment.deployment.state !== "active";
  return (
    <li class="card" data-dseq={dseq}>
      <h2>
        <a href={href.deployment(dseq)}>{deploymentTitle(deployment)}</a>
      </h2>
      <dl class="facts">
        <div>
          <dt>Dseq</dt>
          <dd class="mono">{dseq}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>
            <span class={`state state-${deployment.deployment.state}`}>{deployment.deployment.state}</span>
            {closed && deployment.settings ? (
              <span class="muted" data-testid="close-reason">
                {" "}
                ({closeReasonText(deployment.settings.closeReason)})
              </span>
            ) : null}
          </dd>
        </div>
        <RuntimeFact deployment={deployment} />
        {closed ? (
          <div>
            <dt>Paid to providers</dt>
            <dd data-testid="paid">{formatMicroUsd(paidMicro(deployment))}</dd>
          </div>
        ) : (
          <EscrowFacts deployment={deployment} />
        )}
      </dl>
      <h3>Leases</h3>
      <Leases leases={deployment.leases} />
    </li>
  );
}

async function withStatus(api: Api, d: ShownDeployment): Promise<ShownDeployment> {
  const missing = d.leases.some((l) => l.state === "active" && l.status === undefined);
  if (!missing) return d;
  try {
    return await api.getDeployment(d.deployment.id.dseq);
  } catch {
    return d;
  }
}
