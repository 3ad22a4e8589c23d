/**
 * Users app workers, delivering the email outbox: EmailNotificationWorker (SQLite), DeliverEmail (PostgreSQL).
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import nodemailer from "nodemailer";
import { ThreadWorker } from "spoc";
import { type Job, type QueueWorkerContext, queueWorker, type WorkerEvent, type WorkerOptions } from "spoc/workers";
import { worker } from "../../framework/components.ts";
import { closeDatabase, openDatabase, type Database, type DatabaseSettings } from "../../framework/database.ts";
import { beat, resetHeartbeat } from "../../framework/heartbeat.ts";
import { lifecycleLine, printWorkerLine } from "../../framework/worker-output.ts";
import { deliverEmailPayload, type EmailMessage } from "./models.ts";
import { NotificationService, type RetryPolicy } from "./services.ts";

/** `settings.email`: where and how notifications go out. */
export interface EmailSettings {
  /** SMTP host; empty to write `.eml` files to `mailDir` instead. */
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
  /** The From header. */
  readonly from: string;
  /** Absolute folder for `.eml` files when there is no SMTP host. */
  readonly mailDir: string;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export type EmailWorkerContext = {
  /** Messages delivered since the worker started. */
  sent: number;
  /** Failed delivery attempts since the worker started (each is retried later). */
  failed: number;
  /** Passes that failed as a whole (each is retried at the next interval). */
  failedPasses: number;
};

export interface EmailWorkerOptions extends WorkerOptions<EmailWorkerContext> {
  readonly database: DatabaseSettings;
  readonly email: EmailSettings;
  /**
   * Time between two passes over the outbox.
   * @default 60_000
   */
  readonly intervalMs?: number;
  /**
   * Messages taken per pass at most.
   * @default 50
   */
  readonly batchSize?: number;
  /**
   * No progress lines on stdout.
   * @default false
   */
  readonly quiet?: boolean;
}

/** What one pass over the outbox did. */
export interface DeliveryPass {
  readonly sent: number;
  readonly failed: number;
}

/** Delivers one message; throws when it was not accepted. */
type Deliver = (message: EmailMessage) => Promise<void>;

/**
 * Drains the email outbox in a worker thread: each due message is sent through SMTP when
 * `email.host` is set, or written to `email.mailDir` as `outbox-<id>.eml` otherwise. A
 * message is marked sent only after the send succeeded; a failure is recorded on the
 * message and retried after a delay that doubles with each failure, up to a cap.
 */
@worker
export class EmailNotificationWorker extends ThreadWorker<EmailWorkerContext> {
  declare readonly options: Readonly<EmailWorkerOptions>;
  #db: Database | undefined;
  #deliver: Deliver | undefined;
  #close: () => void = () => {};

  constructor(options: EmailWorkerOptions) {
    super({ ...options, context: options.context ?? { sent: 0, failed: 0, failedPasses: 0 } });
  }

