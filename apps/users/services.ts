/**
 * Users app services: accounts and profiles, and the email outbox other apps write notifications to.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { service } from "../../framework/components.ts";
import { isPostgres, now, writeTransaction, type Database } from "../../framework/database.ts";
import { AuthenticationError, ConflictError, NotFoundError, ValidationError } from "../../framework/errors.ts";
import { jobs, type Jobs } from "../../framework/jobs.ts";
import { serviceContext, type ServiceOptions } from "../../framework/services.ts";
import { EmailMessage, User, UserProfile } from "./models.ts";

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

const USERNAME = /^[A-Za-z0-9_]{3,30}$/;
// Pragmatic, not RFC 5322: one @, no spaces, a dot in the domain, no empty labels.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MIN_PASSWORD = 8;

export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly fullName: string;
  readonly password: string;
}

export interface ProfileChanges {
  readonly bio?: string;
  readonly avatarUrl?: string;
  readonly website?: string;
}

/** Registration, lookup, authentication and profiles. */
@service
export class UserService {
  private readonly db: Database;
  private readonly log: (line: string) => void;

  constructor(options: ServiceOptions = {}) {
    ({ db: this.db, log: this.log } = serviceContext(options));
  }

  /**
   * Registers a user and their empty profile, together or not at all.
   * @throws ValidationError for a malformed username, email, name or password.
   * @throws ConflictError when the username or email is taken.
   */
  async createUser(input: NewUser): Promise<User> {
    const username = input.username.trim();
    const email = normalizeEmail(input.email);
    const fullName = input.fullName.trim();
    if (!USERNAME.test(username)) {
      throw new ValidationError("username", "username must be 3 to 30 letters, digits or underscores");
    }
    if (fullName === "") throw new ValidationError("fullName", "fullName must not be empty");
    if (fullName.length > 100) throw new ValidationError("fullName", "fullName must be at most 100 characters");
    if (input.password.length < MIN_PASSWORD) {
      throw new ValidationError("password", `password must be at least ${MIN_PASSWORD} characters`);
    }
    const passwordHash = await hashPassword(input.password);

    const user = await writeTransaction(this.db, async (trx) => {
      const taken = await trx
        .selectFrom("users")
        .select(["username", "email"])
        .where((eb) => eb.or([eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()), eb("email", "=", email)]))
        .executeTakeFirst();
      if (taken) {
        // Usernames (ASCII) compare case-insensitively: lower() in SQL, as PostgreSQL has no nocase.
        if (taken.username.toLowerCase() === username.toLowerCase()) {
          throw new ConflictError(`username "${username}" is already taken`, "username");
        }
        throw new ConflictError(`email ${email} is already registered`, "email");
      }
      const row = await trx
        .insertInto("users")
        .values({ username, email, full_name: fullName, password_hash: passwordHash, created_at: now() })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((error: unknown) => {
          // Another connection registered the same name between our check and insert.
          const field = uniqueViolation(error);
          if (field === "email") throw new ConflictError(`email ${email} is already registered`, "email");
          if (field !== undefined) throw new ConflictError(`username "${username}" is already taken`, "username");
          throw error;
        });
      await trx.insertInto("user_profiles").values({ user_id: row.id }).execute();
      return User.fromRow(row);
    });
    this.log(`[UserService] Created user: ${user.username} (ID: ${user.id})`);
    return user;
  }

  /**
   * @param field the input field that named the user, for the error.
   * @throws NotFoundError when there is no such user.
   */
  async getUser(id: number, field = "userId"): Promise<User> {
    const row = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("user", id, field);
    return User.fromRow(row);
  }

  /** Every user, oldest first. */
  async listUsers(): Promise<User[]> {
    const rows = await this.db.selectFrom("users").selectAll().orderBy("id").execute();
    return rows.map((row) => User.fromRow(row));
  }

  /**
   * The active user with these credentials.
   * @throws AuthenticationError for an unknown username, a wrong password or an inactive account,
   * with one message for all three.
   */
  async authenticate(username: string, password: string): Promise<User> {
    const row = await this.db
      .selectFrom("users")
      .selectAll()
      .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.trim().toLowerCase()))
      .executeTakeFirst();
    const valid = row !== undefined && (await verifyPassword(password, row.password_hash));
    if (!row || !valid || row.is_active !== 1) {
      throw new AuthenticationError("invalid username or password, or the account is inactive");
    }
    return User.fromRow(row);
  }

  /** Deactivates an account: it can no longer authenticate. */
  async deactivateUser(id: number): Promise<User> {
    const row = await this.db
      .updateTable("users")
      .set({ is_active: 0 })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError("user", id, "userId");
    this.log(`[UserService] Deactivated user: ${row.username} (ID: ${row.id})`);
    return User.fromRow(row);
  }

  /** @throws NotFoundError when there is no such user. */
  async getProfile(userId: number): Promise<UserProfile> {
    const row = await this.db.selectFrom("user_profiles").selectAll().where("user_id", "=", userId).executeTakeFirst();
    if (!row) throw new NotFoundError("user", userId, "userId");
    return UserProfile.fromRow(row);
  }

  /**
   * Changes the given profile fields.
   * @throws ValidationError for an over-long bio or a URL that is not http(s).
   */
  async updateProfile(userId: number, changes: ProfileChanges): Promise<UserProfile> {
    const values: { bio?: string; avatar_url?: string; website?: string } = {};
    if (changes.bio !== undefined) {
      if (changes.bio.length > 2000) throw new ValidationError("bio", "bio must be at most 2000 characters");
      values.bio = changes.bio;
    }
    if (changes.avatarUrl !== undefined) values.avatar_url = checkUrl("avatarUrl", changes.avatarUrl);
    if (changes.website !== undefined) values.website = checkUrl("website", changes.website);
    if (Object.keys(values).length === 0) return this.getProfile(userId);
    const row = await this.db
      .updateTable("user_profiles")
      .set(values)
      .where("user_id", "=", userId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError("user", userId, "userId");
    return UserProfile.fromRow(row);
  }
}

