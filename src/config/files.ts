/**
 * Where a project's configuration lives, relative to its root. A module of its own so that
 * code which only looks at these files (the generator's fast paths) loads no parser.
 */

/** Where `spoc.toml` lives, relative to the project root. */
export const PROJECT_CONFIG_FILE = "config/spoc.toml";

/** Where settings live, relative to the project root. */
export const SETTINGS_FILE = "config/settings.ts";

/** Where the schema lives, relative to the project root. */
export const SCHEMA_FILE = "config/schema.ts";
