import { defineRule, isKnown, show } from "../../rule";

export const bucketPublicAccessPrevention = defineRule({
  id: "CKV_GCP_114",
  description: "Cloud Storage buckets enforce public access prevention",
  fix: 'set publicAccessPrevention: "enforced" (public_access_prevention)',
  level: "error",
  appliesTo: ["google_storage_bucket"],
  check: ({ attributes }) => {
    const value = attributes.public_access_prevention;
    if (!isKnown(value) || value === "enforced") return undefined;
    return `public_access_prevention is ${value === undefined ? "unset (inherited)" : show(value)}`;
  },
});
