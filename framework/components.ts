/**
 * The component kinds of the blog platform. The generator resolves `@model`, `@service`,
 * `view(...)` and `@worker` through this file, so every app registers its components with
 * these four registrars.
 */
import { Components } from "spoc";

export const components = new Components("model", "view", "service", "worker");

/** Class decorator for data models: `@model export class User { … }`. */
export const model = components.register("model");
/** Wrapper for request handlers: `export const listPosts = view(async function listPosts() { … })`. */
export const view = components.register("view");
/** Class decorator for business logic: `@service export class UserService { … }`. */
export const service = components.register("service");
/** Class decorator for background workers: `@worker export class EmailNotificationWorker extends ThreadWorker { … }`. */
export const worker = components.register("worker");
