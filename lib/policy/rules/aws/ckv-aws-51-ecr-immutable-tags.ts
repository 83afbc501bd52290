import { defineRule, isKnown, show } from "../../rule";

export const ecrImmutableTags = defineRule({
  id: "CKV_AWS_51",
  description: "ECR image tags are immutable",
  fix: 'set imageTagMutability: "IMMUTABLE" (image_tag_mutability) so a tag always names the image that was reviewed',
  level: "error",
  appliesTo: ["aws_ecr_repository"],
  check: ({ attributes }) => {
    const value = attributes.image_tag_mutability;
    if (!isKnown(value) || value === "IMMUTABLE" || value === "IMMUTABLE_WITH_EXCLUSION") return undefined;
    return value === undefined ? "image_tag_mutability is unset (MUTABLE)" : `image_tag_mutability is ${show(value)}`;
  },
});
