/**
 * Validation of spoc's SARIF output against the SARIF 2.1.0 JSON schema, vendored in
 * `sarif-schema/` (see its README for the source), with Ajv.
 */
import { readFileSync } from "node:fs";
import ajvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";

const schema = JSON.parse(readFileSync(new URL("./sarif-schema/sarif-2.1.0-rtm.5.json", import.meta.url), "utf8"));
// The schema's `language` pattern has a stray "]", an error only in Unicode mode.
// (CommonJS packages: their `default` export is the class and the plugin.)
const ajv = new ajvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

/** What the schema says is wrong with `log` (`<JSON pointer> <message>`); empty when valid. */
export function sarifViolations(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? error.keyword}`);
}
