/**
 * Users app models: registered users, their profiles, and the email outbox the email workers drain.
 */
import { sql, type Generated, type Selectable } from "kysely";
import type { PayloadSchema } from "spoc/workers";
import { model } from "../../framework/components.ts";
import type { Migration } from "../../framework/database.ts";

export interface UserTable {
  id: Generated<number>;
  /** Unique, case-insensitively. */
  username: string;
  /** Unique, stored in lower case. */
  email: string;
  full_name: string;
  /** `scrypt$<salt>$<hash>`, hex. */
  password_hash: string;
  /** 1 or 0. */
  is_active: Generated<number>;
  created_at: string;
}

export interface UserProfileTable {
  user_id: number;
  bio: Generated<string>;
  avatar_url: Generated<string>;
  website: Generated<string>;
}

export interface EmailOutboxTable {
  id: Generated<number>;
  recipient: string;
  subject: string;
  body: string;
  created_at: string;
  /** Failed delivery attempts so far. */
  attempts: Generated<number>;
  /** Not to be tried before this time (ISO-8601); moves forward after each failure. */
  next_attempt_at: string;
  /** Set once the message was handed to the mail server or written to the mail folder. */
  sent_at: string | null;
  last_error: string | null;
}

declare module "../../framework/database.ts" {
  interface Tables {
    users: UserTable;
    user_profiles: UserProfileTable;
    email_outbox: EmailOutboxTable;
  }
}

/** A registered user. Never carries the password hash. */
@model
export class User {
  constructor(
    readonly id: number,
    readonly username: string,
    readonly email: string,
    readonly fullName: string,
    readonly isActive: boolean,
    readonly createdAt: string,
  ) {}

  static fromRow(row: Selectable<UserTable>): User {
    return new User(row.id, row.username, row.email, row.full_name, row.is_active === 1, row.created_at);
  }

  toString(): string {
    return `User(id=${this.id}, username=${this.username})`;
  }
}

/** What a user says about themselves; every user has one, empty at first. */
@model
export class UserProfile {
  constructor(
    readonly userId: number,
    readonly bio: string,
    readonly avatarUrl: string,
    readonly website: string,
  ) {}

  static fromRow(row: Selectable<UserProfileTable>): UserProfile {
    return new UserProfile(row.user_id, row.bio, row.avatar_url, row.website);
  }
}

/** A message waiting in, or delivered from, the email outbox. */
@model
export class EmailMessage {
  constructor(
    readonly id: number,
    readonly recipient: string,
    readonly subject: string,
    readonly body: string,
    readonly attempts: number,
    readonly nextAttemptAt: string,
    readonly sentAt: string | null,
    readonly lastError: string | null,
  ) {}

  static fromRow(row: Selectable<EmailOutboxTable>): EmailMessage {
    return new EmailMessage(
      row.id,
      row.recipient,
      row.subject,
      row.body,
      row.attempts,
      row.next_attempt_at,
      row.sent_at,
      row.last_error,
    );
  }
}

/** The users app's schema, run by the models startup hook (config/schema.ts). */
export const migrations: readonly Migration[] = [
  {
    name: "0001_create_users",
    async up(db) {
      await db.schema
        .createTable("users")
        .addColumn("id", "integer", (col) => col.primaryKey().autoIncrement())
        .addColumn("username", "text", (col) => col.notNull().unique().modifyEnd(sql`collate nocase`))
        .addColumn("email", "text", (col) => col.notNull().unique())
        .addColumn("full_name", "text", (col) => col.notNull())
        .addColumn("password_hash", "text", (col) => col.notNull())
        .addColumn("is_active", "integer", (col) => col.notNull().defaultTo(1))
        .addColumn("created_at", "text", (col) => col.notNull())
        .execute();
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
        .addColumn("id", "integer", (col) => col.primaryKey().autoIncrement())
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

export { postgresMigrations } from "./migrations/postgres.ts";

/**
 * The payload of a `users.DeliverEmail` job (PostgreSQL): the outbox message it delivers,
 * which is the delivery's unique key. A Standard Schema written out: one integer field needs
 * no validation library, and the SQLite run's email thread loads none.
 */
export const deliverEmailPayload: PayloadSchema<{ readonly messageId: number }> = {
  "~standard": {
    version: 1,
    vendor: "blog-platform",
    validate(value) {
      const messageId = (value as { readonly messageId?: unknown } | null | undefined)?.messageId;
      if (typeof messageId === "number" && Number.isSafeInteger(messageId) && messageId >= 1)
        return { value: { messageId } };
      return { issues: [{ message: "must be the id of an outbox message (a positive integer)", path: ["messageId"] }] };
    },
  },
};
