/**
 * `vite dev`: the dev server's own file watcher drives the generator. An edit of an input
 * (or a file appearing under `apps/` or `config/`) reruns the pipeline on the session's cache,
 * re-parsing only what changed; when the registry's files change on disk, Vite's watcher sees
 * them and updates the app as it does for any edited module (HMR, or a reload for SSR).
 * Diagnostics go to the terminal and to the browser's error overlay.
 */
import type { Generation } from "../generate.ts";
import { toRollupDiagnostic } from "./messages.ts";
import type { RegistrySession } from "./session.ts";

/** Quiet time after the last file event before the generator runs, in ms. */
const QUIET_MS = 50;

/** The parts of Vite's dev server used here (the same in Vite 5 to 8). */
export interface DevServer {
  readonly watcher: {
    on(event: "add" | "change" | "unlink" | "addDir" | "unlinkDir", listener: (path: string) => void): unknown;
  };
  readonly ws: { send(payload: { type: "error"; err: DevError }): void };
  readonly config: { readonly logger: { error(message: string): void; warn(message: string): void } };
}

/** Vite's `ErrorPayload["err"]`. */
interface DevError {
  message: string;
  stack: string;
  id?: string;
  frame?: string;
  plugin?: string;
  loc?: { file?: string; line: number; column: number };
}

/** Regenerates on the dev server's file events; returns how to report a generation there. */
export function configureDevServer(server: DevServer, session: RegistrySession): (generation: Generation) => void {
  const report = (generation: Generation): void => reportToServer(server, session, generation);
  let timer: NodeJS.Timeout | undefined;
  const regenerate = (): void => {
    // The events of one save (or of a save in several writes) arrive close together: run once
    // they have stopped for a moment, so a half-written file is not what the registry sees.
    clearTimeout(timer);
    timer = setTimeout(() => {
      session.generate().then(report, (error: unknown) => {
        server.config.logger.error(
          `[spoc] the generator failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }, QUIET_MS);
  };
  const onEvent = (path: string): void => {
    if (session.noteChange(path)) regenerate();
  };
  for (const event of ["add", "change", "unlink", "addDir", "unlinkDir"] as const) server.watcher.on(event, onEvent);
  return report;
}

function reportToServer(server: DevServer, session: RegistrySession, generation: Generation): void {
  const errors = generation.result.diagnostics.filter((d) => d.severity === "error");
  for (const diagnostic of generation.result.diagnostics) {
    const shape = toRollupDiagnostic(diagnostic, session.root);
    const where = diagnostic.file === "" ? "" : `${diagnostic.file}:${diagnostic.line}:${diagnostic.column} `;
    const text = `[spoc] ${where}${shape.message}${shape.frame === undefined ? "" : `\n${shape.frame}`}`;
    if (diagnostic.severity === "error") server.config.logger.error(text);
    else server.config.logger.warn(text);
  }
  const [first] = errors;
  if (first === undefined) return;
  const shape = toRollupDiagnostic(first, session.root);
  server.ws.send({
    type: "error",
    err: {
      message: shape.message,
      stack: "",
      plugin: "spoc",
      ...(shape.id !== undefined && { id: shape.id }),
      ...(shape.frame !== undefined && { frame: shape.frame }),
      ...(shape.loc !== undefined && { loc: shape.loc }),
    },
  });
}
