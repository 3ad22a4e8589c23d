/** An app's workers module, found through the hand-written registry in demo-registry.ts. */
import { ProcessWorker, ThreadWorker } from "../../src/workers/index.ts";

export class DemoThread extends ThreadWorker<{ greeting?: string }> {
  override main(): void {
    this.context.greeting = `hello from ${this.name} in a thread`;
  }
}

export class DemoProcess extends ProcessWorker<{ greeting?: string }> {
  override main(): void {
    this.context.greeting = `hello from ${this.name} in process ${process.pid}`;
  }
}
