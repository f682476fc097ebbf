import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { statusOutputs } from "./lease-status";

const svc = (name: string, ready: number, uris: string[]) => ({
  name,
  available: ready,
  total: 1,
  uris,
  observed_generation: 1,
  replicas: 1,
  updated_replicas: 1,
  ready_replicas: ready,
  available_replicas: ready,
});

describe("statusOutputs", () => {
  test("services, ports and IPs come out sorted whatever the provider's order", () => {
    const out = statusOutputs({
      services: { web: svc("web", 1, ["b.example", "a.example"]), api: svc("api", 0, []) },
      forwarded_ports: {
        web: [
          { port: 8080, externalPort: 31002, host: "p.example" },
          { port: 22, externalPort: 31001, host: "p.example" },
        ],
      },
      ips: { web: [{ IP: "10.0.0.2", Port: 80, ExternalPort: 80, Protocol: "TCP" }] },
    });
    assert.deepEqual(
      out.services.map((s) => [s.name, s.uris]),
      [
        ["api", []],
        ["web", ["a.example", "b.example"]],
      ],
    );
    assert.deepEqual(
      out.forwardedPorts.map((p) => p.port),
      [22, 8080],
    );
    assert.deepEqual(out.ips, [
      { service: "web", ip: "10.0.0.2", port: 80, externalPort: 80, protocol: "TCP" },
    ]);
    assert.deepEqual(statusOutputs(null), { services: [], forwardedPorts: [], ips: [] });
  });
});
