/**
 * Blog app services: posts, comments (which notify the post's author by email through the
 * users app's outbox) and full-text search over published posts.
 */
import { sql, type Selectable } from "kysely";
import { service } from "../../framework/components.ts";
import { isPostgres, now, writeTransaction, type Database } from "../../framework/database.ts";
import { NotFoundError, ValidationError } from "../../framework/errors.ts";
import { serviceContext, type ServiceOptions } from "../../framework/services.ts";
import { NotificationService, UserService } from "../users/services.ts";
import { Comment, Post, type PostTable } from "./models.ts";

const MAX_TITLE = 200;
const MAX_CONTENT = 100_000;
const MAX_COMMENT = 5_000;
const MAX_SLUG = 80;

export interface NewPost {
  readonly title: string;
  readonly content: string;
  readonly authorId: number;
}

export interface NewComment {
  readonly postId: number;
  readonly authorId: number;
  readonly text: string;
}

/** Writing, publishing and reading posts. */
@service
export class PostService {
  private readonly db: Database;
  private readonly log: (line: string) => void;

  constructor(options: ServiceOptions = {}) {
    ({ db: this.db, log: this.log } = serviceContext(options));
  }

  /**
   * Creates a draft with a unique URL-safe slug derived from its title.
   * @throws ValidationError for an empty or over-long title or content.
   * @throws NotFoundError when the author does not exist.
   */
  async createPost(input: NewPost): Promise<Post> {
    const title = input.title.trim();
    if (title === "") throw new ValidationError("title", "title must not be empty");
    if (title.length > MAX_TITLE) throw new ValidationError("title", `title must be at most ${MAX_TITLE} characters`);
    if (/[\r\n]/.test(title)) throw new ValidationError("title", "title must be one line");
    if (input.content.trim() === "") throw new ValidationError("content", "content must not be empty");
    if (input.content.length > MAX_CONTENT) {
      throw new ValidationError("content", `content must be at most ${MAX_CONTENT} characters`);
    }
    const post = await writeTransaction(this.db, async (trx) => {
      await new UserService({ db: trx }).getUser(input.authorId, "authorId");
      const slug = await uniqueSlug(trx, slugify(title));
      const at = now();
      const row = await trx
        .insertInto("posts")
        .values({ title, slug, content: input.content, author_id: input.authorId, created_at: at, updated_at: at })
        .returningAll()
        .executeTakeFirstOrThrow();
      return Post.fromRow(row);
    });
    this.log(`[PostService] Created post: ${post.title} (ID: ${post.id})`);
    return post;
  }

  /** Publishes a draft; publishing a published post changes nothing. @throws NotFoundError */
  async publishPost(id: number): Promise<Post> {
    const post = await this.getPost(id);
    if (post.published) return post;
    const at = now();
    const row = await this.db
      .updateTable("posts")
      .set({ published: 1, published_at: at, updated_at: at })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    this.log(`[PostService] Published post ID: ${id}`);
    return Post.fromRow(row);
  }

  /** @throws NotFoundError when there is no such post. */
  async getPost(id: number): Promise<Post> {
    const row = await this.db.selectFrom("posts").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("post", id, "postId");
    return Post.fromRow(row);
  }

  /** @throws NotFoundError when no post has this slug. */
  async getPostBySlug(slug: string): Promise<Post> {
    const row = await this.db.selectFrom("posts").selectAll().where("slug", "=", slug).executeTakeFirst();
    if (!row) throw new NotFoundError("post", slug, "slug");
    return Post.fromRow(row);
  }

  /** Posts in creation order; only published ones with `publishedOnly`. */
  async listPosts(options: { readonly publishedOnly?: boolean } = {}): Promise<Post[]> {
    let query = this.db.selectFrom("posts").selectAll().orderBy("id");
    if (options.publishedOnly) query = query.where("published", "=", 1);
    return (await query.execute()).map((row) => Post.fromRow(row));
  }
}

/** Commenting, moderation and listing comments. */
@service
export class CommentService {
  private readonly db: Database;
  private readonly log: (line: string) => void;

  constructor(options: ServiceOptions = {}) {
    ({ db: this.db, log: this.log } = serviceContext(options));
  }

  /**
   * Adds an unapproved comment to an existing post. When the commenter is not the post's
   * author, an email to the author is queued in the same transaction.
   * @throws ValidationError for an empty or over-long text.
   * @throws NotFoundError when the post or the author does not exist.
   */
  async createComment(input: NewComment): Promise<Comment> {
    const text = input.text.trim();
    if (text === "") throw new ValidationError("text", "text must not be empty");
    if (text.length > MAX_COMMENT) throw new ValidationError("text", `text must be at most ${MAX_COMMENT} characters`);
    const { comment, notified } = await writeTransaction(this.db, async (trx) => {
      const post = await new PostService({ db: trx }).getPost(input.postId);
      const author = await new UserService({ db: trx }).getUser(input.authorId, "authorId");
      const row = await trx
        .insertInto("comments")
        .values({ post_id: post.id, author_id: author.id, text, created_at: now() })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (post.authorId === author.id) return { comment: Comment.fromRow(row), notified: undefined };
      const email = await new NotificationService({ db: trx }).notifyUser(
        post.authorId,
        `New comment on "${post.title}"`,
        `${author.fullName} (@${author.username}) commented on your post "${post.title}":\n\n${text}\n\n` +
          `The comment is waiting for your approval.\n`,
      );
      return { comment: Comment.fromRow(row), notified: email.recipient };
    });
    this.log(`[CommentService] Created comment on post ${comment.postId} (ID: ${comment.id})`);
    if (notified !== undefined) this.log(`[CommentService] Queued notification email to ${notified}`);
    return comment;
  }

