import { defineRule, strings } from "../../rule";
import { WORKLOAD_SETTINGS } from "./bp-common-4-no-secret-in-workload-settings";
import { looksRandom } from "./secrets";

/**
 * A secret under an innocent name (`CONFIG`, `UPSTREAM`) with no known
 * prefix is still random text: judged by its shape, not its name. Variable
 * names and references pass; so do hex digests and commit ids.
 */
export const noRandomValuesInSettings = defineRule({
  id: "BP_COMMON_5",
  description: "Function and container settings hold no value that looks generated (a key or token by its shape)",
  fix: "store the value in the cloud's secret store and pass its reference; a value that is not secret but random (an id) can be suppressed with that reason",
  level: "error",
  appliesTo: Object.keys(WORKLOAD_SETTINGS),
  check: ({ type, attributes, expression }) => {
    for (const attribute of WORKLOAD_SETTINGS[type] ?? []) {
      const value = attributes[attribute];
      // ECS keeps its container definitions as one JSON string.
      const parsed = typeof value === "string" && value.startsWith("[") ? parseJson(expression(value)) : value;
      for (const [path, text] of strings(parsed)) {
        if (/(^|\.)name$/.test(path)) continue;
        if (looksRandom(text))
          return `${attribute}.${path} looks like a generated secret (${text.length} random characters)`;
      }
    }
    return undefined;
  },
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
