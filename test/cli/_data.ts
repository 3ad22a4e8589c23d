/** Hand-built pipeline results for testing the formatters without a scan. */
import type { Diagnostic, PipelineResult, ProjectModel } from "../../src/codegen/model.ts";

export const cycleDiagnostic: Diagnostic = {
  code: "SPOC002",
  severity: "error",
  message: "runtime import cycle between blog.services and users.services",
  file: "apps/blog/services.ts",
  line: 3,
  column: 1,
  cycle: ["blog.services", "users.services", "blog.services"],
  related: [
    { file: "apps/blog/services.ts", line: 3, column: 1, message: "blog.services imports users.services" },
    { file: "apps/users/services.ts", line: 2, column: 1, message: "users.services imports blog.services" },
  ],
  hint: "Move the shared code into a module both can import, or use `import type`.",
};

export const warningDiagnostic: Diagnostic = {
  code: "SPOC005",
  severity: "warning",
  message: 'app "users" has no workers module',
  file: "config/settings.ts",
  line: 4,
  column: 18,
};

export const model: ProjectModel = {
  root: "/project",
  modes: ["development", "production"],
  apps: [
    {
      name: "users",
      modes: ["development", "production"],
      exists: true,
      declaredAt: { file: "config/settings.ts", line: 3, column: 3 },
    },
    {
      name: "blog",
      modes: ["development", "production"],
      exists: true,
      declaredAt: { file: "config/settings.ts", line: 3, column: 12 },
    },
  ],
  schema: {
    file: "config/schema.ts",
    modules: ["models", "services"],
    dependencies: { services: ["models"] },
    dependencyLocations: { "services->models": { file: "config/schema.ts", line: 5, column: 15 } },
    hookModules: {},
    strict: true,
    fingerprint: "abc",
  },
  kinds: ["model", "service"],
  modules: [
    {
      name: "users.models",
      app: "users",
      module: "models",
      file: "apps/users/models.ts",
      components: [],
      imports: [],
      appFileImports: [],
      helperImports: [],
    },
    {
      name: "users.services",
      app: "users",
      module: "services",
      file: "apps/users/services.ts",
      components: [],
      imports: [],
      appFileImports: [],
      helperImports: [],
    },
    {
      name: "blog.models",
      app: "blog",
      module: "models",
      file: undefined,
      components: [],
      imports: [],
      appFileImports: [],
      helperImports: [],
    },
    {
      name: "blog.services",
      app: "blog",
      module: "services",
      file: "apps/blog/services.ts",
      components: [
        {
          kind: "service",
          key: "blog.PostService",
          module: "blog.services",
          exportName: "PostService",
          file: "apps/blog/services.ts",
          line: 4,
          column: 1,
        },
      ],
      imports: [
        {
          target: "users.services",
          file: "apps/blog/services.ts",
          line: 3,
          column: 1,
          typeOnly: false,
          targetFile: "apps/users/services.ts",
        },
        {
          target: "users.services",
          file: "apps/blog/services.ts",
          line: 2,
          column: 1,
          typeOnly: false,
          targetFile: "apps/users/services.ts",
        },
        {
          target: "users.models",
          file: "apps/blog/services.ts",
          line: 1,
          column: 1,
          typeOnly: true,
          targetFile: "apps/users/models.ts",
        },
      ],
      appFileImports: [],
      helperImports: [],
    },
  ],
  plugins: [],
  appFolders: ["blog", "users"],
  settings: { file: "config/settings.ts", exportName: "default" },
  ignoredCodes: ["SPOC003"],
  appRules: { dependencies: {}, encapsulated: [] },
  inputs: ["apps/blog/services.ts", "apps/users/models.ts", "apps/users/services.ts", "config/schema.ts"],
};

export function resultOf(diagnostics: readonly Diagnostic[], silenced = 0): PipelineResult {
  const failed = diagnostics.some((d) => d.severity === "error");
  return {
    model,
    diagnostics,
    silenced,
    loadOrder: failed ? undefined : ["users.models", "users.services", "blog.models", "blog.services"],
    registry: failed ? undefined : { module: "// registry\n", data: "// data\n" },
  };
}
