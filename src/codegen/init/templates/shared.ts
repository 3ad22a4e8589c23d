/** Shared text of the bundler templates. */

/** The comment that opens every build configuration, after its first sentence. */
export const PLUGIN_DOES = `spoc() regenerates generated/registry.ts at the start of every build,
 * fails the build on spoc's diagnostics, and adds what the registry and the workers need in
 * a bundle (dist/registry.js and the worker child).`;

/** Versions of the tools a new project builds with. */
export const VERSIONS = {
  esbuild: "^0.28.2",
  vite: "^8.4.0",
  rollup: "^4.68.8",
  "rollup-plugin-esbuild": "^6.2.1",
  webpack: "^5.112.2",
  "webpack-cli": "^7.3.1",
  "esbuild-loader": "^4.5.0",
  "@rspack/core": "^2.3.2",
  "@rspack/cli": "^2.2.8",
} as const;
