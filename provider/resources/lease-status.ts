// Turns a provider's lease status (maps keyed by service name) into outputs with a stable order,
// so that refreshes and previews never see a spurious reordering.
import type { LeaseStatus } from "../../sdk";
import { exactKeys } from "./keys";

export interface ServiceOutput {
  name: string;
  uris: string[];
  replicas: number;
  readyReplicas: number;
  available: number;
  total: number;
}

export interface ForwardedPortOutput {
  service: string;
  port: number;
  externalPort: number;
  host: string;
}

export interface IpOutput {
  service: string;
  ip: string;
  port: number;
  externalPort: number;
  protocol: string;
}

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

/**
 * True when every expected service reports all its replicas ready. An empty `expected` means
 * "whatever the provider lists", which must then be at least one service.
 */
export function servicesReady(outputs: LeaseStatusOutputs, expected: string[]): boolean {
  const names = expected.length ? expected : outputs.services.map((s) => s.name);
  if (!names.length) return false;
  return names.every((name) => {
    const s = outputs.services.find((x) => x.name === name);
    if (!s) return false;
    const want = Math.max(1, s.replicas, s.total);
    return Math.max(s.readyReplicas, s.available) >= want;
  });
}

export const serviceOutputKeys = exactKeys<ServiceOutput>()([
  "name",
  "uris",
  "replicas",
  "readyReplicas",
  "available",
  "total",
]);
export const forwardedPortKeys = exactKeys<ForwardedPortOutput>()([
  "service",
  "port",
  "externalPort",
  "host",
]);
export const ipOutputKeys = exactKeys<IpOutput>()(["service", "ip", "port", "externalPort", "protocol"]);
