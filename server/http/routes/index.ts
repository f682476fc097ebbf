import type { ServerConfig } from "../../config";
import type { Services } from "../../services/services";
import type { Handlers } from "../route-handler";
import { accountRoutes } from "./accounts";
import { activityRoutes } from "./activity";
import { apiKeyRoutes } from "./api-keys";
import { bidRoutes } from "./bids";
import { certificateRoutes } from "./certificates";
import { deploymentSettingRoutes } from "./deployment-settings";
import { deploymentRoutes } from "./deployments";
import { leaseRoutes } from "./leases";

/** The handler of every operation in the contract's route table, one endpoint group per file. */
export function contractRoutes(services: Services, config: ServerConfig): Handlers {
  return {
    ...apiKeyRoutes(services.apiKeys),
    ...certificateRoutes(services.certificates, services.owners),
    ...deploymentRoutes(services.deployments, services.secrets, config),
    ...bidRoutes(services.leases),
    ...leaseRoutes(services.leases),
    ...activityRoutes(services.activity),
    ...accountRoutes(services.accounts),
    ...deploymentSettingRoutes(services.deploymentSettings),
  };
}
