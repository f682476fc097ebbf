// The Workload component (the Node class) with the real engine: what it outputs for an SDL of two groups.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "./harness";
import { openProject } from "./project";
import { referenceApi } from "./reference-api";

const fixture = path.join(repoRoot, "provider/engine-tests/fixtures/workload");

describe("Workload with the real engine", () => {
  test("every group's services, URIs, forwarded ports and IPs are the component's outputs, as the Leases report them", async () => {
    const ref = await referenceApi();
    const sdl = readFileSync(path.join(repoRoot, "examples/multi-service/deploy.yaml"), "utf8");
    const project = await openProject(fixture, { url: ref.server.url, apiKey: ref.apiKey }, { sdl });
    try {
      await project.must(["up", "--yes", "--skip-preview"]);
      const out = await project.outputs();
      assert.deepEqual(
        (out.services as { group: string; name: string }[]).map((s) => `${s.group}/${s.name}`),
        ["east/api", "west/cache"],
      );
      assert.ok((out.uris as string[]).length > 0, "the api's URI");
      const ports = out.forwardedPorts as {
        service: string;
        port: number;
        externalPort: number;
        host: string;
      }[];
      assert.deepEqual(
        ports.map((p) => [p.service, p.port]),
        [["cache", 6379]],
        "redis, in the west group, is forwarded",
      );
      assert.ok(ports[0]!.externalPort > 0 && ports[0]!.host, JSON.stringify(ports));
      // What the group's Lease reports, as it reports it.
      const deployment = await ref.client.getDeployment(String(out.dseq));
      const west = deployment.leases.find((l) => l.id.gseq === 2 && l.state === "active")!;
      assert.equal(ports[0]!.externalPort, west.status?.forwarded_ports.cache?.[0]?.externalPort);
      assert.deepEqual(out.ips, [], "no leased IPs in this SDL");
      await project.must(["preview", "--expect-no-changes"]);
      await project.must(["destroy", "--yes", "--skip-preview"]);
    } finally {
      project.cleanup();
      await ref.close();
    }
  });
});
