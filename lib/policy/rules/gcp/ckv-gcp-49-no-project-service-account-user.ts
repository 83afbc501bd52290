import { defineRule } from "../../rule";
import { unconditionedGrant } from "./members";

/** Roles that let a member act as, or mint tokens for, every service account of the project. */
const IMPERSONATION_ROLES = new Set(["roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator"]);

export const noProjectServiceAccountUser = defineRule({
  id: "CKV_GCP_49",
  description: "No project-wide Service Account User or Token Creator (it reaches every service account)",
  fix: "grant it on the service account (google_service_account_iam_member), or add a condition naming the accounts",
  level: "error",
  appliesTo: ["google_project_iam_member", "google_project_iam_binding"],
  check: ({ attributes }) => unconditionedGrant(attributes, IMPERSONATION_ROLES),
});
