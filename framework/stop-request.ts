/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP as a request the demonstration honours at its next
 * step: it stops the workers it started, shuts the app down (the database last) and exits 0.
 * A second signal exits at once; one that comes within {@link SAME_STOP_MS} of the first is the
 * same stop delivered again, and is ignored: Ctrl-C in a terminal signals the whole process
 * group, and `npm start`'s npm and launcher pass the signal on as well, so the app gets it two
 * or three times within milliseconds.
 */

/** Thrown at a step of the demonstration once a stop was requested. */
export class StopRequested extends Error {
  constructor(signal: string) {
    super(`stopped by ${signal}`);
    this.name = "StopRequested";
  }
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const EXIT_CODES: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
/** A signal this soon after the first is the same stop, delivered by another route. */
export const SAME_STOP_MS = 1000;

export class StopRequest {
  readonly #controller = new AbortController();
  #signal: string | undefined;
  #requestedAt = 0;
  readonly #onSignal = (signal: (typeof SIGNALS)[number]): void => {
    if (this.#signal !== undefined) {
      if (performance.now() - this.#requestedAt < SAME_STOP_MS) return;
      process.exit(EXIT_CODES[signal]);
    }
    this.#signal = signal;
    this.#requestedAt = performance.now();
    console.log(`\n  ${signal} received: stopping...`);
    this.#controller.abort();
  };

  /** Listens for the signals until `dispose()`. */
  constructor() {
    for (const signal of SIGNALS) process.on(signal, this.#onSignal);
  }

  /** Aborted when a stop is requested. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The signal that asked to stop, if one did. */
  get requestedBy(): string | undefined {
    return this.#signal;
  }

  /** Resolves when a stop is requested. */
  get requested(): Promise<void> {
    const signal = this.#controller.signal;
    return signal.aborted
      ? Promise.resolve()
      : new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }

  /** @throws StopRequested once a stop is requested: the step's caller skips to the shutdown. */
  check(): void {
    if (this.#signal !== undefined) throw new StopRequested(this.#signal);
  }

  dispose(): void {
    for (const signal of SIGNALS) process.off(signal, this.#onSignal);
  }
}
