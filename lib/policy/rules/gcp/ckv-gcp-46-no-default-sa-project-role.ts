import { defineRule } from "../../rule";
import { DEFAULT_SERVICE_ACCOUNT, membersOf } from "./members";

export const noDefaultServiceAccountRole = defineRule({
  id: "CKV_GCP_46",
  description: "Default service accounts get no project roles",
  fix: "create a google_service_account for the workload and grant the role to it",
  level: "error",
  appliesTo: ["google_project_iam_member", "google_project_iam_binding"],
  check: ({ attributes }) => {
    const defaults = membersOf(attributes).filter((m) => DEFAULT_SERVICE_ACCOUNT.test(m));
    return defaults.length === 0 ? undefined : `grants ${String(attributes.role)} to ${defaults.join(", ")}`;
  },
});
