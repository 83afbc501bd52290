import { defineRule } from "../../rule";
import { membersOf, PUBLIC_MEMBERS } from "./members";

export const bucketNotPublic = defineRule({
  id: "CKV_GCP_28",
  description: "Cloud Storage buckets are not readable by allUsers or allAuthenticatedUsers",
  fix: "grant the bucket role to the service accounts that need it, not to allUsers/allAuthenticatedUsers",
  level: "error",
  appliesTo: ["google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"],
  check: ({ attributes }) => {
    const publicMembers = membersOf(attributes).filter((m) => PUBLIC_MEMBERS.has(m));
    return publicMembers.length === 0 ? undefined : `grants ${String(attributes.role)} to ${publicMembers.join(", ")}`;
  },
});
