// The deployments page: each active deployment with its state, escrow, runway and leases.
import type { Api } from "../api";
import { ErrorText } from "../components/Alert";
import { EscrowFacts } from "../components/Escrow";
import { Leases } from "../components/Leases";
import { href } from "../router";
import type { ShownDeployment } from "../types";
import { useLoad } from "../use-load";

const PAGE_SIZE = 10;

export function DeploymentsPage({ api, skip }: { api: Api; skip: number }) {
  const page = useLoad(
    async () => {
      const list = await api.listDeployments(skip, PAGE_SIZE);
      // The live API's list leaves out lease status (and so the URIs); the detail has it.
      const deployments = await Promise.all(list.deployments.map((d) => withStatus(api, d)));
      return { ...list, deployments };
    },
    "load your deployments",
    [api, skip],
  );

  const total = page.data?.pagination.total ?? 0;
  return (
    <section aria-labelledby="deployments-title">
      <div class="title-row">
        <h1 id="deployments-title">Deployments</h1>
        <button type="button" onClick={page.reload} disabled={page.loading}>
          {page.loading ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      <p class="lead">
        Your active deployments. Create them with the API, the SDK or Pulumi; here you can watch them, add
        funds and close them.
      </p>
      <ErrorText message={page.error} />
      {page.data === undefined ? (
        page.loading ? (
          <p>Loading deployments…</p>
        ) : null
      ) : page.data.deployments.length === 0 ? (
        <p>You have no active deployments.</p>
      ) : (
        <ul class="deployments">
          {page.data.deployments.map((d) => (
            <DeploymentCard key={d.deployment.id.dseq} deployment={d} />
          ))}
        </ul>
      )}
      {total > PAGE_SIZE ? (
        <nav class="pager" aria-label="Pages of deployments">
          {skip > 0 ? <a href={href.deployments(Math.max(0, skip - PAGE_SIZE))}>Previous page</a> : null}
          <span>
            {skip + 1}–{Math.min(skip + PAGE_SIZE, total)} of {total}
          </span>
          {page.data?.pagination.hasMore || skip + PAGE_SIZE < total ? (
            <a href={href.deployments(skip + PAGE_SIZE)}>Next page</a>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}

function DeploymentCard({ deployment }: { deployment: ShownDeployment }) {
  const dseq = deployment.deployment.id.dseq;
  return (
    <li class="card" data-dseq={dseq}>
      <h2>
        <a href={href.deployment(dseq)}>Deployment {dseq}</a>
      </h2>
      <dl class="facts">
        <div>
          <dt>State</dt>
          <dd>
            <span class={`state state-${deployment.deployment.state}`}>{deployment.deployment.state}</span>
          </dd>
        </div>
        <EscrowFacts deployment={deployment} />
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
