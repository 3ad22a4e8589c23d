/**
 * Blog app views: request handlers that validate their input, call the blog services and
 * answer with a status and data or an error.
 */
import { view } from "../../framework/components.ts";
import { fieldsOf, optionalBoolean, requiredId, requiredString } from "../../framework/input.ts";
import { respond, type ViewResponse } from "../../framework/responses.ts";
import { getService } from "../../framework/services.ts";
import type { Comment, Post } from "./models.ts";

/** `{ publishedOnly? }` (default true) → 200 with the posts, oldest first. */
export const listPosts = view(async function listPosts(input: unknown = {}): Promise<ViewResponse<Post[]>> {
  return respond(200, () => {
    const publishedOnly = optionalBoolean(fieldsOf(input), "publishedOnly") ?? true;
    return new (getService("blog.PostService"))().listPosts({ publishedOnly });
  });
});

/** `{ title, content, authorId }` → 201 with the new draft; 400 or 404 otherwise. */
export const createPost = view(async function createPost(input: unknown): Promise<ViewResponse<Post>> {
  return respond(201, () => {
    const fields = fieldsOf(input);
    return new (getService("blog.PostService"))().createPost({
      title: requiredString(fields, "title", { maxLength: 200 }),
      content: requiredString(fields, "content"),
      authorId: requiredId(fields, "authorId"),
    });
  });
});

/** `{ postId }` or `{ slug }` → 200 with the post; 404 when there is none. */
export const getPost = view(async function getPost(input: unknown): Promise<ViewResponse<Post>> {
  return respond(200, () => {
    const fields = fieldsOf(input);
    const posts = new (getService("blog.PostService"))();
    if (fields["postId"] === undefined && fields["slug"] !== undefined) {
      return posts.getPostBySlug(requiredString(fields, "slug"));
    }
    return posts.getPost(requiredId(fields, "postId"));
  });
});

/** `{ postId }` → 200 with the published post; 404 when there is none. */
export const publishPost = view(async function publishPost(input: unknown): Promise<ViewResponse<Post>> {
  return respond(200, () => new (getService("blog.PostService"))().publishPost(requiredId(fieldsOf(input), "postId")));
});

/** `{ postId, authorId, text }` → 201 with the new comment; 400 or 404 otherwise. */
export const addComment = view(async function addComment(input: unknown): Promise<ViewResponse<Comment>> {
  return respond(201, () => {
    const fields = fieldsOf(input);
    return new (getService("blog.CommentService"))().createComment({
      postId: requiredId(fields, "postId"),
      authorId: requiredId(fields, "authorId"),
      text: requiredString(fields, "text", { maxLength: 5000 }),
    });
  });
});

/** `{ commentId }` → 200 with the approved comment; 404 when there is none. */
export const approveComment = view(async function approveComment(input: unknown): Promise<ViewResponse<Comment>> {
  return respond(200, () =>
    new (getService("blog.CommentService"))().approveComment(requiredId(fieldsOf(input), "commentId")),
  );
});

/** `{ postId, approvedOnly? }` (default true) → 200 with the post's comments; 404 for an unknown post. */
export const listComments = view(async function listComments(input: unknown): Promise<ViewResponse<Comment[]>> {
  return respond(200, () => {
    const fields = fieldsOf(input);
    const approvedOnly = optionalBoolean(fields, "approvedOnly") ?? true;
    return new (getService("blog.CommentService"))().getCommentsForPost(requiredId(fields, "postId"), { approvedOnly });
  });
});

/** `{ q, limit? }` → 200 with the published posts matching every word of `q`; drafts never match. */
export const searchPosts = view(async function searchPosts(input: unknown): Promise<ViewResponse<Post[]>> {
  return respond(200, () => {
    const fields = fieldsOf(input);
    const limit = fields["limit"] === undefined ? 20 : requiredId(fields, "limit");
    return new (getService("blog.SearchService"))().search(requiredString(fields, "q", { maxLength: 500 }), limit);
  });
});
