import type { Kysely } from "kysely";
import { Migrator, type Migration, type MigrationProvider } from "kysely/migration";

/**
 * One list of migrations written with Kysely's schema builder, so SQLite and PostgreSQL stay in
 * step. Append new migrations; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  "0001_initial": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("users")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("email", "varchar(320)", (c) => c.notNull().unique())
        .addColumn("address", "varchar(64)", (c) => c.notNull().unique())
        .addColumn("credit_micro", "bigint", (c) => c.notNull())
        .addColumn("active_deployments", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("api_keys")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("hashed_key", "varchar(64)", (c) => c.notNull().unique())
        .addColumn("key_format", "varchar(128)", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint")
        .addColumn("last_used_at", "bigint")
        .execute();
      await db.schema
        .createIndex("api_keys_user")
        .on("api_keys")
        .columns(["user_id", "created_at"])
        .execute();

      await db.schema
        .createTable("certificates")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("serial", "varchar(64)", (c) => c.notNull())
        .addColumn("cert_pem", "text", (c) => c.notNull())
        .addColumn("pubkey_pem", "text", (c) => c.notNull())
        .addColumn("state", "varchar(16)", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("certificates_user")
        .on("certificates")
        .columns(["user_id", "created_at"])
        .execute();

      await db.schema
        .createTable("deployments")
        .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("dseq", "bigint", (c) => c.notNull())
        .addColumn("state", "varchar(16)", (c) => c.notNull())
        .addColumn("hash", "varchar(128)", (c) => c.notNull())
        .addColumn("sdl", "text", (c) => c.notNull())
        .addColumn("manifest", "text", (c) => c.notNull())
        .addColumn("groups_json", "text", (c) => c.notNull())
        .addColumn("created_height", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("manifest_updated_at", "bigint")
        .addColumn("manifest_generation", "integer", (c) => c.notNull())
        .addColumn("closed_height", "bigint")
        .addColumn("close_reason", "text")
        .addColumn("escrow_funds", "varchar(80)", (c) => c.notNull())
        .addColumn("escrow_transferred", "varchar(80)", (c) => c.notNull())
        .addColumn("escrow_settled_height", "bigint", (c) => c.notNull())
        .addColumn("escrow_rate", "varchar(80)", (c) => c.notNull())
        .addColumn("escrow_dry_height", "bigint")
        .addPrimaryKeyConstraint("deployments_pk", ["user_id", "dseq"])
        .execute();
      // Listing pages through a user's active deployments newest first.
      await db.schema
        .createIndex("deployments_user_state")
        .on("deployments")
        .columns(["user_id", "state", "dseq"])
        .execute();
      // Finds active deployments whose escrow ran dry since they were last written.
      await db.schema
        .createIndex("deployments_user_dry")
        .on("deployments")
        .columns(["user_id", "state", "escrow_dry_height"])
        .execute();

      // Every manifest a deployment has had (1 at creation, +1 per in-place update), for events and logs.
      await db.schema
        .createTable("manifest_versions")
        .addColumn("user_id", "varchar(36)", (c) => c.notNull())
        .addColumn("dseq", "bigint", (c) => c.notNull())
        .addColumn("generation", "integer", (c) => c.notNull())
        .addColumn("groups_json", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("manifest_versions_pk", ["user_id", "dseq", "generation"])
        .addForeignKeyConstraint(
          "manifest_versions_deployment",
          ["user_id", "dseq"],
          "deployments",
          ["user_id", "dseq"],
          (c) => c.onDelete("cascade"),
        )
        .execute();

      await db.schema
        .createTable("escrow_deposits")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("user_id", "varchar(36)", (c) => c.notNull())
        .addColumn("dseq", "bigint", (c) => c.notNull())
        .addColumn("height", "bigint", (c) => c.notNull())
        .addColumn("amount", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addForeignKeyConstraint(
          "escrow_deposits_deployment",
          ["user_id", "dseq"],
          "deployments",
          ["user_id", "dseq"],
          (c) => c.onDelete("cascade"),
        )
        .execute();
      await db.schema
        .createIndex("escrow_deposits_deployment")
        .on("escrow_deposits")
        .columns(["user_id", "dseq"])
        .execute();

      await db.schema
        .createTable("bids")
        .addColumn("user_id", "varchar(36)", (c) => c.notNull())
        .addColumn("dseq", "bigint", (c) => c.notNull())
        .addColumn("gseq", "integer", (c) => c.notNull())
        .addColumn("oseq", "integer", (c) => c.notNull())
        .addColumn("provider", "varchar(64)", (c) => c.notNull())
        .addColumn("bseq", "integer", (c) => c.notNull())
        .addColumn("state", "varchar(16)", (c) => c.notNull())
        .addColumn("price_amount", "varchar(80)", (c) => c.notNull())
        .addColumn("created_height", "bigint", (c) => c.notNull())
        .addColumn("visible_at", "bigint", (c) => c.notNull())
        .addColumn("resources_json", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("bids_pk", ["user_id", "dseq", "gseq", "oseq", "provider"])
        .addForeignKeyConstraint(
          "bids_deployment",
          ["user_id", "dseq"],
          "deployments",
          ["user_id", "dseq"],
          (c) => c.onDelete("cascade"),
        )
        .execute();

      await db.schema
        .createTable("leases")
        .addColumn("user_id", "varchar(36)", (c) => c.notNull())
        .addColumn("dseq", "bigint", (c) => c.notNull())
        .addColumn("gseq", "integer", (c) => c.notNull())
        .addColumn("oseq", "integer", (c) => c.notNull())
        .addColumn("provider", "varchar(64)", (c) => c.notNull())
        .addColumn("bseq", "integer", (c) => c.notNull())
        .addColumn("state", "varchar(24)", (c) => c.notNull())
        .addColumn("price_amount", "varchar(80)", (c) => c.notNull())
        .addColumn("created_height", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("closed_height", "bigint")
        .addColumn("reason", "text")
        .addPrimaryKeyConstraint("leases_pk", ["user_id", "dseq", "gseq", "oseq", "provider"])
        .addForeignKeyConstraint(
          "leases_deployment",
          ["user_id", "dseq"],
          "deployments",
          ["user_id", "dseq"],
          (c) => c.onDelete("cascade"),
        )
        .execute();

      await db.schema
        .createTable("idempotency_keys")
        .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("key", "varchar(255)", (c) => c.notNull())
        .addColumn("request_hash", "varchar(64)", (c) => c.notNull())
        .addColumn("status", "integer", (c) => c.notNull())
        .addColumn("response_body", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("idempotency_keys_pk", ["user_id", "key"])
        .execute();

      await db.schema
        .createTable("deployment_settings")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("dseq", "bigint", (c) => c.notNull())
        .addColumn("auto_top_up_enabled", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("deployment_settings_user_dseq", ["user_id", "dseq"])
        .execute();
    },
  },
  "0002_idempotency_expiry": {
    // Claiming a key deletes the user's expired keys: this index makes that touch only those rows.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex("idempotency_keys_user_created")
        .on("idempotency_keys")
        .columns(["user_id", "created_at"])
        .execute();
    },
  },
  "0003_console_api_2026_11": {
    // Names, runtime limits, sealed secrets and the keys that protect them (issue 14).
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("deployments").addColumn("name", "text").execute();
      await db.schema.alterTable("deployments").addColumn("runtime_limit_hours", "integer").execute();
      // Null until a lease anchors the limit (epoch ms).
      await db.schema.alterTable("deployments").addColumn("runtime_ends_at", "bigint").execute();

      // A deployment's secret values: names in clear (the console shows them), values encrypted.
      await db.schema
        .createTable("deployment_secrets")
        .addColumn("user_id", "varchar(36)", (c) => c.notNull())
        .addColumn("dseq", "bigint", (c) => c.notNull())
        .addColumn("names_json", "text", (c) => c.notNull())
        .addColumn("ciphertext", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("deployment_secrets_pk", ["user_id", "dseq"])
        .addForeignKeyConstraint(
          "deployment_secrets_deployment",
          ["user_id", "dseq"],
          "deployments",
          ["user_id", "dseq"],
          (c) => c.onDelete("cascade"),
        )
        .execute();

      // The key pairs clients seal secrets to: the newest unretired one is live.
      await db.schema
        .createTable("sealing_keys")
        .addColumn("kid", "varchar(64)", (c) => c.primaryKey())
        .addColumn("public_jwk", "text", (c) => c.notNull())
        .addColumn("private_key", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("retired_at", "bigint")
        .execute();

      // Server-wide values: the check of the secrets key, and the key itself when the database
      // keeps it (PostgreSQL without --secrets-key, so that replicas share it).
      await db.schema
        .createTable("server_secrets")
        .addColumn("name", "varchar(64)", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; safe to run from several processes (Kysely locks the migration table). */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
