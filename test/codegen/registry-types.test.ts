/**
 * The rendered registry type-checks against the real `spoc` types, and its ComponentMap makes
 * a wrong key or a wrong module a compile error. Runs `tsc` on a temporary copy of the
 * aliased-components fixture (fixtures are otherwise never type-checked): once as generated
 * (`registry.ts` is `// @ts-nocheck`, the data is JavaScript tsc does not read), and once with
 * the type map checked and the data checked against `Registry` through its JSDoc type.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { registryFiles, runPipeline } from "../../src/codegen/index.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const scratch: string[] = [];

afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

function tsc(project: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      join(repo, "node_modules", ".bin", "tsc"),
      ["-p", project],
      { timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

/**
 * A fresh copy of the fixture with its generated registry, `use.ts` (typed lookups),
 * `tsconfig.json` and `tsconfig.all.json` (which also checks the JavaScript data).
 */
async function scratchProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "spoc-registry-types-"));
  scratch.push(dir);
  await cp(join(repo, "test", "fixtures", "aliased-components"), dir, { recursive: true });
  await rm(join(dir, "expected-registry.ts"));
  await rm(join(dir, "expected-registry.data.js"));
  const result = await runPipeline({ root: dir });
  expect(result.registry).toBeDefined();
  await mkdir(join(dir, "generated"));
  for (const { file, text } of registryFiles(result.registry ?? { module: "", data: "" }))
    await writeFile(join(dir, file), text);
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await writeFile(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2023"],
        module: "nodenext",
        moduleResolution: "nodenext",
        allowImportingTsExtensions: true,
        verbatimModuleSyntax: true,
        noEmit: true,
        strict: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [join(repo, "node_modules", "@types")],
        paths: { spoc: [join(repo, "src", "index.ts")] },
      },
      include: ["**/*.ts"],
    }),
  );
  await writeFile(
    join(dir, "use.ts"),
    `import { Framework } from "spoc";
import { schema } from "./config/schema.ts";
import { registry } from "./generated/registry.ts";

const framework = await Framework.start({ baseDir: ".", schema, registry });
const UserService = framework.getComponent("services", "users.UserService");
new UserService().find();
const Account = framework.getComponent("models", "users.Account");
void new Account().name;
void framework.getComponent("models", "blog.Comment");
void framework.getComponent("views", "users.users");
// @ts-expect-error a key that is not a component
framework.getComponent("services", "users.Nope");
// @ts-expect-error a component of another module
framework.getComponent("views", "users.UserService");
// @ts-expect-error the default export is not a component
framework.getComponent("models", "users.Ignored");
`,
  );
  const config = JSON.parse(await readFile(join(dir, "tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
    include: string[];
  };
  config.compilerOptions["allowJs"] = true;
  config.compilerOptions["checkJs"] = true;
  config.include.push("generated/registry.data.js");
  await writeFile(join(dir, "tsconfig.all.json"), JSON.stringify(config));
  return dir;
}

/** `generated/registry.ts` with its type map checked: without the `// @ts-nocheck` line. */
async function checkTypeMap(dir: string): Promise<void> {
  const module = join(dir, "generated", "registry.ts");
  const generated = await readFile(module, "utf8");
  expect(generated).toMatch(/^\/\/ @ts-nocheck/m);
  await writeFile(module, generated.replace(/^\/\/ @ts-nocheck.*\n/m, ""));
}

it("renders a registry that type-checks and types getComponent by module and key", async () => {
  const dir = await scratchProject();
  const { code, output } = await tsc(join(dir, "tsconfig.json"));
  expect(output).toBe("");
  expect(code).toBe(0);
});

it("renders a type map and data that type-check when checked too", async () => {
  const dir = await scratchProject();
  await checkTypeMap(dir);
  const all = await tsc(join(dir, "tsconfig.all.json"));
  expect(all.output).toBe("");
  expect(all.code).toBe(0);
});

it("reports a registry whose data does not match Registry, when checked", async () => {
  const dir = await scratchProject();
  await checkTypeMap(dir);
  const data = join(dir, "generated", "registry.data.js");
  await writeFile(data, (await readFile(data, "utf8")).replace("fingerprint:", "fingerprint: 42, wrong:"));
  const all = await tsc(join(dir, "tsconfig.all.json"));
  expect(all.output).toMatch(/registry\.data\.js\(\d+,\d+\): error TS/);
});

it("makes a lookup of a stale registry's vanished export a compile error at the call", async () => {
  const dir = await scratchProject();
  // Renamed after the registry was generated, and not regenerated.
  const services = join(dir, "apps", "users", "services.ts");
  await writeFile(services, (await readFile(services, "utf8")).replace("class UserService", "class AccountService"));
  const { code, output } = await tsc(join(dir, "tsconfig.json"));
  expect(code).not.toBe(0);
  // use.ts line 6: `const UserService = framework.getComponent("services", "users.UserService");`
  expect(output).toMatch(
    /use\.ts\(6,\d+\): error TS2345: Argument of type '"users\.UserService"' is not assignable to parameter of type '"users\.UserService" & \{ readonly "the registry is stale: this export is gone; regenerate it with spoc gen": "users\.UserService"; \}'/,
  );
  // And its use (line 7, `new UserService()`); the other lookups still type-check.
  expect(output).toMatch(/use\.ts\(7,\d+\): error TS2351: [^\n]*\n\s+Type 'StaleComponent<"users\.UserService">'/);
  expect(output).not.toMatch(/use\.ts\((?!6,|7,)\d+,/);
});
