/**
 * Writes a deterministic synthetic spoc project of N apps × 4 modules into
 * `bench/.projects/<N>/`: about five components and about 100 lines per module file,
 * runtime imports between apps that respect the schema's layers and never form a cycle
 * (app i only imports apps j < i), and some `import type`.
 *
 *   tsx bench/synth.ts 1000        → bench/.projects/1000/
 *
 * "spoc" resolves through `node_modules/spoc` → this repository (its package.json exports
 * `src/index.ts`), the way an installed package would, for tsc, tsx and node alike.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const PROJECTS_DIR = join(REPO_ROOT, "bench", ".projects");
export const MODULES = ["models", "views", "services", "workers"] as const;

/** The directory a project of `apps` apps is written to. */
export function projectDir(apps: number): string {
  return join(PROJECTS_DIR, String(apps));
}

export function appName(index: number): string {
  return `app${index}`;
}

export interface SynthProject {
  readonly root: string;
  readonly apps: number;
  /** Module files, relative to the root. */
  readonly moduleFiles: readonly string[];
  readonly lines: number;
}

const ENTITIES = ["Account", "Invoice", "Product", "Review", "Shipment"] as const;

/** An app j < i chosen deterministically from a salt, or undefined for the first app. */
function upstream(i: number, salt: number): number | undefined {
  if (i <= 1) return undefined;
  return 1 + ((i * salt + salt) % (i - 1));
}

/** (Re)writes the whole project; removes whatever was there before. */
export function synthesize(apps: number, root = projectDir(apps)): SynthProject {
  rmSync(root, { recursive: true, force: true });
  const moduleFiles: string[] = [];
  let lines = 0;
  const write = (file: string, text: string): void => {
    const path = join(root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };

  write("package.json", `${JSON.stringify({ name: `spoc-bench-${apps}`, private: true, type: "module" }, null, 2)}\n`);
  mkdirSync(join(root, "node_modules"), { recursive: true });
  symlinkSync(REPO_ROOT, join(root, "node_modules", "spoc"), "dir");
  write("tsconfig.json", tsconfig(["apps", "framework", "config", "generated"]));
  write("config/spoc.toml", '[spoc]\nmode = "development"\ndebug = false\n');
  const names = Array.from({ length: apps }, (_, k) => JSON.stringify(appName(k + 1)));
  write(
    "config/settings.ts",
    `import { defineSettings } from "spoc";\n\nexport default defineSettings({\n  installedApps: [\n${names.map((n) => `    ${n},\n`).join("")}  ],\n});\n`,
  );
  write("config/schema.ts", SCHEMA);
  write("framework/components.ts", COMPONENTS);
  mkdirSync(join(root, "generated"), { recursive: true });

  for (let i = 1; i <= apps; i++) {
    const texts: Record<(typeof MODULES)[number], string> = {
      models: modelsFile(i),
      views: viewsFile(i),
      services: servicesFile(i),
      workers: workersFile(i),
    };
    for (const module of MODULES) {
      const file = `apps/${appName(i)}/${module}.ts`;
      const text = texts[module];
      lines += text.split("\n").length - 1;
      write(file, text);
      moduleFiles.push(file);
    }
  }
  return { root, apps, moduleFiles, lines };
}

/** A tsconfig for the synthetic project including `include`, with this repo's strictness. */
export function tsconfig(include: readonly string[]): string {
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2023"],
        module: "nodenext",
        moduleResolution: "nodenext",
        allowImportingTsExtensions: true,
        verbatimModuleSyntax: true,
        noEmit: true,
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        types: ["node"],
      },
      include,
    },
    null,
    2,
  )}\n`;
}

const SCHEMA = `import { defineSchema, type LoadedModule } from "spoc";

let started = 0;
const count = (_module: LoadedModule): void => {
  started++;
};
const uncount = (_module: LoadedModule): void => {
  started--;
};

export const schema = defineSchema({
  modules: ["models", "views", "services", "workers"],
  dependencies: {
    views: ["models"],
    services: ["models"],
    workers: ["models", "services"],
  },
  hooks: {
    models: { startup: count, shutdown: uncount },
    views: { startup: count, shutdown: uncount },
    services: { startup: count, shutdown: uncount },
    workers: { startup: count, shutdown: uncount },
  },
});

