import { defineRule, isKnown } from "../../rule";

export const bucketUniformAccess = defineRule({
  id: "CKV_GCP_29",
  description: "Cloud Storage buckets use uniform bucket-level access (IAM only, no object ACLs)",
  fix: "set uniformBucketLevelAccess: true (uniform_bucket_level_access)",
  level: "error",
  appliesTo: ["google_storage_bucket"],
  check: ({ attributes }) => {
    const value = attributes.uniform_bucket_level_access;
    return !isKnown(value) || value === true ? undefined : "uniform_bucket_level_access is not true";
  },
});
