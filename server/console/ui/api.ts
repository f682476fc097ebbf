// The console's only way to the server: the public /v1 API with the signed-in user's key in the
// x-api-key header, exactly like any other client.
import type {
  ApiKey,
  Balances,
  CreatedApiKey,
  Deployment,
  DeploymentDetail,
  DeploymentEvent,
  DeploymentPage,
  DeploymentState,
  LogEntry,
} from "./types";

/** An API answer that was not a success, with the server's own message and validation issues. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: { path: (string | number)[]; message: string }[],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The server could not be reached at all (offline, server stopped, connection reset). */
export class NetworkError extends Error {
  override name = "NetworkError";
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface Api {
  balances(): Promise<Balances>;
  listKeys(): Promise<ApiKey[]>;
  createKey(name: string, expiresAt: string | undefined): Promise<CreatedApiKey>;
  renameKey(id: string, name: string): Promise<ApiKey>;
  deleteKey(id: string): Promise<void>;
  listDeployments(state: DeploymentState, skip: number, limit: number): Promise<DeploymentPage>;
  getDeployment(dseq: string): Promise<DeploymentDetail>;
  deposit(dseq: string, usd: number): Promise<Deployment>;
  closeDeployment(dseq: string): Promise<void>;
  logs(dseq: string): Promise<LogEntry[]>;
  events(dseq: string): Promise<DeploymentEvent[]>;
}

/** `onUnauthorized` runs when the server rejects the key (deleted, expired), so the UI can sign out. */
export function createApi(apiKey: string, onUnauthorized: () => void): Api {
  async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          "x-api-key": apiKey,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch {
      throw new NetworkError("The server could not be reached.");
    }
    if (response.status === 401) onUnauthorized();
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    const json = (await response.json()) as { data: T };
    return json.data;
  }

  const dseqPath = (dseq: string) => encodeURIComponent(dseq);
  return {
    balances: () => call("GET", "/v1/balances"),
    listKeys: () => call("GET", "/v1/api-keys"),
    createKey: (name, expiresAt) => call("POST", "/v1/api-keys", { data: { name, expiresAt } }),
    renameKey: (id, name) => call("PATCH", `/v1/api-keys/${encodeURIComponent(id)}`, { data: { name } }),
    deleteKey: (id) => call("DELETE", `/v1/api-keys/${encodeURIComponent(id)}`),
    listDeployments: (state, skip, limit) =>
      call("GET", `/v1/deployments?state=${state}&reverse=true&skip=${skip}&limit=${limit}`),
    getDeployment: (dseq) => call("GET", `/v1/deployments/${dseqPath(dseq)}`),
    deposit: (dseq, usd) => call("POST", "/v1/deposit-deployment", { data: { dseq, deposit: usd } }),
    closeDeployment: async (dseq) => {
      await call("DELETE", `/v1/deployments/${dseqPath(dseq)}`);
    },
    logs: (dseq) => call("GET", `/v1/logs/${dseqPath(dseq)}`),
    events: (dseq) => call("GET", `/v1/events/${dseqPath(dseq)}`),
  };
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: { message?: unknown; error?: unknown; data?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // A non-JSON error (proxy page, empty body): the status alone has to explain it.
  }
  const message =
    typeof body.message === "string" ? body.message : typeof body.error === "string" ? body.error : "";
  const issues = Array.isArray(body.data)
    ? body.data.filter(
        (i): i is { path: (string | number)[]; message: string } =>
          typeof i === "object" && i !== null && Array.isArray(i.path) && typeof i.message === "string",
      )
    : [];
  return new ApiError(response.status, message, issues);
}