/** How many modules ran their startup hook and not yet their shutdown hook. */
export function startedModules(): number {
  return started;
}
`;

const COMPONENTS = `import { Components } from "spoc";

export const components = new Components("model", "view", "service", "worker");
export const model = components.register("model");
export const view = components.register("view");
export const service = components.register("service");
export const worker = components.register("worker");
`;

function modelsFile(i: number): string {
  const up = upstream(i, 7919);
  const out: string[] = [`import { model } from "../../framework/components.ts";`];
  if (up !== undefined) out.push(`import type { Account as UpstreamAccount } from "../${appName(up)}/models.ts";`);
  out.push(
    "",
    `/** Identifiers of app${i}'s records. */`,
    `export type RecordId = string & { readonly __brand: "app${i}.RecordId" };`,
    up !== undefined ? `export type Owner = UpstreamAccount | undefined;` : `export type Owner = undefined;`,
    "",
  );
  for (const entity of ENTITIES) {
    out.push(
      `/** A ${entity.toLowerCase()} of app${i}. */`,
      `@model`,
      `export class ${entity} {`,
      `  constructor(`,
      `    readonly id: RecordId,`,
      `    readonly name: string,`,
      `    readonly amount: number,`,
      `    readonly owner: Owner = undefined,`,
      `  ) {}`,
      ``,
      `  get label(): string {`,
      `    return \`${entity} \${this.name} (\${this.id})\`;`,
      `  }`,
      ``,
      `  withAmount(amount: number): ${entity} {`,
      `    return new ${entity}(this.id, this.name, amount, this.owner);`,
      `  }`,
      `}`,
      ``,
    );
  }
  return `${out.join("\n")}`;
}

function viewsFile(i: number): string {
  const up = upstream(i, 104729);
  const out: string[] = [
    `import { view } from "../../framework/components.ts";`,
    `import { Account, Invoice, Product, Review, Shipment, type RecordId } from "./models.ts";`,
  ];
  if (up !== undefined) out.push(`import { Product as SharedProduct } from "../${appName(up)}/models.ts";`);
  out.push(
    "",
    `export interface Page<T> {`,
    `  readonly items: readonly T[];`,
    `  readonly total: number;`,
    `}`,
    "",
    `function page<T>(items: readonly T[]): Page<T> {`,
    `  return { items, total: items.length };`,
    `}`,
    "",
  );
  for (const entity of ENTITIES) {
    const plural = `${entity}s`;
    out.push(
      `/** Lists app${i}'s ${plural.toLowerCase()}. */`,
      `export const list${plural} = view(async function list${plural}(`,
      `  ids: readonly RecordId[],`,
      `  limit = 20,`,
      `): Promise<Page<${entity}>> {`,
      `  const items = ids.slice(0, limit).map((id, index) => new ${entity}(id, \`${entity.toLowerCase()}-\${index}\`, index));`,
      `  const visible = items.filter((item) => item.amount >= 0);`,
      `  const sorted = [...visible].sort((a, b) => a.amount - b.amount || a.name.localeCompare(b.name));`,
      `  if (sorted.length === 0) {`,
      `    return page([]);`,
      `  }`,
      `  return page(sorted);`,
      `});`,
      ``,
    );
  }
  out.push(
    `export function describe(id: RecordId): string {`,
    up !== undefined
      ? `  return [new SharedProduct(id as never, "shared", 0).label, "app${i}"].join(" / ");`
      : `  return ["app${i}", id].join(" / ");`,
    `}`,
    "",
  );
  return out.join("\n");
}

