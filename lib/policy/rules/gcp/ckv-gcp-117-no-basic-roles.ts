import { defineRule, show } from "../../rule";

const BASIC_ROLES = new Set(["roles/owner", "roles/editor", "roles/viewer"]);

export const noBasicRoles = defineRule({
  id: "CKV_GCP_117",
  description: "No basic role (owner, editor, viewer) is granted on the project",
  fix: 'grant predefined roles for the job (e.g. "roles/logging.logWriter", "roles/run.invoker") instead',
  level: "error",
  appliesTo: ["google_project_iam_member", "google_project_iam_binding"],
  check: ({ attributes }) => {
    const role = attributes.role;
    return typeof role === "string" && BASIC_ROLES.has(role) ? `role is ${show(role)}` : undefined;
  },
});
