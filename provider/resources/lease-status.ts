// Turns a provider's lease status (maps keyed by service name) into outputs with a stable order,
// so that refreshes and previews never see a spurious reordering. When a lease counts as ready is
// the sdk's rule (servicesReady in sdk/deploy/leases.ts), on the status as the API reports it.
import type { LeaseStatus } from "../../sdk";
import { objectType, t, type ShapeOf } from "../schema/describe";

export const serviceType = objectType("Service", "A service of a lease, as its provider reports it.", {
  name: t.string("Service name from the SDL."),
  uris: t.array("string", "Host names serving the service's global HTTP ports, sorted."),
  replicas: t.integer("Replicas wanted."),
  readyReplicas: t.integer("Replicas ready."),
  available: t.integer("Replicas available."),
  total: t.integer("Replicas in total."),
});

export const forwardedPortType = objectType(
  "ForwardedPort",
  "A global port other than 80, forwarded by the provider.",
  {
    service: t.string("Service name."),
    port: t.integer("Container port."),
    externalPort: t.integer("Port on the provider's host."),
    host: t.string("Provider host name."),
  },
);

export const ipType = objectType("Ip", "A leased IP endpoint.", {
  service: t.string("Service name."),
  ip: t.string("IP address."),
  port: t.integer("Container port."),
  externalPort: t.integer("External port."),
  protocol: t.string("TCP or UDP."),
});

export type ServiceOutput = ShapeOf<typeof serviceType>;
export type ForwardedPortOutput = ShapeOf<typeof forwardedPortType>;
export type IpOutput = ShapeOf<typeof ipType>;

export interface LeaseStatusOutputs {
  services: ServiceOutput[];
  forwardedPorts: ForwardedPortOutput[];
  ips: IpOutput[];
}

const byName = <T>(record: Record<string, T>) =>
  Object.entries(record).sort(([a], [b]) => a.localeCompare(b));

export function statusOutputs(status: LeaseStatus | null | undefined): LeaseStatusOutputs {
  if (!status) return { services: [], forwardedPorts: [], ips: [] };
  const services = byName(status.services).map(([key, s]) => ({
    name: s.name || key,
    uris: [...s.uris].sort(),
    replicas: s.replicas,
    readyReplicas: s.ready_replicas,
    available: s.available,
    total: s.total,
  }));
  const forwardedPorts = byName(status.forwarded_ports)
    .flatMap(([service, ports]) =>
      ports.map((p) => ({ service, port: p.port, externalPort: p.externalPort, host: p.host ?? "" })),
    )
    .sort((a, b) => a.service.localeCompare(b.service) || a.port - b.port || a.externalPort - b.externalPort);
  const ips = byName(status.ips)
    .flatMap(([service, list]) =>
      list.map((i) => ({
        service,
        ip: i.IP,
        port: i.Port,
        externalPort: i.ExternalPort,
        protocol: i.Protocol,
      })),
    )
    .sort((a, b) => a.service.localeCompare(b.service) || a.ip.localeCompare(b.ip) || a.port - b.port);
  return { services, forwardedPorts, ips };
}
