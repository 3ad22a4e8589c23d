/**
 * The command that regenerates the registry, as a user of the installed package runs it.
 * Every hint, message and banner that tells how to regenerate names this one constant.
 */
export const REGENERATE_COMMAND = "npx spoc gen";
