import { block } from "../../rule";
import { requiredTagsRule } from "../required-tags";

export const awsRequiredTags = requiredTagsRule({
  id: "BP_AWS_1",
  resources: "Taggable AWS resources",
  fix: "create the resource with the stack's AWS provider, whose default_tags carry them, or set the missing keys in tags",
  appliesTo: ["aws_*"],
  map: "tags",
  // default_tags reach exactly the resources that have tags_all; others cannot be tagged.
  taggableWhen: "tags_all",
  providerDefaults: (provider) => block(provider, "default_tags").tags,
});
