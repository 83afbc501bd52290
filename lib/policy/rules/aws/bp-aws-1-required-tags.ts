import { block, defineRule, isToken, missingKeys, stringMap } from "../../rule";
import { REQUIRED_TAG_KEYS } from "../../tags";

export const awsRequiredTags = defineRule({
  id: "BP_AWS_1",
  description: `Taggable AWS resources carry the standard tags (${REQUIRED_TAG_KEYS.join(", ")})`,
  fix: "create the resource with the stack's AWS provider, whose default_tags carry them, or set the missing keys in tags",
  level: "error",
  appliesTo: ["aws_*"],
  check: ({ attributes, accepts, provider }) => {
    // default_tags reach exactly the resources that have tags_all; others cannot be tagged.
    if (!accepts("tags_all") || isToken(attributes.tags)) return undefined;
    const defaults = stringMap(block(provider ?? {}, "default_tags").tags);
    const missing = missingKeys(REQUIRED_TAG_KEYS, defaults, stringMap(attributes.tags));
    return missing.length === 0
      ? undefined
      : `missing tag(s) ${missing.join(", ")} (resource tags + provider default_tags)`;
  },
});