  override async setup(): Promise<void> {
    this.#say("Initializing email service...");
    this.#db = openDatabase(this.options.database);
    await resetHeartbeat(this.#db, this.name);
    const transport = emailTransport(this.options.email);
    this.#deliver = transport.deliver;
    this.#close = transport.close;
    this.#say(transport.description);
  }

  override async main(): Promise<void> {
    this.#say("Started monitoring email queue");
    while (this.isRunning) {
      try {
        const pass = await this.deliverDue();
        if (pass.sent > 0) this.#say(`Sent ${pass.sent} email${pass.sent === 1 ? "" : "s"}`);
        if (pass.failed > 0) this.#say(`${pass.failed} email${pass.failed === 1 ? "" : "s"} failed; will retry`);
        await beat(this.#requireDb(), this.name, pass.sent);
      } catch (error) {
        this.context.failedPasses += 1;
        // A pass that failed as a whole (the database was locked too long, say) is retried
        // at the next interval; the worker keeps running.
        this.#say(
          `Pass failed, retrying in the next one: ${error instanceof Error ? error.message : String(error)}`,
          true,
        );
      }
      await this.sleep(this.options.intervalMs ?? 60_000);
    }
  }

  /**
   * One pass over the outbox: delivers every due message (up to `batchSize`) and records
   * each outcome. Runs in the worker's thread; tests may call it directly after `setup()`.
   */
  async deliverDue(): Promise<DeliveryPass> {
    const deliver = this.#deliver;
    if (deliver === undefined) throw new Error(`${this.name}: setup() must run before deliverDue()`);
    const outbox = new NotificationService({ db: this.#requireDb() });
    const policy: RetryPolicy = { baseMs: this.options.email.retryBaseMs, maxMs: this.options.email.retryMaxMs };
    let sent = 0;
    let failed = 0;
    for (const message of await outbox.due(this.options.batchSize ?? 50)) {
      try {
        await deliver(message);
      } catch (error) {
        failed += 1;
        await outbox.markFailed(message.id, error instanceof Error ? error.message : String(error), policy);
        continue;
      }
      await outbox.markSent(message.id);
      sent += 1;
    }
    this.context.sent += sent;
    this.context.failed += failed;
    return { sent, failed };
  }

  override async teardown(): Promise<void> {
    this.#close();
    if (this.#db) await closeDatabase(this.#db);
    this.#db = undefined;
    this.#say(`Shutting down. Total emails sent: ${this.context.sent}`);
  }

  override lifecycle(event: WorkerEvent, data: unknown): void {
    this.#say(lifecycleLine(event, data), event === "error");
  }

  #say(line: string, always = false): void {
    if (!this.options.quiet || always) printWorkerLine(this.name, line);
  }

  #requireDb(): Database {
    if (this.#db === undefined) throw new Error(`${this.name}: setup() must run first`);
    return this.#db;
  }
}

/** The Message-ID of an outbox message: the same on every attempt, so receivers can drop duplicates. */
export function messageIdOf(message: EmailMessage): string {
  return `<outbox-${message.id}@blog-platform.local>`;
}

/** The file a message is written to in the mail folder. */
export function mailFileName(message: EmailMessage): string {
  return `outbox-${String(message.id).padStart(6, "0")}.eml`;
}

function mailOf(settings: EmailSettings, message: EmailMessage) {
  return {
    from: settings.from,
    to: message.recipient,
    subject: message.subject,
    text: message.body,
    messageId: messageIdOf(message),
  };
}

/** How messages leave: through SMTP, or into the mail folder. */
export interface EmailTransport {
  /** Delivers one message; throws when it was not accepted. */
  readonly deliver: (message: EmailMessage) => Promise<void>;
  readonly close: () => void;
  /** `Delivering through SMTP at host:port`, or `Delivering to the mail folder …`. */
  readonly description: string;
}

/**
 * SMTP when `settings.host` is set, the mail folder otherwise. Either way a message keeps
 * its Message-ID and file name on every attempt ({@link messageIdOf}, {@link mailFileName}),
 * so a delivery repeated after a crash overwrites its file, and a receiver can drop the
 * duplicate.
 */
export function emailTransport(settings: EmailSettings): EmailTransport {
  if (settings.host === "") {
    return {
      deliver: writeToFolder(settings),
      close: () => {},
      description: `Delivering to the mail folder ${relative(process.cwd(), settings.mailDir) || "."} (EMAIL_HOST is not set)`,
    };
  }
  return { ...sendWithSmtp(settings), description: `Delivering through SMTP at ${settings.host}:${settings.port}` };
}

/** Writes each message as an RFC 822 `.eml` file, atomically (temporary file, then rename). */
function writeToFolder(settings: EmailSettings): Deliver {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return async (message) => {
    const info = await composer.sendMail(mailOf(settings, message));
    await mkdir(settings.mailDir, { recursive: true });
    const file = join(settings.mailDir, mailFileName(message));
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, info.message as Buffer);
    await rename(temporary, file);
  };
}

/** Sends through SMTP; a message counts as delivered once the server accepted every recipient. */
function sendWithSmtp(settings: EmailSettings): { deliver: Deliver; close: () => void } {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.user === "" ? {} : { auth: { user: settings.user, pass: settings.password } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    deliver: async (message) => {
      const info = await transport.sendMail(mailOf(settings, message));
      if (info.rejected.length > 0) throw new Error(`the server rejected ${info.rejected.map(String).join(", ")}`);
    },
    close: () => transport.close(),
  };
}

/**
 * Delivers the outbox message a job names (PostgreSQL), in any number of `npx spoc worker`
 * processes on any machines. Idempotent per message: `deliverOnce` locks the message's row,
 * delivers it only if it is not sent, and marks it sent in the same transaction, so a job
 * handed out twice (an expiry, a retry) sends once. A consumer killed between the delivery
 * and the commit delivers again on the retry, with the same Message-ID and file name: never
 * lost, and a duplicate can be told by its receiver.
 */
@worker
export class DeliverEmail extends queueWorker({
  payload: deliverEmailPayload,
  retryLimit: 8,
  retryDelaySeconds: 30,
  retryBackoff: true,
  expireInSeconds: 120,
}) {
  #transport: EmailTransport | undefined;

  override setup(context: QueueWorkerContext): void {
    this.#transport = emailTransport(context.settings["email"] as EmailSettings);
    printWorkerLine("DeliverEmail", this.#transport.description);
  }

  override async handle(job: Job<{ readonly messageId: number }>): Promise<void> {
    const transport = this.#transport;
    if (transport === undefined) throw new Error("DeliverEmail: setup() must run first");
    const { messageId } = job.payload;
    // The shared connection, which the models hooks opened in this consumer process.
    const outbox = new NotificationService();
    let sent: EmailMessage | undefined;
    try {
      sent = await outbox.deliverOnce(messageId, transport.deliver);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await outbox.markFailed(messageId, reason).catch(() => {});
      printWorkerLine("DeliverEmail", `Email ${messageId} failed (attempt ${job.attempt}), will retry: ${reason}`);
      throw error;
    }
    printWorkerLine(
      "DeliverEmail",
      sent === undefined ? `Email ${messageId} was already sent` : `Sent email ${messageId} to ${sent.recipient}`,
    );
  }

  override teardown(): void {
    this.#transport?.close();
  }
}
