import type { Kysely } from "kysely";
import type { ServerConfig } from "../config";
import type { Database } from "../db/schema";
import type { Clock, Fleet } from "../market";
import { AccountService } from "./accounts";
import { ActivityService } from "./activity";
import { ApiKeyService } from "./api-keys";
import { CertificateService } from "./certificates";
import { DeploymentSettingService } from "./deployment-settings";
import { DeploymentService } from "./deployments";
import { LeaseService } from "./leases";
import { OwnerDirectory, type MarketContext } from "./market-context";
import { UserService } from "./users";

export interface Services {
  db: Kysely<Database>;
  clock: Clock;
  apiKeys: ApiKeyService;
  users: UserService;
  owners: OwnerDirectory;
  certificates: CertificateService;
  deployments: DeploymentService;
  leases: LeaseService;
  activity: ActivityService;
  accounts: AccountService;
  deploymentSettings: DeploymentSettingService;
}

/** Wires every service to one store, clock, fleet and configuration. */
export function createServices(options: {
  db: Kysely<Database>;
  lockRows: boolean;
  /** The store's content version (SQLite), which enables the in-process read caches. */
  contentVersion?: () => number;
  clock: Clock;
  fleet: Fleet;
  config: ServerConfig;
}): Services {
  const { db, clock, config } = options;
  const now = () => clock.now();
  const apiKeys = new ApiKeyService({
    db,
    env: config.apiKeyEnv,
    now,
    ...(options.contentVersion ? { contentVersion: options.contentVersion } : {}),
  });
  const owners = new OwnerDirectory(db);
  const ctx: MarketContext = { ...options, owners };
  const deployments = new DeploymentService(ctx);
  return {
    db,
    clock,
    apiKeys,
    users: new UserService(db, apiKeys, now),
    owners,
    certificates: new CertificateService(db, now),
    deployments,
    leases: new LeaseService(ctx, deployments),
    activity: new ActivityService(ctx, deployments),
    accounts: new AccountService(ctx),
    deploymentSettings: new DeploymentSettingService(ctx),
  };
}
