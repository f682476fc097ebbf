// A deployment's leases: provider, price, state and the service URIs the provider reports.
import { pricePerMonth } from "../format";
import type { ShownLease } from "../types";

export function Leases({ leases }: { leases: ShownLease[] }) {
  if (leases.length === 0)
    return <p class="muted">No lease yet: the deployment is waiting for a bid to be accepted.</p>;
  return (
    <ul class="leases">
      {leases.map((lease) => (
        <li key={`${lease.id.gseq}-${lease.id.oseq}-${lease.id.provider}`} class="lease">
          <dl class="facts">
            <div>
              <dt>Provider</dt>
              <dd class="mono wrap">{lease.id.provider}</dd>
            </div>
            <div>
              <dt>Price</dt>
              <dd>{pricePerMonth(lease.price)}</dd>
            </div>
            <div>
              <dt>Lease</dt>
              <dd>
                <span class={`state state-${lease.state}`}>{lease.state}</span>
                {lease.reason ? <span class="muted"> ({lease.reason})</span> : null}
              </dd>
            </div>
          </dl>
          <Services lease={lease} />
        </li>
      ))}
    </ul>
  );
}

function Services({ lease }: { lease: ShownLease }) {
  const services = Object.values(lease.status?.services ?? {});
  if (lease.state !== "active") return null;
  if (services.length === 0) return <p class="muted">The provider has not reported its services yet.</p>;
  return (
    <ul class="services">
      {services.map((s) => (
        <li key={s.name}>
          <span class="service-name">{s.name}</span>{" "}
          <span class="muted">
            {s.ready_replicas}/{s.total} ready
          </span>
          {s.uris.length > 0 ? (
            <ul class="uris">
              {s.uris.map((uri) => (
                <li key={uri}>
                  <a href={toUrl(uri)} target="_blank" rel="noopener noreferrer">
                    {uri}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
          {(lease.status?.forwarded_ports[s.name] ?? []).map((p) => (
            <p key={`${p.port}-${p.externalPort}`} class="muted">
              Port {p.port} is reachable at {p.host ?? "the provider"}:{p.externalPort}
            </p>
          ))}
        </li>
      ))}
    </ul>
  );
}

// Providers report bare host names; only http(s) links are rendered, never javascript: or data:.
function toUrl(uri: string): string {
  return /^https?:\/\//i.test(uri) ? uri : `http://${uri}`;
}
