/** Did-you-mean suggestions for names a user wrote (shared with the runtime's spoc.toml validation). */
export { closest } from "../../did-you-mean.ts";
