import { defineRule, strings } from "../../rule";
import { PUBLIC_MEMBERS } from "./members";

/** Every way an ACL or a whole policy can name the public: entities and members. */
const PUBLIC = /\b(allUsers|allAuthenticatedUsers)\b/;

export const bucketAclNotPublic = defineRule({
  id: "BP_GCP_8",
  description: "Cloud Storage ACLs and bucket policies grant nothing to allUsers or allAuthenticatedUsers",
  fix: "keep uniform bucket-level access on and grant roles to service accounts; remove allUsers/allAuthenticatedUsers entities",
  level: "error",
  appliesTo: [
    "google_storage_bucket_acl",
    "google_storage_default_object_acl",
    "google_storage_bucket_access_control",
    "google_storage_default_object_access_control",
    "google_storage_object_access_control",
    "google_storage_object_acl",
    "google_storage_bucket_iam_policy",
  ],
  check: ({ attributes }) => {
    for (const [path, text] of strings(attributes)) {
      const match = PUBLIC.exec(text);
      if (match !== null && PUBLIC_MEMBERS.has(match[1])) return `${path} grants to ${match[1]}`;
    }
    return undefined;
  },
});
