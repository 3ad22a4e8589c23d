/**
 * `framework.config.settings` has the type config/settings.ts declares, through the
 * registry's module augmentation: the example reads its database settings without a cast.
 * (Checked by tsc: `npm run typecheck`.)
 */
import type { Framework } from "spoc";
import { expectTypeOf, it } from "vitest";
import type settings from "../../config/settings.ts";
import "../../generated/registry.ts";

type Settings = Framework["config"]["settings"];

it("types settings as the project declares them", () => {
  expectTypeOf<Settings["database"]>().toEqualTypeOf<(typeof settings)["database"]>();
  expectTypeOf<Settings["database"]["port"]>().toEqualTypeOf<number>();
  expectTypeOf<Settings["email"]["host"]>().toEqualTypeOf<string>();
});
