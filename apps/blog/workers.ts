/**
 * Blog app workers: the content indexer, which keeps the full-text index of published
 * posts up to date from a separate process.
 */
import { ProcessWorker } from "spoc";
import type { WorkerEvent, WorkerOptions } from "spoc/workers";
import { worker } from "../../framework/components.ts";
import { closeDatabase, openDatabase, type Database, type DatabaseSettings } from "../../framework/database.ts";
import { beat, resetHeartbeat } from "../../framework/heartbeat.ts";
import { lifecycleLine, printWorkerLine } from "../../framework/worker-output.ts";
import { SearchService, type IndexPass } from "./services.ts";

export type IndexerContext = {
  /** Posts written to the index since the worker started. */
  indexedPosts: number;
  /** Posts taken out of the index since the worker started. */
  removedPosts: number;
  /** Indexing passes completed. */
  passes: number;
  /** Passes that failed and were rolled back (each is retried at the next interval). */
  failedPasses: number;
};

export interface IndexerOptions extends WorkerOptions<IndexerContext> {
  readonly database: DatabaseSettings;
  /**
   * Time between two indexing passes.
   * @default 300_000
   */
  readonly intervalMs?: number;
  /**
   * No progress lines on stdout.
   * @default false
   */
  readonly quiet?: boolean;
}

/**
 * Maintains the SQLite FTS5 index of published posts in a child process, with its own
 * connection to the database file (WAL mode lets it read while the app writes). Each pass
 * indexes published posts that are new or changed and removes unpublished or deleted ones.
 */
@worker
export class ContentIndexerWorker extends ProcessWorker<IndexerContext> {
  declare readonly options: Readonly<IndexerOptions>;
  #db: Database | undefined;

  constructor(options: IndexerOptions) {
    super({ ...options, context: options.context ?? { indexedPosts: 0, removedPosts: 0, passes: 0, failedPasses: 0 } });
  }

  override async setup(): Promise<void> {
    this.#say("Initializing search index...");
    this.#db = openDatabase(this.options.database);
    await resetHeartbeat(this.#db, this.name);
  }

  override async main(): Promise<void> {
    this.#say("Started content indexing");
    while (this.isRunning) {
      try {
        const pass = await this.indexOnce();
        this.#say(`Indexed ${pass.indexed} post${pass.indexed === 1 ? "" : "s"}, removed ${pass.removed}`);
        await beat(this.#requireDb(), this.name, pass.indexed);
      } catch (error) {
        this.context.failedPasses += 1;
        // A failed pass is rolled back as a whole and retried at the next interval.
        this.#say(
          `Pass failed, retrying in the next one: ${error instanceof Error ? error.message : String(error)}`,
          true,
        );
      }
      await this.sleep(this.options.intervalMs ?? 300_000);
    }
  }

  /** One indexing pass. Runs in the worker's process; tests may call it directly after `setup()`. */
  async indexOnce(): Promise<IndexPass> {
    const pass = await new SearchService({ db: this.#requireDb() }).reindex();
    this.context.indexedPosts += pass.indexed;
    this.context.removedPosts += pass.removed;
    this.context.passes += 1;
    return pass;
  }

  override async teardown(): Promise<void> {
    if (this.#db) await closeDatabase(this.#db);
    this.#db = undefined;
    this.#say(`Shutting down. Total posts indexed: ${this.context.indexedPosts}`);
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
