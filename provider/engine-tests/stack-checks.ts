// What money-safety checks compare after each step: the deployments active on the API and the
// ones a stack's state holds.
import type { AkashClient } from "../../sdk";
import type { Project } from "./project";

export async function activeDseqs(client: AkashClient): Promise<string[]> {
  return (await client.listDeployments({}, { retries: 10 })).deployments
    .map((d) => d.deployment.id.dseq)
    .sort();
}

/** The dseqs of the Deployments a stack's state holds (either adapter's type). */
export async function dseqsInState(project: Project): Promise<string[]> {
  const exported = JSON.parse((await project.must(["stack", "export"])).stdout) as {
    deployment: { resources?: { id?: string; urn: string }[] };
  };
  return (exported.deployment.resources ?? [])
    .filter((r) => /akash:(index:)?Deployment::/.test(r.urn) && r.id)
    .map((r) => r.id!)
    .sort();
}
