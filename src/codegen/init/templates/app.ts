/** The module files of an app: the first app's working examples, or a new app's empty modules. */
import type { TemplateFile } from "./types.ts";

/** The first app of a new project: a model, a service, a view and two workers. */
export function exampleAppFiles(app: string): TemplateFile[] {
  const dir = `apps/${app}`;
  return [
    {
      path: `${dir}/models.ts`,
      text: `import { model } from "../../framework/components.ts";

/** A greeting said to someone. */
@model
export class Greeting {
  readonly to: string;
  readonly text: string;

  constructor(to: string, text: string) {
    this.to = to;
    this.text = text;
  }
}
`,
    },
    {
      path: `${dir}/services.ts`,
      text: `import { service } from "../../framework/components.ts";
import { Greeting } from "./models.ts";

@service
export class GreetingService {
  greet(to: string): Greeting {
    return new Greeting(to, \`Hello, \${to}!\`);
  }
}
`,
    },
    {
      path: `${dir}/views.ts`,
      text: `import { view } from "../../framework/components.ts";
import { GreetingService } from "./services.ts";

const greetings = new GreetingService();

export const greet = view(function greet(to: string): string {
  return greetings.greet(to).text;
});
`,
    },
    {
      path: `${dir}/workers.ts`,
      text: `import { ProcessWorker, ThreadWorker } from "spoc";
import { worker } from "../../framework/components.ts";
import { GreetingService } from "./services.ts";

/** A worker's state: it comes back to the parent after \`join()\`. */
type Greeted = { greeted: number };

/** Runs in a worker thread. */
@worker
export class GreeterThread extends ThreadWorker<Greeted> {
  override async main(): Promise<void> {
    const greetings = new GreetingService();
    while (this.isRunning) {
      greetings.greet("thread");
      this.context.greeted += 1;
      await this.sleep(20); // returns at once on stop()
    }
  }
}

/** Runs in a child process. */
@worker
export class GreeterProcess extends ProcessWorker<Greeted> {
  override async main(): Promise<void> {
    const greetings = new GreetingService();
    while (this.isRunning) {
      greetings.greet(\`process \${process.pid}\`);
      this.context.greeted += 1;
      await this.sleep(20);
    }
  }
}
`,
    },
  ];
}

/** A new app: one file per schema module, each saying what it holds. */
export function emptyAppFiles(app: string, modules: readonly string[]): TemplateFile[] {
  return modules.map((module) => ({
    path: `apps/${app}/${module}.ts`,
    text: `/** The ${module} of the ${app} app. */\nexport {};\n`,
  }));
}