/** Delays between delivery attempts: doubling from `baseMs`, never more than `maxMs`. */
export interface RetryPolicy {
  /** @default 30_000 */
  readonly baseMs?: number;
  /** @default 3_600_000 */
  readonly maxMs?: number;
}

/** How long to wait after the `attempts`-th failed attempt (1-based). */
export function retryDelayMs(attempts: number, policy: RetryPolicy = {}): number {
  const base = policy.baseMs ?? 30_000;
  const max = policy.maxMs ?? 3_600_000;
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

export interface NewEmail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
}

/**
 * The email outbox. Other services enqueue notifications in their own transaction (pass it as
 * `db`): a message exists if and only if what it announces does. The EmailNotificationWorker
 * drains it on SQLite; on PostgreSQL each message is also a DeliverEmail job, sent with it.
 */
@service
export class NotificationService {
  private readonly db: Database;
  private readonly log: (line: string) => void;
  private readonly jobs: Jobs | undefined;

  constructor(options: ServiceOptions = {}) {
    ({ db: this.db, log: this.log } = serviceContext(options));
    this.jobs = options.jobs;
  }

  /** @throws ValidationError for an invalid recipient or an empty subject. */
  async enqueue(email: NewEmail): Promise<EmailMessage> {
    const to = normalizeEmail(email.to, "to");
    const subject = email.subject.trim();
    if (subject === "") throw new ValidationError("subject", "subject must not be empty");
    if (/[\r\n]/.test(subject)) throw new ValidationError("subject", "subject must be one line");
    const at = now();
    const insert = (db: Database) =>
      db
        .insertInto("email_outbox")
        .values({ recipient: to, subject, body: email.body, created_at: at, next_attempt_at: at })
        .returningAll()
        .executeTakeFirstOrThrow();
    const row = !isPostgres(this.db)
      ? await insert(this.db)
      : // The message and its delivery job in one transaction (the caller's, when it has one).
        await writeTransaction(this.db, async (trx) => {
          const inserted = await insert(trx);
          await (this.jobs ?? jobs()).send("users.DeliverEmail", { messageId: inserted.id }, { db: trx });
          return inserted;
        });
    this.log(`[NotificationService] Queued email to ${to}: ${subject}`);
    return EmailMessage.fromRow(row);
  }

  /** Queues an email to a user's address. @throws NotFoundError when there is no such user. */
  async notifyUser(userId: number, subject: string, body: string): Promise<EmailMessage> {
    const user = await this.db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst();
    if (!user) throw new NotFoundError("user", userId, "userId");
    return this.enqueue({ to: user.email, subject, body });
  }

