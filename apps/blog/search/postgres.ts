/**
 * Full-text search on PostgreSQL: one `tsvector` per published post in `post_search`
 * (apps/blog/migrations/postgres.ts), queried with a `tsquery` of every word, ranked with
 * `ts_rank`. The `simple` configuration, like FTS5's unicode61 tokenizer: no stemming, no
 * stop words; unlike it, accents are kept (the `unaccent` extension is not assumed).
 */
import { sql, type Kysely, type Selectable } from "kysely";
import type { Tables } from "../../../framework/database.ts";
import type { PostTable } from "../models.ts";

/** Drops a post from the index. */
export async function unindexPost(db: Kysely<Tables>, postId: number): Promise<void> {
  await sql`delete from post_search where post_id = ${postId}`.execute(db);
}

/** Indexes (or re-indexes) a post's title and content. */
export async function indexPost(
  db: Kysely<Tables>,
  post: { id: number; title: string; content: string },
): Promise<void> {
  await sql`insert into post_search (post_id, document)
    values (${post.id}, to_tsvector('simple', ${post.title} || ' ' || ${post.content}))
    on conflict (post_id) do update set document = excluded.document`.execute(db);
}

/** Published posts whose index holds every one of `words`, best match first. */
export async function searchPosts(
  db: Kysely<Tables>,
  words: readonly string[],
  limit: number,
): Promise<Selectable<PostTable>[]> {
  // Each word is its own lexeme (quoted), so tsquery operators in the query are plain words.
  const query = words.map((word) => `'${word.replaceAll("'", "''")}'`).join(" & ");
  const { rows } = await sql<Selectable<PostTable>>`
    select posts.* from post_search join posts on posts.id = post_search.post_id
    where post_search.document @@ to_tsquery('simple', ${query}) and posts.published = 1
    order by ts_rank(post_search.document, to_tsquery('simple', ${query})) desc, posts.id
    limit ${limit}`.execute(db);
  return rows;
}
