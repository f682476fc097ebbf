// The reference API as a server with only the AEP-63 surface (the seeds; the live API before
// 2026-09): a loopback proxy that answers the newer routes and every PATCH 404 "Not Found", as a
// server without them does, and passes the rest on.
import { loopbackProxy, type LoopbackProxy } from "./loopback-proxy";

const NEWER_ROUTES =
  /^(\/v1\/doc|\/v1\/deployment-funding-config|\/v1\/sdl-secrets-context|\/v1\/deployment-names|\/v2\/)/;

export function aep63Api(referenceUrl: string): Promise<LoopbackProxy> {
  return loopbackProxy(referenceUrl, {
    answer: (method, path) =>
      NEWER_ROUTES.test(path) || method === "PATCH" ? { status: 404, body: "404 Not Found" } : undefined,
  });
}
