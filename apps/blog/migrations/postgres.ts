/**
 * The blog app's schema on PostgreSQL: the same tables as `migrations` in ../models.ts, with
 * identity ids, and full-text search in a `tsvector` column with a GIN index where SQLite
 * has its FTS5 table. Timestamps stay ISO-8601 text, as on SQLite.
 */
import { sql } from "kysely";
import type { Migration } from "../../../framework/database.ts";

export const postgresMigrations: readonly Migration[] = [
  {
    name: "0001_create_posts_and_comments",
    async up(db) {
      await db.schema
        .createTable("posts")
        .addColumn("id", "integer", (col) => col.primaryKey().generatedByDefaultAsIdentity())
        .addColumn("title", "text", (col) => col.notNull())
        .addColumn("slug", "text", (col) => col.notNull().unique())
        .addColumn("content", "text", (col) => col.notNull())
        .addColumn("author_id", "integer", (col) => col.notNull().references("users.id"))
        .addColumn("published", "integer", (col) => col.notNull().defaultTo(0))
        .addColumn("published_at", "text")
        .addColumn("created_at", "text", (col) => col.notNull())
        .addColumn("updated_at", "text", (col) => col.notNull())
        .execute();
      await db.schema.createIndex("posts_published").on("posts").columns(["published", "id"]).execute();
      await db.schema
        .createTable("comments")
        .addColumn("id", "integer", (col) => col.primaryKey().generatedByDefaultAsIdentity())
        .addColumn("post_id", "integer", (col) => col.notNull().references("posts.id").onDelete("cascade"))
        .addColumn("author_id", "integer", (col) => col.notNull().references("users.id"))
        .addColumn("text", "text", (col) => col.notNull())
        .addColumn("approved", "integer", (col) => col.notNull().defaultTo(0))
        .addColumn("created_at", "text", (col) => col.notNull())
        .execute();
      await db.schema.createIndex("comments_post").on("comments").columns(["post_id", "id"]).execute();
    },
  },
  {
    name: "0002_create_post_search",
    async up(db) {
      // `simple`: no stemming and no stop words, like FTS5's unicode61 tokenizer on SQLite.
      await db.schema
        .createTable("post_search")
        .addColumn("post_id", "integer", (col) => col.primaryKey().references("posts.id").onDelete("cascade"))
        .addColumn("document", sql`tsvector`, (col) => col.notNull())
        .execute();
      await sql`create index post_search_document on post_search using gin (document)`.execute(db);
      await db.schema
        .createTable("post_search_state")
        .addColumn("post_id", "integer", (col) => col.primaryKey())
        .addColumn("indexed_version", "text", (col) => col.notNull())
        .execute();
    },
  },
];
