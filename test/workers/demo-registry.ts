/** A tiny registry written by hand, shaped like generated/registry.ts. */
import { defineRegistry } from "../../src/registry.ts";

export const registry = defineRegistry({
  url: import.meta.url,
  fingerprint: "x",
  apps: [{ name: "demo", modes: ["development"] }],
  modules: {
    "demo.workers": {
      app: "demo",
      module: "workers",
      file: "test/workers/demo-workers.ts",
      load: () => import("./demo-workers.ts"),
    },
  },
  components: [
    {
      kind: "worker",
      key: "demo.DemoThread",
      module: "demo.workers",
      exportName: "DemoThread",
      file: "test/workers/demo-workers.ts",
      line: 4,
    },
    {
      kind: "worker",
      key: "demo.DemoProcess",
      module: "demo.workers",
      exportName: "DemoProcess",
      file: "test/workers/demo-workers.ts",
      line: 10,
    },
  ],
  loadOrder: ["demo.workers"],
});
