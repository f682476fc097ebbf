// One engine run with the wire checked the way Console clients checked ours: `pulumi up` and
// `destroy` of the nginx example, every request on a path of the live Console API's published
// OpenAPI document going through Stoplight Prism (a validating proxy). Any violation fails.
import assert from "node:assert/strict";
import { test } from "node:test";
import { documentedThroughPrism } from "../../sdk/client/testing/prism";
import { openProject } from "./project";
import { referenceApi } from "./reference-api";

test("up and destroy of examples/nginx: every documented request and answer is valid against the live document", async () => {
  const ref = await referenceApi();
  const wire = await documentedThroughPrism(ref.server.url);
  const project = await openProject("examples/nginx", { url: wire.url, apiKey: ref.apiKey });
  try {
    await project.must(["up", "--yes", "--skip-preview"]);
    await project.must(["destroy", "--yes", "--skip-preview"]);
    assert.deepEqual((await ref.client.listDeployments()).deployments, [], "destroy closed the deployment");
    assert.deepEqual(wire.violations(), [], wire.log().slice(-4000));
    const through = wire
      .log()
      .split("\n")
      .filter((line) => /Request received/.test(line));
    assert.ok(
      ["post /v1/deployments", "get /v1/bids", "post /v1/leases", "delete /v1/deployments/"].every((route) =>
        through.some((line) => line.includes(route)),
      ),
      `create, bids, lease and close went through Prism:\n${through.join("\n")}`,
    );
  } finally {
    project.cleanup();
    await wire.close();
    await ref.close();
  }
});
