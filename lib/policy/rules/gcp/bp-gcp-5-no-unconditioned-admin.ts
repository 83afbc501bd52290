import { defineRule } from "../../rule";
import { unconditionedGrant } from "./members";

/**
 * Project roles that change who can do what, or reach every secret or bucket:
 * owner-like when granted project-wide without a condition.
 */
export const OWNER_LIKE_ROLES = new Set([
  "roles/resourcemanager.projectIamAdmin",
  "roles/iam.securityAdmin",
  "roles/iam.roleAdmin",
  "roles/iam.serviceAccountAdmin",
  "roles/iam.serviceAccountKeyAdmin",
  "roles/iam.workloadIdentityPoolAdmin",
  "roles/secretmanager.admin",
  "roles/storage.admin",
]);

export const noUnconditionedAdmin = defineRule({
  id: "BP_GCP_5",
  description:
    "No owner-like role (project IAM, service account, secret or storage admin) project-wide without a condition",
  fix: "grant the role on the resources themselves, or add a condition (modifiedGrantsByRole for project IAM, resource.name for the rest)",
  level: "error",
  appliesTo: ["google_project_iam_member", "google_project_iam_binding"],
  check: ({ attributes }) => unconditionedGrant(attributes, OWNER_LIKE_ROLES),
});
