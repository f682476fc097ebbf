import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { ServerConfig } from "../config";
import type { ContentVersion } from "../db/connect";
import type { Database } from "../db/schema";
import type { Clock, Fleet } from "../market";
import { AccountService } from "./accounts";
import { ActivityService } from "./activity";
import { ApiKeyService } from "./api-keys";
import { CertificateService } from "./certificates";
import { DeploymentSettingService } from "./deployment-settings";
import { DeploymentService } from "./deployments";
import { LeaseService } from "./leases";
import { fundingPolicy } from "./escrow-ledger";
import { OwnerDirectory, type MarketContext, type SecretServices } from "./market-context";
import { DeploymentSecrets, SealingKeys, SealOpener } from "./secrets";
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
  secrets: SecretServices;
}

/** Wires every service to one store, clock, fleet and configuration. */
export function createServices(options: {
  db: Kysely<Database>;
  lockRows: boolean;
  /** The store's content version, which enables the in-process read caches. */
  contentVersion?: ContentVersion;
  clock: Clock;
  fleet: Fleet;
  config: ServerConfig;
  /**
   * The server's secrets key (see secrets.ts `loadSecretsKey`). Without it (CLI commands that do
   * not touch secrets) a throwaway key stands in.
   */
  secretsKey?: Buffer;
  /** Wall clock for seal expiry (default Date.now): seals are made with real time, whatever the chain's clock. */
  wallNow?: () => number;
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
  const secretsKey = options.secretsKey ?? randomBytes(32);
  const keys = new SealingKeys(db, secretsKey, now);
  const secrets: SecretServices = {
    keys,
    opener: new SealOpener(keys, options.wallNow ?? Date.now),
    store: new DeploymentSecrets(secretsKey),
  };
  const ctx: MarketContext = {
    db,
    lockRows: options.lockRows,
    ...(options.contentVersion ? { contentVersion: options.contentVersion } : {}),
    clock,
    fleet: options.fleet,
    config,
    owners,
    ledger: { policy: fundingPolicy(config, clock.blockTimeMs), clock },
    secrets,
  };
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
    deploymentSettings: new DeploymentSettingService(ctx, deployments),
    secrets,
  };
}
