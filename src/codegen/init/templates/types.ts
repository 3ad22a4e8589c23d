/** The data init writes: files, and what each bundler adds to package.json. */

/** One file of a new project, relative to its root with `/` separators. */
export interface TemplateFile {
  readonly path: string;
  readonly text: string;
}

/** What is known when the templates are filled in. */
export interface TemplateContext {
  /** The package name of the new project (its folder's name, made valid). */
  readonly name: string;
  /** The first app's name. */
  readonly app: string;
  /** The version range of spoc the project depends on. */
  readonly spocVersion: string;
}

/** How a project builds its bundle: the build script and what it needs. */
export interface BundlerTemplate {
  /** The files it adds (its build configuration). */
  readonly files: (context: TemplateContext) => readonly TemplateFile[];
  /** `npm run build`: bundle the app into dist/. */
  readonly buildScript: string;
  /** `npm run dev`: rebuild on every change and restart the app. */
  readonly devScript: string;
  /** Packages the build needs, with version ranges. */
  readonly devDependencies: Readonly<Record<string, string>>;
}
