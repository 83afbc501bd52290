import { requiredTagsRule } from "../required-tags";

/** azurerm has no provider default tags: StandardTagsAspect writes them on every resource that takes tags. */
export const azureRequiredTags = requiredTagsRule({
  id: "BP_AZ_1",
  resources: "Taggable Azure resources",
  fix: "create the resource inside an EnvironmentStack (StandardTagsAspect adds them) or set the missing keys in tags",
  appliesTo: ["azurerm_*"],
  map: "tags",
  taggableWhen: "tags",
});
