import { defineRule, show } from "../../rule";
import { OWNER_LIKE_ROLES } from "./bp-gcp-5-no-unconditioned-admin";

/** Roles an IAM-admin condition must never let the holder grant: owner-like, or a way to act as someone else. */
const NEVER_GRANTABLE = new Set([
  ...OWNER_LIKE_ROLES,
  "roles/owner",
  "roles/editor",
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.serviceAccountUser",
  "roles/iam.workloadIdentityUser",
]);

/**
 * An owner-like grant is acceptable only with a condition that narrows it:
 * project IAM admin to a list of grantable roles (modifiedGrantsByRole)
 * holding nothing owner-like, the other admin roles to named resources.
 * A condition that is always true is no condition.
 */
export const adminConditionNarrowGcp = defineRule({
  id: "BP_GCP_9",
  description: "Conditions on owner-like grants narrow them: grantable roles are not owner-like, resources are named",
  fix: "list only the workload's roles in modifiedGrantsByRole.hasOnly([...]), or restrict resource.name to the environment's prefix",
  level: "error",
  appliesTo: ["google_project_iam_member", "google_project_iam_binding"],
  check: ({ attributes }) => {
    const role = attributes.role;
    const condition = attributes.condition as { expression?: unknown } | undefined;
    if (typeof role !== "string" || !OWNER_LIKE_ROLES.has(role) || condition === undefined) return undefined;
    const expression = typeof condition.expression === "string" ? condition.expression.trim() : "";
    if (expression === "" || /^(true|!false|1\s*==\s*1)$/.test(expression)) return `${role}'s condition is always true`;
    if (role === "roles/resourcemanager.projectIamAdmin") {
      const listed = /modifiedGrantsByRole['"][^)]*\)\.hasOnly\(\[([^\]]*)\]\)/.exec(expression)?.[1];
      if (listed === undefined) return "the condition does not limit grantable roles (modifiedGrantsByRole hasOnly)";
      const roles = [...listed.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]);
      const forbidden = roles.find((r) => NEVER_GRANTABLE.has(r));
      return forbidden === undefined ? undefined : `the condition lets the holder grant ${show(forbidden)}`;
    }
    return /resource\.name/.test(expression) ? undefined : `${role}'s condition does not restrict resource.name`;
  },
});
