import { requiredTagsRule } from "../required-tags";

export const gcpRequiredLabels = requiredTagsRule({
  id: "BP_GCP_1",
  resources: "Labelled GCP resources",
  fix: "create the resource with the stack's Google provider, whose default_labels carry them, or set the missing keys in labels",
  appliesTo: ["google_*"],
  map: "labels",
  // default_labels reach exactly the resources with effective_labels; `labels` elsewhere is not a label map.
  taggableWhen: "effective_labels",
  providerDefaults: (provider) => provider.default_labels,
});
