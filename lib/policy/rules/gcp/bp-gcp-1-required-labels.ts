import { defineRule, isToken, missingKeys, stringMap } from "../../rule";
import { REQUIRED_TAG_KEYS } from "../../tags";

export const gcpRequiredLabels = defineRule({
  id: "BP_GCP_1",
  description: `Labelled GCP resources carry the standard labels (${REQUIRED_TAG_KEYS.join(", ")})`,
  fix: "create the resource with the stack's Google provider, whose default_labels carry them, or set the missing keys in labels",
  level: "error",
  appliesTo: ["google_*"],
  check: ({ attributes, accepts, provider }) => {
    // default_labels reach exactly the resources with effective_labels; `labels` elsewhere is not a label map.
    if (!accepts("effective_labels") || isToken(attributes.labels)) return undefined;
    const defaults = stringMap(provider?.default_labels);
    const missing = missingKeys(REQUIRED_TAG_KEYS, defaults, stringMap(attributes.labels));
    return missing.length === 0
      ? undefined
      : `missing label(s) ${missing.join(", ")} (resource labels + provider default_labels)`;
  },
});
