import { block, defineRule, isKnown } from "../../rule";

export const artifactRegistryImmutableTags = defineRule({
  id: "BP_GCP_2",
  description: "Docker repositories in Artifact Registry have immutable tags",
  fix: "set dockerConfig: { immutableTags: true } (docker_config.immutable_tags)",
  level: "error",
  appliesTo: ["google_artifact_registry_repository"],
  check: ({ attributes }) => {
    if (attributes.format !== "DOCKER" && attributes.format !== "docker") return undefined;
    if (attributes.mode !== undefined && attributes.mode !== "STANDARD_REPOSITORY") return undefined; // remote/virtual repos hold no pushed tags
    const value = block(attributes, "docker_config").immutable_tags;
    return !isKnown(value) || value === true ? undefined : "docker_config.immutable_tags is not true";
  },
});
