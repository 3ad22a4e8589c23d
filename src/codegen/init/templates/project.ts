/** The files every new project gets, whatever its bundler. */
import type { BundlerTemplate, TemplateContext, TemplateFile } from "./types.ts";

/** The schema's modules, in the order a new app gets its files. */
export const SCHEMA_MODULES = ["models", "services", "views", "workers"] as const;

export function projectFiles(context: TemplateContext, bundler: BundlerTemplate): TemplateFile[] {
  return [
    { path: "package.json", text: packageJson(context, bundler) },
    { path: "tsconfig.json", text: TSCONFIG },
    { path: ".gitignore", text: "node_modules/\ndist/\nconfig/.env\n" },
    { path: "framework/components.ts", text: COMPONENTS },
    { path: "config/spoc.toml", text: SPOC_TOML },
    { path: "config/settings.ts", text: settings(context) },
    { path: "config/schema.ts", text: SCHEMA },
    { path: "config/.env.example", text: ENV_EXAMPLE },
    { path: "main.ts", text: main(context) },
    { path: `test/${context.app}.test.ts`, text: test(context) },
  ];
}

function packageJson(context: TemplateContext, bundler: BundlerTemplate): string {
  const devDependencies = {
    "@types/node": "^20.19.0",
    ...bundler.devDependencies,
    tsx: "^4.23.15",
    typescript: "^5.9.3",
  };
  const manifest = {
    name: context.name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=20.10" },
    scripts: {
      gen: "spoc gen",
      check: "spoc check",
      typecheck: "tsc --noEmit",
      build: bundler.buildScript,
      start: "node --enable-source-maps dist/main.js",
      dev: bundler.devScript,
      test: "spoc gen && node --import tsx --test test/*.test.ts",
    },
    dependencies: { spoc: context.spocVersion },
    devDependencies: Object.fromEntries(Object.entries(devDependencies).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Every flag spoc's shipped types are checked under; relax what your code needs. */
const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "allowImportingTsExtensions": true,
    "noEmit": true,
    "verbatimModuleSyntax": true,
    "erasableSyntaxOnly": true,
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "noUncheckedIndexedAccess": true,
    "noImplicitOverride": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["apps", "config", "framework", "generated", "test", "main.ts", "build.ts"]
}
`;

const COMPONENTS = `/**
 * The component kinds of this project. spoc's generator finds components through these
 * registrars: \`@model\`, \`@service\` and \`@worker\` decorate classes, \`view(...)\` wraps functions.
 */
import { Components } from "spoc";

export const components = new Components("model", "view", "service", "worker");

/** Class decorator for data models: \`@model export class User { … }\`. */
export const model = components.register("model");
/** Wrapper for handlers: \`export const listUsers = view(function listUsers() { … })\`. */
export const view = components.register("view");
/** Class decorator for business logic: \`@service export class UserService { … }\`. */
export const service = components.register("service");
/** Class decorator for background workers: \`@worker export class Mailer extends ThreadWorker { … }\`. */
export const worker = components.register("worker");
`;

const SPOC_TOML = `# spoc's configuration. Apps installed in every mode are in config/settings.ts
# (installedApps); the tables below add apps and plugins per mode. SPOC_MODE (in the
# environment or config/.env) overrides \`mode\`.

[spoc]
mode = "development"  # development, staging or production
debug = false

# Apps added by mode; a mode also gets the apps of the modes below it
# (development ⊇ staging ⊇ production).
[spoc.apps]
production = []
staging = []
development = []

# Plugin references ("path/from/root:exportName") by group.
[spoc.plugins]
`;

function settings(context: TemplateContext): string {
  return `/**
 * The project's settings. spoc imports this module after applying config/.env, so the
 * \`env\` readers see it; a wrong value fails the start naming the variable.
 */
import { defineSettings, env } from "spoc";

export default defineSettings({
  // Apps installed in every mode, in load order. \`npx spoc add app <name>\` adds one here.
  installedApps: ["${context.app}"],

  /** Any other key is the project's own, read with typed \`env\` readers. */
  port: env.int("PORT", 3000, { min: 1, max: 65535 }),
});
`;
}

const SCHEMA = `/**
 * The modules every app has and how they may depend on each other. spoc's generator
 * checks every import between apps' modules against \`dependencies\` and bakes the load
 * order from them; \`hooks\` run when a module starts and stops.
 */
import { defineSchema } from "spoc";

export const schema = defineSchema({
  modules: ["models", "services", "views", "workers"],
  dependencies: {
    services: ["models"],
    views: ["models", "services"],
    workers: ["models", "services"],
  },
  hooks: {},
  strict: true,
});
`;

const ENV_EXAMPLE = `# Copy to config/.env (or config/.env.<mode>) and edit. Variables already set in the
# process environment win over these files.
SPOC_MODE=development
PORT=3000
`;

function main(context: TemplateContext): string {
  return `/**
 * The app's entry point: starts the framework (modules in load order, with their hooks),
 * uses a view, runs the workers for a moment, and shuts down.
 * \`npm run build && npm start\` runs it from dist/; \`npx tsx main.ts\` from the sources.
 */
import { Framework, findBaseDir, Server } from "spoc";
import { schema } from "./config/schema.ts";
import { registry } from "./generated/registry.ts";

// The folder with config/, found upward from this file (main.ts here, dist/main.js built).
const framework = await Framework.start({ baseDir: findBaseDir(import.meta.url), schema, registry });

const greet = framework.getComponent("views", "${context.app}.greet");
console.log(greet("world"));

const GreeterThread = framework.getComponent("workers", "${context.app}.GreeterThread");
const GreeterProcess = framework.getComponent("workers", "${context.app}.GreeterProcess");
const server = new Server()
  .addWorker(new GreeterThread({ context: { greeted: 0 } }))
  .addWorker(new GreeterProcess({ context: { greeted: 0 } }));
// Let each worker start (or fail) before stopping them all.
const started = server.workers.map(
  (worker) => new Promise((resolve) => worker.on("startup", resolve).on("shutdown", resolve)),
);
server.start();
await Promise.all(started);
await new Promise((resolve) => setTimeout(resolve, 100));
server.stop();
const { results } = await server.joinAll({ timeoutMs: 5_000 });
for (const worker of server.workers) console.log(\`\${worker.name} greeted \${String(worker.context["greeted"])} times\`);

await framework.shutdown();
process.exitCode = results.every((result) => result.stopped && result.errors.length === 0) ? 0 : 1;
`;
}

function test(context: TemplateContext): string {
  return `import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Framework } from "spoc";
import { schema } from "../config/schema.ts";
import { registry } from "../generated/registry.ts";

let framework: Framework;
before(async () => {
  framework = await Framework.start({ baseDir: fileURLToPath(new URL("..", import.meta.url)), schema, registry });
});
after(() => framework.shutdown());

test("the ${context.app} app greets through its view", () => {
  const greet = framework.getComponent("views", "${context.app}.greet");
  assert.equal(greet("test"), "Hello, test!");
});
`;
}
