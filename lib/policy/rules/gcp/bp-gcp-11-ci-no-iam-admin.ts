import { defineRule, show } from "../../rule";
import { ciPurposeOfMember } from "./accounts";

/**
 * Roles that make service accounts or change who holds a role (on the
 * project or on an account: `tokenCreator` on a workload account, or
 * `run.builder` to anyone): bootstrap makes the workload's accounts and
 * grants (docs/bootstrap.md, "Bootstrap owns identity"), so no CI account
 * holds one, with or without a condition.
 */
export const IAM_ADMIN_ROLES = new Set([
  "roles/resourcemanager.projectIamAdmin",
  "roles/iam.securityAdmin",
  "roles/iam.roleAdmin",
  "roles/iam.serviceAccountAdmin",
  "roles/iam.serviceAccountCreator",
  "roles/iam.serviceAccountKeyAdmin",
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.workloadIdentityPoolAdmin",
  "roles/owner",
  "roles/editor",
]);

export const ciNoIamAdminGcp = defineRule({
  id: "BP_GCP_11",
  description: "CI service accounts hold no IAM administration role, even under a condition",
  fix: "make the workload's service accounts and their grants in the bootstrap stack (lib/bootstrap/workload/gcp.ts); give the deploy account roles/iam.serviceAccountUser on them only",
  level: "error",
  appliesTo: ["google_project_iam_member", "google_project_iam_binding"],
  check: (input) => {
    const role = input.attributes.role;
    if (typeof role !== "string" || !IAM_ADMIN_ROLES.has(role)) return undefined;
    const purpose = ciPurposeOfMember(input);
    return purpose === undefined ? undefined : `the CI ${purpose} account gets ${show(role)}`;
  },
});
