// Construct for the Workload component: what the Node class (../workload.ts) does, for a program in
// any language. The engine calls Construct with the address of its resource monitor; the plugin
// registers the component there, then its Deployment and one Lease per placement group as the
// component's children (the plugin's own akash:index:* resources: the engine checks, creates,
// refreshes and deletes them through this plugin as if the program had declared them), and answers
// with the component's outputs. Talking to the monitor directly (its gRPC stubs ship in
// @pulumi/pulumi/proto) keeps the Node SDK's runtime out of the plugin; only what the Node SDK
// passes from a component to its children is passed on: the provider and `protect`.
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceMonitorClient } from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as res from "@pulumi/pulumi/proto/resource_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { isUnknown, UNKNOWN } from "../engine-values";
import { deploymentDescription } from "../resources/deployment";
import { leaseDescription } from "../resources/lease";
import { requireSdl } from "../resources/sdl";
import {
  deploymentInputNames,
  leaseInputNames,
  leaseName,
  pick,
  workloadDescription,
  workloadForwardedPorts,
  workloadIps,
  workloadServices,
  workloadUris,
  type LeaseRow,
} from "../resources/workload";
import type { ForwardedPortOutput, IpOutput } from "../resources/lease-status";
import { PACKAGE, tokenOf } from "../schema/describe";
import { unknownProperties } from "../schema/unknown-properties";
import { fromStruct, toStruct } from "./values";

export const WORKLOAD = tokenOf(workloadDescription);
const DEPLOYMENT = tokenOf(deploymentDescription);
const LEASE = tokenOf(leaseDescription);

/** A failure the engine shows as the Workload's: names the component and what to fix. */
export class ConstructError extends Error {}

type Raw = Record<string, unknown>;

interface Registered {
  urn: string;
  /** The resource's outputs as the engine sent them (secrets wrapped, unknowns as the placeholder). */
  outputs: Raw;
}

function register(monitor: ResourceMonitorClient, req: res.RegisterResourceRequest): Promise<Registered> {
  return new Promise((resolve, reject) =>
    monitor.registerResource(req, (err, reply) => {
      if (err) {
        reject(new ConstructError(`${req.getType()} ${req.getName()}: ${err.details || err.message}`));
        return;
      }
      resolve({ urn: reply.getUrn(), outputs: (reply.getObject()?.toJavaScript() ?? {}) as Raw });
    }),
  );
}

function registerOutputs(monitor: ResourceMonitorClient, urn: string, outputs: Struct): Promise<void> {
  const req = new res.RegisterResourceOutputsRequest().setUrn(urn).setOutputs(outputs);
  return new Promise((resolve, reject) =>
    monitor.registerResourceOutputs(req, (err) =>
      err ? reject(new ConstructError(`outputs of ${urn}: ${err.details || err.message}`)) : resolve(),
    ),
  );
}

/** The URNs each given input depends on, and all of them. */
function inputDependencies(req: rpc.ConstructRequest, names: string[]) {
  const byInput = new Map<string, string[]>();
  for (const name of names) {
    const urns = req.getInputdependenciesMap().get(name)?.getUrnsList() ?? [];
    if (urns.length) byInput.set(name, urns);
  }
  return byInput;
}

function childRequest(
  req: rpc.ConstructRequest,
  parent: string,
  type: string,
  name: string,
  inputs: Raw,
  dependencies: Map<string, string[]>,
): res.RegisterResourceRequest {
  const child = new res.RegisterResourceRequest()
    .setType(type)
    .setName(name)
    .setParent(parent)
    .setCustom(true)
    .setObject(Struct.fromJavaScript(inputs as Parameters<typeof Struct.fromJavaScript>[0]))
    // The provider the Workload was given (an explicit one), else the engine's default for akash;
    // named on each child as the Node SDK does (the engine would also take the parent's).
    .setProvider(req.getProvidersMap().get(PACKAGE) ?? "")
    .setAcceptsecrets(true)
    .setSupportspartialvalues(true)
    .setDependenciesList([...new Set([...dependencies.values()].flat())]);
  if (req.hasProtect()) child.setProtect(req.getProtect()!);
  for (const [key, urns] of dependencies) {
    child
      .getPropertydependenciesMap()
      .set(key, new res.RegisterResourceRequest.PropertyDependencies().setUrnsList(urns));
  }
  return child;
}

/** A Lease's outputs as the Workload's outputs take them; undefined while any is unknown (preview). */
function leaseRow(outputs: Raw): { row?: LeaseRow & Ports; secret: boolean } {
  const { values, secrets } = fromStruct(
    Struct.fromJavaScript(outputs as Parameters<typeof Struct.fromJavaScript>[0]),
  );
  const secret = ["gseq", "provider", "services", "forwardedPorts", "ips"].some((k) => secrets.has(k));
  const { gseq, provider, services, forwardedPorts = [], ips = [] } = values;
  const known = [gseq, provider, services, forwardedPorts, ips].every(
    (v) => v !== undefined && !JSON.stringify(v).includes(UNKNOWN),
  );
  return known
    ? { row: { gseq, provider, services, forwardedPorts, ips } as LeaseRow & Ports, secret }
    : { secret };
}