  /** Unsent messages whose next attempt is due at `at`, oldest first. */
  async due(limit = 50, at: Date = new Date()): Promise<EmailMessage[]> {
    const rows = await this.db
      .selectFrom("email_outbox")
      .selectAll()
      .where("sent_at", "is", null)
      .where("next_attempt_at", "<=", at.toISOString())
      .orderBy("next_attempt_at")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((row) => EmailMessage.fromRow(row));
  }

  /**
   * Delivers message `id` unless it is sent, and marks it sent, in one transaction. Its row
   * stays locked meanwhile (PostgreSQL `for update`): two consumers handed the same message
   * deliver it one after the other, and the second finds it sent. A failed delivery rolls back.
   * @returns the message delivered now; `undefined` when it was already sent, or is gone.
   */
  async deliverOnce(id: number, deliver: (message: EmailMessage) => Promise<void>): Promise<EmailMessage | undefined> {
    return writeTransaction(this.db, async (trx) => {
      let query = trx.selectFrom("email_outbox").selectAll().where("id", "=", id).where("sent_at", "is", null);
      if (isPostgres(trx)) query = query.forUpdate();
      const row = await query.executeTakeFirst();
      if (!row) return undefined;
      const message = EmailMessage.fromRow(row);
      await deliver(message);
      await new NotificationService({ db: trx }).markSent(id);
      return message;
    });
  }

  /** Records a successful delivery; a message is marked sent at most once. */
  async markSent(id: number): Promise<boolean> {
    const result = await this.db
      .updateTable("email_outbox")
      .set({ sent_at: now(), last_error: null })
      .where("id", "=", id)
      .where("sent_at", "is", null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Records a failed attempt and when to try again. @returns the delay before the next attempt. */
  async markFailed(id: number, error: string, policy: RetryPolicy = {}): Promise<number> {
    return writeTransaction(this.db, async (trx) => {
      const row = await trx.selectFrom("email_outbox").select("attempts").where("id", "=", id).executeTakeFirst();
      if (!row) throw new NotFoundError("email", id);
      const attempts = row.attempts + 1;
      const delay = retryDelayMs(attempts, policy);
      await trx
        .updateTable("email_outbox")
        .set({
          attempts,
          last_error: error.slice(0, 1000),
          next_attempt_at: new Date(Date.now() + delay).toISOString(),
        })
        .where("id", "=", id)
        .execute();
      return delay;
    });
  }

  /** @throws NotFoundError when there is no such message. */
  async getMessage(id: number): Promise<EmailMessage> {
    const row = await this.db.selectFrom("email_outbox").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("email", id);
    return EmailMessage.fromRow(row);
  }

  /** Every message, sent or not, oldest first. */
  async listMessages(): Promise<EmailMessage[]> {
    const rows = await this.db.selectFrom("email_outbox").selectAll().orderBy("id").execute();
    return rows.map((row) => EmailMessage.fromRow(row));
  }

  /** How many messages are not sent yet, due or not. */
  async pendingCount(): Promise<number> {
    const row = await this.db
      .selectFrom("email_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("sent_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** Trims and lower-cases an address. @throws ValidationError when it is not one. */
export function normalizeEmail(value: string, field = "email"): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new ValidationError(field, `${JSON.stringify(value)} is not a valid email address`);
  }
  return email;
}

function checkUrl(field: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed === "") return "";
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ValidationError(field, `${field} must be an http(s) URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ValidationError(field, `${field} must be an http(s) URL`);
  return url.href;
}

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32);
  return `scrypt$${salt.toString("hex")}$${hash.toString("hex")}`;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split("$");
  if (scheme !== "scrypt" || saltHex === undefined || hashHex === undefined) return false;
  const expected = Buffer.from(hashHex, "hex");
  const actual = await scryptAsync(password, Buffer.from(saltHex, "hex"), expected.length);
  return timingSafeEqual(actual, expected);
}

/** The users column a unique-key failure names (SQLite's message, PostgreSQL's constraint); otherwise `undefined`. */
function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  // PostgreSQL: unique_violation, named by its constraint or index (users_email_key).
  if (code === "23505") return typeof constraint === "string" && constraint.includes("email") ? "email" : "username";
  if (code !== "SQLITE_CONSTRAINT_UNIQUE") return undefined;
  return /users\.(\w+)/.exec((error as Error).message)?.[1] ?? "username";
}
