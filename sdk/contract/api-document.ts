// What an API offers, read from its own OpenAPI document (`GET /v1/doc`, public on the live Console
// and on the reference server). One read tells a client which generation it talks to: PATCH of the
// stored definition, names, runtime limits, sealed secrets, leases without a manifest, and a
// published minimum deposit. Not in the route table: no server has to serve it, and a client that
// cannot read it assumes the AEP-63 surface, which every generation still accepts.
import { z } from "zod";
import { defineRoute } from "./route";

export const ApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.unknown()),
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()).optional() }).optional(),
});
export type ApiDocument = z.infer<typeof ApiDocumentSchema>;

export const getApiDocumentRoute = defineRoute({
  operationId: "getApiDocument",
  method: "get",
  path: "/v1/doc",
  summary: "The API's OpenAPI document",
  tags: ["Documentation"],
  successStatus: 200,
  response: ApiDocumentSchema,
  errorStatuses: [404],
  retrySafe: true,
  public: true,
});

export interface ApiOfferings {
  /** False when the document could not be read: the AEP-63 surface is assumed. */
  documented: boolean;
  /** `PATCH /v1/deployments/{dseq}` with `ifManifestVersion` (else `PUT` replaces the SDL). */
  patchDeployment: boolean;
  /** Fields `POST /v1/deployments` takes in `data` (`sdl`, `deposit`, `name`, `runtimeLimitHours`...). */
  createFields: ReadonlySet<string>;
  /** Runtime limits: set at create and extended by `PATCH /v2/deployment-settings/{dseq}`. */
  runtimeLimits: boolean;
  /** `GET /v1/sdl-secrets-context` and `sealedSecrets` on create. */
  sealedSecrets: boolean;
  /** `POST /v1/leases` requires the manifest (the API before it stored definitions). */
  leaseNeedsManifest: boolean;
  /** The smallest deposit (USD) `POST /v1/deployments` accepts, where the document publishes one. */
  minDepositUsd?: number;
}

/** What a client may assume of an API whose document it cannot read: the seeds' AEP-63 surface. */
export const AEP63_OFFERINGS: ApiOfferings = {
  documented: false,
  patchDeployment: false,
  createFields: new Set(["sdl", "deposit"]),
  runtimeLimits: false,
  sealedSecrets: false,
  leaseNeedsManifest: true,
};

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Follows `$ref`s into `components` (the only kind an OpenAPI generator writes). */
function resolver(doc: ApiDocument) {
  return function resolve(value: unknown): JsonObject | undefined {
    for (let depth = 0; isObject(value) && typeof value.$ref === "string" && depth < 10; depth++) {
      const [, , kind, name] = value.$ref.split("/");
      value =
        isObject(doc.components) && kind
          ? (doc.components[kind] as JsonObject | undefined)?.[name ?? ""]
          : undefined;
    }
    return isObject(value) ? value : undefined;
  };
}

function jsonBody(operation: unknown, resolve: (value: unknown) => JsonObject | undefined) {
  const content = resolve(resolve(resolve(operation)?.requestBody)?.content);
  return resolve(resolve(content?.["application/json"])?.schema);
}

const propertiesOf = (schema: JsonObject | undefined, resolve: (value: unknown) => JsonObject | undefined) =>
  resolve(schema?.properties) ?? {};

/** Reads the offerings from an OpenAPI 3.0 or 3.1 document. */
export function apiOfferings(doc: ApiDocument): ApiOfferings {
  const resolve = resolver(doc);
  const operation = (path: string, method: string) => resolve(resolve(doc.paths[path])?.[method]);
  const createBody = jsonBody(operation("/v1/deployments", "post"), resolve);
  const createData = resolve(propertiesOf(createBody, resolve).data);
  const createFields = propertiesOf(createData, resolve);
  const deposit = resolve(createFields.deposit);
  const leaseBody = jsonBody(operation("/v1/leases", "post"), resolve);
  const leaseRequired = Array.isArray(leaseBody?.required) ? leaseBody.required : [];
  const minimum = deposit?.minimum;
  return {
    documented: true,
    patchDeployment: operation("/v1/deployments/{dseq}", "patch") !== undefined,
    createFields: new Set(Object.keys(createFields)),
    runtimeLimits:
      "runtimeLimitHours" in createFields &&
      operation("/v2/deployment-settings/{dseq}", "patch") !== undefined,
    sealedSecrets:
      "sealedSecrets" in createFields && operation("/v1/sdl-secrets-context", "get") !== undefined,
    leaseNeedsManifest: leaseRequired.includes("manifest"),
    ...(typeof minimum === "number" && minimum > 0 ? { minDepositUsd: minimum } : {}),
  };
}
