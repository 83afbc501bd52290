import { defineRule, isToken, missingKeys, stringMap } from "../../rule";
import { REQUIRED_TAG_KEYS } from "../../tags";

export const azureRequiredTags = defineRule({
  id: "BP_AZ_1",
  description: `Taggable Azure resources carry the standard tags (${REQUIRED_TAG_KEYS.join(", ")})`,
  fix: "create the resource inside an EnvironmentStack (StandardTagsAspect adds them) or set the missing keys in tags",
  level: "error",
  appliesTo: ["azurerm_*"],
  check: ({ attributes, accepts }) => {
    if (!accepts("tags") || isToken(attributes.tags)) return undefined;
    const missing = missingKeys(REQUIRED_TAG_KEYS, stringMap(attributes.tags));
    return missing.length === 0 ? undefined : `missing tag(s) ${missing.join(", ")}`;
  },
});