  /** Approves a comment for display; approving twice changes nothing. @throws NotFoundError */
  async approveComment(id: number): Promise<Comment> {
    const row = await this.db
      .updateTable("comments")
      .set({ approved: 1 })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError("comment", id, "commentId");
    this.log(`[CommentService] Approved comment ID: ${id}`);
    return Comment.fromRow(row);
  }

  /** A post's comments, oldest first; only approved ones with `approvedOnly`. @throws NotFoundError */
  async getCommentsForPost(postId: number, options: { readonly approvedOnly?: boolean } = {}): Promise<Comment[]> {
    await new PostService({ db: this.db }).getPost(postId);
    let query = this.db.selectFrom("comments").selectAll().where("post_id", "=", postId).orderBy("id");
    if (options.approvedOnly) query = query.where("approved", "=", 1);
    return (await query.execute()).map((row) => Comment.fromRow(row));
  }
}

/** What one indexing pass did. */
export interface IndexPass {
  /** Published posts written to the index because they were new or had changed. */
  readonly indexed: number;
  /** Posts taken out because they were unpublished or deleted. */
  readonly removed: number;
}

/** The full-text index of published posts (FTS5 on SQLite, tsvector on PostgreSQL). Drafts are never in it. */
@service
export class SearchService {
  private readonly db: Database;

  constructor(options: ServiceOptions = {}) {
    ({ db: this.db } = serviceContext(options));
  }

  /** Brings the index up to date with the published posts, in one transaction. */
  async reindex(): Promise<IndexPass> {
    return writeTransaction(this.db, async (trx) => {
      const stale = await trx
        .selectFrom("post_search_state as s")
        .leftJoin("posts as p", "p.id", "s.post_id")
        .select("s.post_id")
        .where((eb) => eb.or([eb("p.id", "is", null), eb("p.published", "=", 0)]))
        .execute();
      const pg = isPostgres(trx) ? await import("./search/postgres.ts") : undefined;
      for (const { post_id } of stale) {
        if (pg) await pg.unindexPost(trx, post_id);
        else await sql`delete from post_search where rowid = ${post_id}`.execute(trx);
        await trx.deleteFrom("post_search_state").where("post_id", "=", post_id).execute();
      }
      const changed = await trx
        .selectFrom("posts as p")
        .leftJoin("post_search_state as s", "s.post_id", "p.id")
        .select(["p.id", "p.title", "p.content", "p.updated_at"])
        .where("p.published", "=", 1)
        .where((eb) => eb.or([eb("s.post_id", "is", null), eb("s.indexed_version", "!=", eb.ref("p.updated_at"))]))
        .orderBy("p.id")
        .execute();
      for (const post of changed) {
        if (pg) await pg.indexPost(trx, post);
        else {
          await sql`delete from post_search where rowid = ${post.id}`.execute(trx);
          await sql`insert into post_search (rowid, title, content) values (${post.id}, ${post.title}, ${post.content})`.execute(
            trx,
          );
        }
        await trx
          .insertInto("post_search_state")
          .values({ post_id: post.id, indexed_version: post.updated_at })
          .onConflict((oc) => oc.column("post_id").doUpdateSet({ indexed_version: post.updated_at }))
          .execute();
      }
      return { indexed: changed.length, removed: stale.length };
    });
  }

  /**
   * Published posts matching every word of `query`, best match first. Words are matched
   * whole, ignoring case and accents; FTS5 operators in the query are taken as words.
   * @throws ValidationError when the query has no word in it.
   */
  async search(query: string, limit = 20): Promise<Post[]> {
    const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) throw new ValidationError("q", "the search query must contain at least one word");
    const count = Math.max(1, Math.min(100, Math.trunc(limit)));
    if (isPostgres(this.db)) {
      const { searchPosts } = await import("./search/postgres.ts");
      return (await searchPosts(this.db, words, count)).map((row) => Post.fromRow(row));
    }
    const match = words.map((word) => `"${word}"`).join(" ");
    const { rows } = await sql<Selectable<PostTable>>`
      select posts.* from post_search join posts on posts.id = post_search.rowid
      where post_search match ${match} and posts.published = 1
      order by bm25(post_search), posts.id
      limit ${count}`.execute(this.db);
    return rows.map((row) => Post.fromRow(row));
  }

  /** How many posts the index holds. */
  async indexedCount(): Promise<number> {
    const row = await this.db
      .selectFrom("post_search_state")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** `"Héllo, World!"` → `"hello-world"`: lower-case ASCII letters, digits and single dashes. */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG)
    .replace(/-+$/, "");
  return slug === "" ? "post" : slug;
}

/** `base`, or `base-2`, `base-3`… whichever is free first. */
async function uniqueSlug(db: Database, base: string): Promise<string> {
  const rows = await db
    .selectFrom("posts")
    .select("slug")
    .where((eb) => eb.or([eb("slug", "=", base), eb("slug", "like", `${base}-%`)]))
    .execute();
  const taken = new Set(rows.map((row) => row.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
