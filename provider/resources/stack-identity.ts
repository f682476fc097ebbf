// StackIdentity: a random id made once per stack and kept in its state. Creation keys of the
// stack's deployments are derived from it, so that two stacks with the same organization, project,
// stack and resource names (two checkouts with their own backends, one API key) never share a
// deployment, while a re-run of an interrupted `up` of one stack derives the same keys and adopts
// what the interrupted run created. It calls no API and costs nothing.
import { randomUUID } from "node:crypto";
import type { ResourceFields, ResourceHandlers } from "./handler";

export type StackIdentityInputs = Record<string, never>;
export type StackIdentityOutputs = Record<string, never>;

export const stackIdentityFields = {
  token: "akash:index:StackIdentity",
  inputs: [],
  outputs: [],
  secretOutputs: [],
} as const satisfies ResourceFields;

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
