// Bodies shaped like the live API's answers, for client tests against fixture servers.
import type { BidListItem } from "../../contract/bids";
import type {
  Deployment,
  DeploymentListItem,
  EscrowAccount,
  LeaseWithStatus,
} from "../../contract/deployments";

export const OWNER = "akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63";
export const PROVIDER_A = "akash1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";
export const PROVIDER_B = "akash1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

export function escrow(dseq: string): EscrowAccount {
  return {
    id: { scope: "deployment", xid: `${OWNER}/${dseq}` },
    state: {
      owner: OWNER,
      state: "open",
      transferred: [{ denom: "uact", amount: "0" }],
      settled_at: "100",
      funds: [{ denom: "uact", amount: "5000000" }],
      deposits: [
        { owner: OWNER, height: "100", source: "grant", balance: { denom: "uact", amount: "5000000" } },
      ],
    },
  };
}

export function lease(dseq: string, provider: string, status: LeaseWithStatus["status"]): LeaseWithStatus {
  return {
    id: { owner: OWNER, dseq, gseq: 1, oseq: 1, provider, bseq: 1 },
    state: "active",
    price: { denom: "uact", amount: "1.500000000000000000" },
    created_at: "101",
    closed_on: "0",
    status,
  };
}

export function runningStatus(uri: string): NonNullable<LeaseWithStatus["status"]> {
  return {
    forwarded_ports: {},
    ips: {},
    services: {
      web: {
        name: "web",
        available: 1,
        total: 1,
        uris: [uri],
        observed_generation: 1,
        replicas: 1,
        updated_replicas: 1,
        ready_replicas: 1,
        available_replicas: 1,
      },
    },
  };
}

export function deployment(dseq: string, leases: LeaseWithStatus[] = [], state = "active"): Deployment {
  return {
    deployment: { id: { owner: OWNER, dseq }, state, hash: "aGFzaA==", created_at: "100" },
    leases,
    escrow_account: escrow(dseq),
  };
}

export function listItem(dseq: string): DeploymentListItem {
  const { deployment: info, escrow_account } = deployment(dseq);
  return { deployment: info, leases: [], escrow_account };
}

export function bid(dseq: string, provider: string, amount: string, state = "open", gseq = 1): BidListItem {
  return {
    bid: {
      id: { owner: OWNER, dseq, gseq, oseq: 1, provider, bseq: 1 },
      state,
      price: { denom: "uact", amount },
      created_at: "101",
      resources_offer: [
        {
          resources: {
            cpu: { units: { val: "500" }, attributes: [] },
            gpu: { units: { val: "0" }, attributes: [] },
            memory: { quantity: { val: "536870912" }, attributes: [] },
            storage: [{ name: "default", quantity: { val: "536870912" }, attributes: [] }],
            endpoints: [{ kind: "SHARED_HTTP", sequence_number: 0 }],
          },
          count: 1,
        },
      ],
    },
    escrow_account: escrow(dseq),
  };
}
