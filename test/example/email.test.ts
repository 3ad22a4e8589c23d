/**
 * The email notification worker against a real SMTP server on loopback (smtp-server),
 * in-process through `deliverDue()` and through its real worker thread.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { JobQueue, setWorkerLocation } from "spoc/workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommentService, PostService } from "../../apps/blog/services.ts";
import { NotificationService, UserService } from "../../apps/users/services.ts";
import { DeliverEmail, EmailNotificationWorker, type EmailSettings } from "../../apps/users/workers.ts";
import { readHeartbeat, waitForHeartbeat } from "../../framework/heartbeat.ts";
import { alice, bob, createTestDatabase, type TestDatabase } from "./_helpers.ts";
import { headerOf, startSmtp } from "./_smtp.ts";

function emailSettings(overrides: Partial<EmailSettings>): EmailSettings {
  return {
    host: "127.0.0.1",
    port: 25,
    secure: false,
    user: "",
    password: "",
    from: "Blog Platform <no-reply@blog.test>",
    mailDir: "",
    retryBaseMs: 0,
    retryMaxMs: 0,
    ...overrides,
  };
}

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await t.close();
});

/** alice's post, commented on by bob: one notification to alice in the outbox. */
async function commentOnAlicesPost(text = "Great article!"): Promise<void> {
  const users = new UserService({ db: t.db });
  const author = (await users.listUsers())[0] ?? (await users.createUser(alice));
  const reader = (await users.listUsers())[1] ?? (await users.createUser(bob));
  const post =
    (await new PostService({ db: t.db }).listPosts())[0] ??
    (await new PostService({ db: t.db }).createPost({
      title: "Getting Started with SPOC",
      content: "…",
      authorId: author.id,
    }));
  await new CommentService({ db: t.db }).createComment({ postId: post.id, authorId: reader.id, text });
}

describe("EmailNotificationWorker over SMTP", () => {
  it("delivers the notification to the post's author with the right subject, and marks it sent", async () => {
    const smtp = await startSmtp();
    const worker = new EmailNotificationWorker({
      database: t.settings,
      email: emailSettings({ port: smtp.port }),
      quiet: true,
    });
    try {
      await worker.setup();
      await commentOnAlicesPost();
      expect(await worker.deliverDue()).toEqual({ sent: 1, failed: 0 });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]).toMatchObject({
        from: "no-reply@blog.test",
        to: ["alice@example.com"],
        subject: 'New comment on "Getting Started with SPOC"',
      });
      expect(smtp.received[0]?.raw).toContain("Message-ID: <outbox-1@blog-platform.local>");
      expect(await new NotificationService({ db: t.db }).pendingCount()).toBe(0);
      expect(await worker.deliverDue()).toEqual({ sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(1);
    } finally {
      await worker.teardown();
      await smtp.close();
    }
  });

  it("keeps a message in the outbox while the server is down and delivers it once it is back", async () => {
    const first = await startSmtp();
    const port = first.port;
    await first.close();
    const worker = new EmailNotificationWorker({
      database: t.settings,
      email: emailSettings({ port, retryBaseMs: 1000, retryMaxMs: 5000 }),
      quiet: true,
    });
    try {
      await worker.setup();
      await commentOnAlicesPost();
      const outbox = new NotificationService({ db: t.db });

      expect(await worker.deliverDue()).toEqual({ sent: 0, failed: 1 });
      const waiting = await outbox.getMessage(1);
      expect(waiting).toMatchObject({ sentAt: null, attempts: 1 });
      expect(waiting.lastError).toMatch(/ECONNREFUSED/);
      // Backing off: not due again before its next attempt time.
      expect(await worker.deliverDue()).toEqual({ sent: 0, failed: 0 });

      const back = await startSmtp(port);
      // The clock moves past the next attempt (retryBaseMs) without a real wait; only Date is faked.
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        vi.setSystemTime(Date.now() + 1050);
        expect(await worker.deliverDue()).toEqual({ sent: 1, failed: 0 });
        expect(back.received.map((mail) => mail.to)).toEqual([["alice@example.com"]]);
        expect(await outbox.getMessage(1)).toMatchObject({ attempts: 1, lastError: null });
        expect((await outbox.getMessage(1)).sentAt).not.toBeNull();
        expect(worker.context).toEqual({ sent: 1, failed: 1, failedPasses: 0 });
      } finally {
        vi.useRealTimers();
        await back.close();
      }
    } finally {
      await worker.teardown();
    }
  });

  it("runs in its worker thread: drains the outbox, beats, and reports what it sent", async () => {
    const smtp = await startSmtp();
    setWorkerLocation(EmailNotificationWorker, {
      moduleUrl: new URL("../../apps/users/workers.ts", import.meta.url).href,
      exportName: "EmailNotificationWorker",
    });
    await commentOnAlicesPost();
    const worker = new EmailNotificationWorker({
      database: t.settings,
      email: emailSettings({ port: smtp.port }),
      quiet: true,
    });
    try {
      worker.start();
      expect(await waitForHeartbeat(t.db, worker.name, { until: worker.join(), timeoutMs: 20_000 })).toEqual({
        passes: 1,
        processed: 1,
      });
      worker.stop();
      const result = await worker.join({ timeoutMs: 10_000 });
      expect(result).toMatchObject({ stopped: true, terminated: false, errors: [] });
      expect(worker.context).toEqual({ sent: 1, failed: 0, failedPasses: 0 });
      expect(smtp.received.map((mail) => mail.subject)).toEqual(['New comment on "Getting Started with SPOC"']);
      expect(await readHeartbeat(t.db, worker.name)).toEqual({ passes: 1, processed: 1 });
    } finally {
      worker.stop();
      await smtp.close();
    }
  });
});

describe("EmailNotificationWorker without EMAIL_HOST", () => {
  it("writes each message as an .eml file in the mail folder, named after its outbox id", async () => {
    const mailDir = join(t.dir, "mail");
    const worker = new EmailNotificationWorker({
      database: t.settings,
      email: emailSettings({ host: "", mailDir }),
      quiet: true,
    });
    try {
      await worker.setup();
      await commentOnAlicesPost();
      expect(await worker.deliverDue()).toEqual({ sent: 1, failed: 0 });
      const eml = await readFile(join(mailDir, "outbox-000001.eml"), "utf8");
      expect(eml).toContain("To: alice@example.com");
      expect(headerOf(eml, "subject")).toBe('New comment on "Getting Started with SPOC"');
      expect(eml).toContain("Great article!");
      expect(await new NotificationService({ db: t.db }).pendingCount()).toBe(0);
    } finally {
      await worker.teardown();
    }
  });
});

describe("DeliverEmail's payload (PostgreSQL)", () => {
  it("refuses at send anything but an outbox message id, naming messageId", async () => {
    // Validation runs before the queue connects: no server is needed to be refused.
    const jobs = new JobQueue(new Map([["users.DeliverEmail", DeliverEmail]]), () => ({
      connection: "postgres://nobody@127.0.0.1:1/none",
    }));
    for (const payload of [{ messageId: 0 }, { messageId: 1.5 }, { messageId: "1" }, {}]) {
      await expect(jobs.send("users.DeliverEmail", payload as { messageId: number })).rejects.toMatchObject({
        code: "SPOC210",
        message: expect.stringContaining("messageId: must be the id of an outbox message"),
      });
    }
    await jobs.stop();
  });
});
