// The OpenAPI document at /v1/doc: generated from the contract's routes, plus what only this
// server's configuration knows. With AEP-63 funding the smallest deposit is published as the
// `minimum` of `deposit`, so a client can refuse a smaller one before it spends anything (the
// provider's preview does); with automatic funding the deposit is ignored and no minimum applies.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ServerConfig } from "../config";
import type { AppEnv } from "./app-env";

type Document = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;
type DocumentInfo = Parameters<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>[0];
type JsonObject = Record<string, unknown>;

/** The object at `path` (keys) inside `root`, when every step is an object. */
function at(root: unknown, path: string[]): JsonObject | undefined {
  let node = root;
  for (const key of path) node = node && typeof node === "object" ? (node as JsonObject)[key] : undefined;
  return node && typeof node === "object" ? (node as JsonObject) : undefined;
}

export function publishDepositMinimum(
  doc: Document,
  config: Pick<ServerConfig, "funding" | "minDepositUsd">,
) {
  if (config.funding !== "deposit" || config.minDepositUsd <= 0) return doc;
  const body = ["paths", "/v1/deployments", "post", "requestBody", "content", "application/json", "schema"];
  const deposit = at(doc, [...body, "properties", "data", "properties", "deposit"]);
  if (deposit) {
    delete deposit.exclusiveMinimum;
    deposit.minimum = config.minDepositUsd;
  }
  return doc;
}

export function apiDocumentRoute(app: OpenAPIHono<AppEnv>, config: ServerConfig, info: DocumentInfo) {
  app.get("/v1/doc", (c) => c.json(publishDepositMinimum(app.getOpenAPI31Document(info), config)));
}
