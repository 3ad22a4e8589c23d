/**
 * The schema of the blog platform: every app has models, views, services and workers.
 * Views and services depend on models, workers on models and services; the generator
 * checks imports against these layers and bakes the load order from them.
 *
 * Hooks: models open the shared database and run their app's migrations (those of the engine
 * in use), and close it on shutdown; services make themselves findable by views; views and
 * workers announce themselves.
 */
import { defineSchema, type LoadedModule } from "spoc";
import { acquireDatabase, migrate, releaseDatabase, type Migration } from "../framework/database.ts";
import { frameworkMigrations } from "../framework/heartbeat.ts";
import { provideServices, withdrawServices } from "../framework/services.ts";

/** Settings are imported here, lazily: spoc loads them after applying the `.env` files. */
async function settings() {
  return (await import("./settings.ts")).default;
}

async function openDatabase(module: LoadedModule): Promise<void> {
  console.log(`  [Database] Initializing tables for: ${module.name}`);
  const { database } = await settings();
  const db = await acquireDatabase(database);
  // Each app's models export `migrations` (SQLite) and `postgresMigrations`.
  const exported = database.engine === "postgres" ? "postgresMigrations" : "migrations";
  try {
    await migrate(db, "framework", frameworkMigrations);
    await migrate(db, module.app, (module.exports[exported] as readonly Migration[] | undefined) ?? []);
  } catch (error) {
    await releaseDatabase();
    throw error;
  }
}

async function closeDatabase(module: LoadedModule): Promise<void> {
  console.log(`  [Database] Closing connections for: ${module.name}`);
  await releaseDatabase();
}

export const schema = defineSchema({
  modules: ["models", "views", "services", "workers"],
  dependencies: {
    views: ["models"],
    services: ["models"],
    workers: ["models", "services"],
  },
  hooks: {
    models: { startup: openDatabase, shutdown: closeDatabase },
    views: {
      startup: (module) => console.log(`  [Views] Loaded: ${module.name}`),
    },
    services: {
      startup: (module) => {
        provideServices(module.components);
        console.log(`  [Services] Initializing: ${module.name}`);
      },
      shutdown: (module) => withdrawServices(Object.keys(module.components)),
    },
    workers: {
      startup: (module) => console.log(`  [Workers] Registered: ${module.name}`),
    },
  },
  strict: true,
});
