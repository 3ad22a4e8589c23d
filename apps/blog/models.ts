/**
 * Blog app models: posts, comments, and the full-text index of published posts that the
 * content indexer maintains.
 */
import { sql, type Generated, type Selectable } from "kysely";
import { model } from "../../framework/components.ts";
import type { Migration } from "../../framework/database.ts";

export interface PostTable {
  id: Generated<number>;
  title: string;
  /** URL-safe and unique, derived from the title. */
  slug: string;
  content: string;
  author_id: number;
  /** 1 or 0. */
  published: Generated<number>;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CommentTable {
  id: Generated<number>;
  post_id: number;
  author_id: number;
  text: string;
  /** 1 or 0. */
  approved: Generated<number>;
  created_at: string;
}

/** The FTS5 table: one row per published post, `rowid` = the post id. */
export interface PostSearchTable {
  rowid: number;
  title: string;
  content: string;
}

/** Which version of each post the FTS5 table holds, so a pass re-indexes only what changed. */
export interface PostSearchStateTable {
  post_id: number;
  /** The post's `updated_at` when it was indexed. */
  indexed_version: string;
}

declare module "../../framework/database.ts" {
  interface Tables {
    posts: PostTable;
    comments: CommentTable;
    post_search: PostSearchTable;
    post_search_state: PostSearchStateTable;
  }
}

/** A blog post; a draft until published. */
@model
export class Post {
  constructor(
    readonly id: number,
    readonly title: string,
    readonly slug: string,
    readonly content: string,
    readonly authorId: number,
    readonly published: boolean,
    readonly publishedAt: string | null,
    readonly createdAt: string,
    readonly updatedAt: string,
  ) {}

  static fromRow(row: Selectable<PostTable>): Post {
    return new Post(
      row.id,
      row.title,
      row.slug,
      row.content,
      row.author_id,
      row.published === 1,
      row.published_at,
      row.created_at,
      row.updated_at,
    );
  }

  toString(): string {
    return `Post(id=${this.id}, title=${this.title})`;
  }
}

/** A comment on a post; shown once approved. */
@model
export class Comment {
  constructor(
    readonly id: number,
    readonly postId: number,
    readonly authorId: number,
    readonly text: string,
    readonly approved: boolean,
    readonly createdAt: string,
  ) {}

  static fromRow(row: Selectable<CommentTable>): Comment {
    return new Comment(row.id, row.post_id, row.author_id, row.text, row.approved === 1, row.created_at);
  }

  toString(): string {
    return `Comment(id=${this.id}, post_id=${this.postId})`;
  }
}

/** The blog app's schema, run by the models startup hook (config/schema.ts). */
export const migrations: readonly Migration[] = [
  {
    name: "0001_create_posts_and_comments",
    async up(db) {
      await db.schema
        .createTable("posts")
        .addColumn("id", "integer", (col) => col.primaryKey().autoIncrement())
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
        .addColumn("id", "integer", (col) => col.primaryKey().autoIncrement())
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
      await sql`create virtual table post_search using fts5(title, content, tokenize = 'unicode61 remove_diacritics 2')`.execute(
        db,
      );
      await db.schema
        .createTable("post_search_state")
        .addColumn("post_id", "integer", (col) => col.primaryKey())
        .addColumn("indexed_version", "text", (col) => col.notNull())
        .execute();
    },
  },
];

export { postgresMigrations } from "./migrations/postgres.ts";
