// Escrow balance and the funded-until estimate, the two numbers that say how long a deployment lives.
import { escrowMicro, formatDate, formatMicroUsd, formatRelative, fundedUntil } from "../format";
import type { ShownDeployment } from "../types";

export function EscrowFacts({ deployment }: { deployment: ShownDeployment }) {
  const until = fundedUntil(deployment);
  return (
    <>
      <div>
        <dt>Escrow balance</dt>
        <dd data-testid="escrow">{formatMicroUsd(escrowMicro(deployment))}</dd>
      </div>
      <div>
        <dt>Funded until</dt>
        <dd data-testid="funded-until">
          {until ? (
            <>
              about {formatDate(until)} <span class="muted">({formatRelative(until)})</span>
            </>
          ) : deployment.deployment.state === "active" ? (
            "no lease is being paid yet"
          ) : (
            "closed"
          )}
        </dd>
      </div>
    </>
  );
}
