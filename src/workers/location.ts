/**
 * Where a worker class can be imported from inside a fresh thread or process, which shares
 * no objects with the parent: only a module URL and an export name cross over.
 */

/** The worker class is an export of one of the registry's modules. */
export interface RegistryWorkerLocation {
  /** `Registry.url`: `import.meta.url` of the registry module. */
  readonly registryUrl: string;
  /** The registry module key, e.g. `"users.workers"`. */
  readonly module: string;
  readonly exportName: string;
}

/** The worker class is an export of a module imported directly. */
export interface ModuleWorkerLocation {
  /** `import.meta.url` of the module that exports the class. */
  readonly moduleUrl: string;
  readonly exportName: string;
}

export type WorkerLocation = RegistryWorkerLocation | ModuleWorkerLocation;

// Typed loosely so that any class, abstract or not, can be a key.
type WorkerClass = abstract new (...args: never[]) => unknown;

const locations = new WeakMap<WorkerClass, WorkerLocation>();

/**
 * Records where `workerClass` can be imported from. The Framework calls this for every
 * component of the registry; call it yourself for a worker class outside the registry:
 * `setWorkerLocation(MyWorker, { moduleUrl: import.meta.url, exportName: "MyWorker" })`.
 */
export function setWorkerLocation(workerClass: WorkerClass, location: WorkerLocation): void {
  locations.set(workerClass, location);
}

/** Where `workerClass` was recorded to be importable from, if anywhere. */
export function getWorkerLocation(workerClass: WorkerClass): WorkerLocation | undefined {
  return locations.get(workerClass);
}

/** The URL of the module a child imports first for `location`. */
export function entryModuleUrl(location: WorkerLocation): string {
  return "registryUrl" in location ? location.registryUrl : location.moduleUrl;
}

/** `"users.workers#EmailWorker"`, for messages. */
export function describeLocation(location: WorkerLocation): string {
  return "registryUrl" in location
    ? `${location.module}#${location.exportName} (registry ${location.registryUrl})`
    : `${location.moduleUrl}#${location.exportName}`;
}
