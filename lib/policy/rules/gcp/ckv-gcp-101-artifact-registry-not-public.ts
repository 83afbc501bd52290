import { defineRule } from "../../rule";
import { membersOf, PUBLIC_MEMBERS } from "./members";

export const artifactRegistryNotPublic = defineRule({
  id: "CKV_GCP_101",
  description: "Artifact Registry repositories are not readable by allUsers or allAuthenticatedUsers",
  fix: "grant roles/artifactregistry.reader to the runtime's service account, not to allUsers/allAuthenticatedUsers",
  level: "error",
  appliesTo: ["google_artifact_registry_repository_iam_member", "google_artifact_registry_repository_iam_binding"],
  check: ({ attributes }) => {
    const publicMembers = membersOf(attributes).filter((m) => PUBLIC_MEMBERS.has(m));
    return publicMembers.length === 0 ? undefined : `grants ${String(attributes.role)} to ${publicMembers.join(", ")}`;
  },
});
