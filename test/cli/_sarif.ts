/**
 * The required properties and value constraints of SARIF 2.1.0 that spoc's output uses,
 * checked by hand (the schema cannot be downloaded in tests). Returns the violations.
 */
export function sarifViolations(log: unknown): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const isPositiveInteger = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;
  if (!isObject(log)) return ["log is not an object"];
  need(log.version === "2.1.0", 'version is "2.1.0"');
  need(typeof log.$schema === "string" && /sarif.*2\.1\.0/.test(log.$schema), "$schema names SARIF 2.1.0");
  need(Array.isArray(log.runs), "runs is an array");
  for (const [r, run] of (Array.isArray(log.runs) ? log.runs : []).entries()) {
    if (!isObject(run)) {
      problems.push(`runs[${r}] is an object`);
      continue;
    }
    const driver = isObject(run.tool) && isObject(run.tool.driver) ? run.tool.driver : undefined;
    need(driver !== undefined, `runs[${r}].tool.driver is an object`);
    need(typeof driver?.name === "string" && driver.name.length > 0, `runs[${r}].tool.driver.name is a string`);
    const rules = Array.isArray(driver?.rules) ? (driver.rules as unknown[]) : [];
    for (const [i, rule] of rules.entries()) {
      need(isObject(rule) && typeof rule.id === "string", `rules[${i}].id is a string`);
      if (isObject(rule) && rule.shortDescription !== undefined) {
        need(
          isObject(rule.shortDescription) && typeof rule.shortDescription.text === "string",
          `rules[${i}].shortDescription.text is a string`,
        );
      }
    }
    if (run.results === undefined) continue;
    need(Array.isArray(run.results), `runs[${r}].results is an array`);
    for (const [i, result] of (Array.isArray(run.results) ? run.results : []).entries()) {
      const at = `runs[${r}].results[${i}]`;
      if (!isObject(result)) {
        problems.push(`${at} is an object`);
        continue;
      }
      need(isObject(result.message) && typeof result.message.text === "string", `${at}.message.text is a string`);
      need(typeof result.ruleId === "string", `${at}.ruleId is a string`);
      need(
        ["error", "warning", "note", "none"].includes(result.level as string),
        `${at}.level is error|warning|note|none`,
      );
      if (result.ruleIndex !== undefined) {
        need(
          Number.isInteger(result.ruleIndex) &&
            (rules[result.ruleIndex as number] as { id?: unknown } | undefined)?.id === result.ruleId,
          `${at}.ruleIndex points at its rule`,
        );
      }
      const locations = [
        ...(Array.isArray(result.locations) ? result.locations : []),
        ...(Array.isArray(result.relatedLocations) ? result.relatedLocations : []),
      ];
      for (const [j, location] of locations.entries()) {
        const physical =
          isObject(location) && isObject(location.physicalLocation) ? location.physicalLocation : undefined;
        need(physical !== undefined, `${at} location ${j} has a physicalLocation`);
        const artifact = isObject(physical?.artifactLocation) ? physical.artifactLocation : undefined;
        need(
          typeof artifact?.uri === "string" && !artifact.uri.startsWith("/") && !artifact.uri.includes("\\"),
          `${at} location ${j} has a relative uri`,
        );
        if (isObject(physical?.region)) {
          need(isPositiveInteger(physical.region.startLine), `${at} location ${j} region.startLine >= 1`);
          if (physical.region.startColumn !== undefined)
            need(isPositiveInteger(physical.region.startColumn), `${at} location ${j} region.startColumn >= 1`);
        }
        if (isObject(location) && location.id !== undefined)
          need(Number.isInteger(location.id) && (location.id as number) >= 0, `${at} location ${j} id >= 0`);
      }
    }
  }
  return problems;
}
