/**
 * Table shapes as Kysely sees them. Times are epoch milliseconds, credit is integer micro-units
 * (BIGINT) and chain amounts are Dec strings, identical on SQLite and PostgreSQL so one repository
 * layer serves both.
 */
export interface UsersTable {
  id: string;
  email: string;
  address: string;
  credit_micro: number;
  /** Count of the user's deployments in state active, kept in the same transactions that change it. */
  active_deployments: number;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  hashed_key: string;
  key_format: string;
  name: string;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  last_used_at: number | null;
}

export interface CertificatesTable {
  id: string;
  user_id: string;
  serial: string;
  cert_pem: string;
  pubkey_pem: string;
  state: string;
  created_at: number;
}

export interface DeploymentsTable {
  user_id: string;
  dseq: number;
  state: string;
  hash: string;
  sdl: string;
  manifest: string;
  groups_json: string;
  created_height: number;
  created_at: number;
  /** When the last in-place SDL update replaced the manifest (null: never updated). */
  manifest_updated_at: number | null;
  /** Manifests sent so far: 1, plus one per in-place update (the status' observed_generation). */
  manifest_generation: number;
  closed_height: number | null;
  close_reason: string | null;
  /**
   * Escrow: what is left, what has been paid to providers, up to which height, at what rate per
   * block. Amounts are Dec integers (10^-18 micro-unit, see market/dec.ts) kept as decimal strings
   * because they exceed 64 bits.
   */
  escrow_funds: string;
  escrow_transferred: string;
  escrow_settled_height: number;
  escrow_rate: string;
  /**
   * The next block at which the stored row stops telling the truth without a write (null: never):
   * the escrow runs dry, an automatic top-up is due (`--funding auto`), or the runtime limit ends,
   * whichever comes first. Nothing changes between writes, so it is computed on each write; reads
   * and listings settle (and persist) a deployment once the chain has reached it.
   */
  escrow_dry_height: number | null;
  /** Shown wherever the deployment is listed (null: created before names were recorded). */
  name: string | null;
  /** Runtime limit in hours (null: always-on funding). */
  runtime_limit_hours: number | null;
  /** When the runtime limit ends (epoch ms); null until a lease anchors it. */
  runtime_ends_at: number | null;
}

export interface DeploymentSecretsTable {
  user_id: string;
  dseq: number;
  /** JSON array of the secret names, sorted (never values). */
  names_json: string;
  /** base64url(iv | tag | AES-256-GCM ciphertext) of the JSON name -> value map. */
  ciphertext: string;
  updated_at: number;
}

export interface SealingKeysTable {
  kid: string;
  /** The public RSA key as a JWK ({kty, n, e}). */
  public_jwk: string;
  /** base64url(iv | tag | AES-256-GCM ciphertext) of the PKCS#8 private key. */
  private_key: string;
  created_at: number;
  /** Set when rotated out: seals to it are refused (409). */
  retired_at: number | null;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: number;
}

export interface ManifestVersionsTable {
  user_id: string;
  dseq: number;
  generation: number;
  groups_json: string;
  created_at: number;
}

export interface EscrowDepositsTable {
  id: string;
  user_id: string;
  dseq: number;
  height: number;
  amount: number;
  created_at: number;
}

export interface BidsTable {
  user_id: string;
  dseq: number;
  gseq: number;
  oseq: number;
  provider: string;
  bseq: number;
  state: string;
  price_amount: string;
  created_height: number;
  visible_at: number;
  resources_json: string;
}

export interface LeasesTable {
  user_id: string;
  dseq: number;
  gseq: number;
  oseq: number;
  provider: string;
  bseq: number;
  state: string;
  price_amount: string;
  created_height: number;
  created_at: number;
  closed_height: number | null;
  reason: string | null;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  status: number;
  response_body: string;
  created_at: number;
}

export interface DeploymentSettingsTable {
  id: string;
  user_id: string;
  dseq: number;
  auto_top_up_enabled: number;
  created_at: number;
  updated_at: number;
}

export interface Database {
  users: UsersTable;
  api_keys: ApiKeysTable;
  certificates: CertificatesTable;
  deployments: DeploymentsTable;
  manifest_versions: ManifestVersionsTable;
  escrow_deposits: EscrowDepositsTable;
  bids: BidsTable;
  leases: LeasesTable;
  idempotency_keys: IdempotencyKeysTable;
  deployment_settings: DeploymentSettingsTable;
  deployment_secrets: DeploymentSecretsTable;
  sealing_keys: SealingKeysTable;
  server_secrets: ServerSecretsTable;
}