/** The Lease outputs the Workload's port and IP outputs merge. */
interface Ports {
  forwardedPorts: ForwardedPortOutput[];
  ips: IpOutput[];
}

/** Registers a Workload and its children with the engine's resource monitor; the Construct answer. */
export async function constructWorkload(req: rpc.ConstructRequest): Promise<rpc.ConstructResponse> {
  const name = req.getName();
  const inputs = (req.getInputs()?.toJavaScript() ?? {}) as Raw;
  const sdl = fromStruct(req.getInputs()).values.sdl;
  if (typeof sdl !== "string" || isUnknown(sdl)) {
    throw new ConstructError(
      `Workload ${name}: sdl must be a plain string, known when the program runs (its placement groups decide how many leases to make); ` +
        "for an SDL computed from other resources, use Deployment and Lease directly",
    );
  }
  const unknown = unknownProperties(workloadDescription, fromStruct(req.getInputs()).values);
  if (unknown.length) throw new ConstructError(`Workload ${name}: ${unknown.join("\n")}`);
  let groups;
  try {
    groups = requireSdl(sdl).groups;
  } catch (err) {
    throw new ConstructError(`Workload ${name}: sdl: ${err instanceof Error ? err.message : String(err)}`);
  }

  const monitor = new ResourceMonitorClient(req.getMonitorendpoint(), grpc.credentials.createInsecure());
  try {
    const component = new res.RegisterResourceRequest()
      .setType(req.getType())
      .setName(name)
      .setParent(req.getParent())
      .setCustom(false)
      .setObject(new Struct())
      .setDependenciesList(req.getDependenciesList())
      .setAliasesList(req.getAliasesList())
      .setAcceptsecrets(true)
      .setAliasspecs(true);
    if (req.hasProtect()) component.setProtect(req.getProtect()!);
    for (const [pkg, ref] of req.getProvidersMap().entries()) component.getProvidersMap().set(pkg, ref);
    const { urn } = await register(monitor, component);

    const deployment = await register(
      monitor,
      childRequest(
        req,
        urn,
        DEPLOYMENT,
        name,
        pick(inputs, deploymentInputNames),
        inputDependencies(req, deploymentInputNames),
      ),
    );
    const fromDeployment = new Map(
      ["dseq", "manifest"].map((k) => [k, [deployment.urn]] as [string, string[]]),
    );
    const leases = await Promise.all(
      groups.map((group) =>
        register(
          monitor,
          childRequest(
            req,
            urn,
            LEASE,
            leaseName(name, group),
            {
              dseq: deployment.outputs.dseq,
              manifest: deployment.outputs.manifest,
              gseq: group.gseq,
              ...pick(inputs, leaseInputNames),
            },
            new Map([...fromDeployment, ...inputDependencies(req, leaseInputNames)]),
          ),
        ),
      ),
    );

    const rows = leases.map((l) => leaseRow(l.outputs));
    const services = rows.every((r) => r.row)
      ? workloadServices(
          groups,
          rows.map((r) => r.row!),
        )
      : undefined;
    // dseq goes on as the engine sent it (secret or unknown stays so); a secret lease output makes
    // services and uris secret.
    const state = toStruct(
      {
        dseq: deployment.outputs.dseq ?? UNKNOWN,
        services: services ?? UNKNOWN,
        uris: services ? workloadUris(services) : UNKNOWN,
        forwardedPorts: services ? workloadForwardedPorts(rows.map((r) => r.row!.forwardedPorts)) : UNKNOWN,
        ips: services ? workloadIps(rows.map((r) => r.row!.ips)) : UNKNOWN,
      },
      rows.some((r) => r.secret) ? ["services", "uris", "forwardedPorts", "ips"] : [],
    );
    await registerOutputs(monitor, urn, state);

    const response = new rpc.ConstructResponse().setUrn(urn).setState(state);
    const leaseUrns = leases.map((l) => l.urn);
    for (const [key, urns] of [
      ["dseq", [deployment.urn]],
      ["services", leaseUrns],
      ["uris", leaseUrns],
      ["forwardedPorts", leaseUrns],
      ["ips", leaseUrns],
    ] as const) {
      response
        .getStatedependenciesMap()
        .set(key, new rpc.ConstructResponse.PropertyDependencies().setUrnsList([...urns]));
    }
    return response;
  } finally {
    monitor.close();
  }
}
