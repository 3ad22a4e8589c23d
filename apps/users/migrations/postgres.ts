/**
 * The users app's schema on PostgreSQL: the same tables as `migrations` in ../models.ts,
 * with identity ids, and usernames unique whatever their case (SQLite's `collate nocase`).
 * Timestamps stay ISO-8601 text, as on SQLite, so that both engines return the same values.
 */
import { sql } from "kysely";
import type { Migration } from "../../../framework/database.ts";

export const postgresMigrations: readonly Migration[] = [
  {
    name: "0001_create_users",
    async up(db) {
      await db.schema
        .createTable("users")
        .addColumn("id", "integer", (col) => col.primaryKey().generatedByDefaultAsIdentity())
        .addColumn("username", "text", (col) => col.notNull())
        .addColumn("email", "text", (col) => col.notNull().unique())
        .addColumn("full_name", "text", (col) => col.notNull())
        .addColumn("password_hash", "text", (col) => col.notNull())
        .addColumn("is_active", "integer", (col) => col.notNull().defaultTo(1))
        .addColumn("created_at", "text", (col) => col.notNull())
        .execute();
      await sql`create unique index users_username_key on users (lower(username))`.execute(db);
      await db.schema
        .createTable("user_profiles")
        .addColumn("user_id", "integer", (col) => col.primaryKey().references("users.id").onDelete("cascade"))
        .addColumn("bio", "text", (col) => col.notNull().defaultTo(""))
        .addColumn("avatar_url", "text", (col) => col.notNull().defaultTo(""))
        .addColumn("website", "text", (col) => col.notNull().defaultTo(""))
        .execute();
    },
  },
  {
    name: "0002_create_email_outbox",
    async up(db) {
      await db.schema
        .createTable("email_outbox")
        .addColumn("id", "integer", (col) => col.primaryKey().generatedByDefaultAsIdentity())
        .addColumn("recipient", "text", (col) => col.notNull())
        .addColumn("subject", "text", (col) => col.notNull())
        .addColumn("body", "text", (col) => col.notNull())
        .addColumn("created_at", "text", (col) => col.notNull())
        .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
        .addColumn("next_attempt_at", "text", (col) => col.notNull())
        .addColumn("sent_at", "text")
        .addColumn("last_error", "text")
        .execute();
      await db.schema
        .createIndex("email_outbox_pending")
        .on("email_outbox")
        .columns(["sent_at", "next_attempt_at", "id"])
        .execute();
    },
  },
];
