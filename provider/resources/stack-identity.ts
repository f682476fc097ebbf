// StackIdentity: a random id made once per stack and kept in its state. Creation keys of the
// stack's deployments are derived from it, so that two stacks with the same organization, project,
// stack and resource names (two checkouts with their own backends, one API key) never share a
// deployment, while a re-run of an interrupted `up` of one stack derives the same keys and adopts
// what the interrupted run created. It calls no API and costs nothing.
import { randomUUID } from "node:crypto";
import { resource, type InputsOf, type OutputsOf } from "../schema/describe";
import type { ResourceHandlers } from "./handler";

export const stackIdentityDescription = resource({
  name: "StackIdentity",
  description:
    "A random id made once per stack by its first Deployment and kept in its state; it calls no API and costs nothing. Deployments derive their creation Idempotency-Keys from it, so two stacks with the same project, stack and resource names (two checkouts with their own backends) never share a deployment, and a re-run of an interrupted `up` adopts what the interrupted run created instead of making a second one. Destroyed with the stack.",
  inputs: {},
  outputs: {},
});

export type StackIdentityInputs = InputsOf<typeof stackIdentityDescription>;
export type StackIdentityOutputs = OutputsOf<typeof stackIdentityDescription>;

export const stackIdentityHandlers: ResourceHandlers<StackIdentityInputs, StackIdentityOutputs> = {
  async check(_olds, news) {
    return { inputs: news, failures: [] };
  },
  async diff() {
    return { changes: false, replaces: [] };
  },
  async create() {
    return { id: randomUUID(), outs: {} };
  },
  async read(_ctx, id) {
    return { id, props: {} };
  },
  async update() {
    return {};
  },
  async delete() {},
};