function servicesFile(i: number): string {
  const upService = upstream(i, 31);
  const upModel = upstream(i, 1009);
  const upType = upstream(i, 613);
  const out: string[] = [
    `import { service } from "../../framework/components.ts";`,
    `import { Account, Invoice, Product, Review, Shipment, type RecordId } from "./models.ts";`,
  ];
  if (upService !== undefined)
    out.push(`import { AccountService as UpstreamAccountService } from "../${appName(upService)}/services.ts";`);
  if (upModel !== undefined) out.push(`import { Review as UpstreamReview } from "../${appName(upModel)}/models.ts";`);
  if (upType !== undefined)
    out.push(`import type { InvoiceService as UpstreamInvoiceService } from "../${appName(upType)}/services.ts";`);
  out.push("");
  for (const entity of ENTITIES) {
    const Model = entity;
    out.push(
      `/** Stores app${i}'s ${entity.toLowerCase()}s in memory. */`,
      `@service`,
      `export class ${entity}Service {`,
      `  private readonly byId = new Map<RecordId, ${Model}>();`,
      ``,
      `  save(record: ${Model}): ${Model} {`,
      `    this.byId.set(record.id, record);`,
      `    return record;`,
      `  }`,
      ``,
      `  find(id: RecordId): ${Model} | undefined {`,
      `    return this.byId.get(id);`,
      `  }`,
      ``,
      `  total(): number {`,
      `    let sum = 0;`,
      `    for (const record of this.byId.values()) sum += record.amount;`,
      `    return sum;`,
      `  }`,
      `}`,
      ``,
    );
  }
  out.push(`export function upstreamTotal(${upType !== undefined ? "other?: UpstreamInvoiceService" : ""}): number {`);
  const terms = ["0"];
  if (upType !== undefined) terms.push("(other?.total() ?? 0)");
  if (upService !== undefined) terms.push("new UpstreamAccountService().total()");
  if (upModel !== undefined) terms.push(`new UpstreamReview("r" as never, "review", 1).amount`);
  out.push(`  return ${terms.join(" + ")};`, `}`, "");
  return out.join("\n");
}

function workersFile(i: number): string {
  const upType = upstream(i, 211);
  const out: string[] = [
    `import { worker } from "../../framework/components.ts";`,
    `import { Shipment, type RecordId } from "./models.ts";`,
    `import { AccountService, InvoiceService, ShipmentService } from "./services.ts";`,
  ];
  if (upType !== undefined)
    out.push(`import type { ShipmentWorker as UpstreamShipmentWorker } from "../${appName(upType)}/workers.ts";`);
  out.push("", `export interface Tick {`, `  readonly at: number;`, `  readonly processed: number;`, `}`, "");
  for (const entity of ENTITIES) {
    out.push(
      `/** Periodically reconciles app${i}'s ${entity.toLowerCase()}s. */`,
      `@worker`,
      `export class ${entity}Worker {`,
      `  readonly interval = 60_000;`,
      `  private ticks: Tick[] = [];`,
      ``,
      `  async tick(now: number): Promise<Tick> {`,
      `    const tick = { at: now, processed: this.ticks.length };`,
      `    this.ticks.push(tick);`,
      `    return tick;`,
      `  }`,
      ``,
      `  last(): Tick | undefined {`,
      `    return this.ticks.at(-1);`,
      `  }`,
      ``,
      `  reset(): void {`,
      `    this.ticks = [];`,
      `  }`,
      `}`,
      ``,
    );
  }
  out.push(
    `export function reconcile(id: RecordId${upType !== undefined ? ", previous?: UpstreamShipmentWorker" : ""}): number {`,
    `  const shipments = new ShipmentService();`,
    `  shipments.save(new Shipment(id, "shipment", 1));`,
    `  const accounts = new AccountService();`,
    `  const invoices = new InvoiceService();`,
    `  return shipments.total() + accounts.total() + invoices.total()${upType !== undefined ? " + (previous ? 1 : 0)" : ""};`,
    `}`,
    "",
  );
  return out.join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = process.argv.slice(2).map(Number);
  for (const n of sizes.length > 0 ? sizes : [10]) {
    const started = performance.now();
    const project = synthesize(n);
    console.log(
      `${project.root}: ${project.moduleFiles.length} module files, ${project.lines} lines (${(project.lines / project.moduleFiles.length).toFixed(0)} per file), ${(performance.now() - started).toFixed(0)} ms`,
    );
  }
}
