import { defineRule, show } from "../../rule";
import { ciPurposeOfMember } from "./accounts";

/** Roles that read secret payloads, or can make themselves able to. */
const SECRET_READING_ROLES = new Set([
  "roles/secretmanager.secretAccessor",
  "roles/secretmanager.admin",
  "roles/secretmanager.secretVersionManager",
  "roles/owner",
  "roles/editor",
  "roles/iam.serviceAccountTokenCreator",
]);
/** Never for a plan identity, conditioned or not. */
const NEVER = new Set([
  "roles/secretmanager.admin",
  "roles/owner",
  "roles/editor",
  "roles/iam.serviceAccountTokenCreator",
]);

/**
 * A CI plan identity reads secret payloads only where a refresh needs them:
 * secretAccessor under a condition naming the environment's own secrets.
 * Never project-wide, never on a single secret outside that condition, never admin.
 */
export const planNoSecretReadGcp = defineRule({
  id: "BP_GCP_10",
  description:
    "CI plan service accounts read no secret payload beyond the environment's own secrets (conditioned secretAccessor)",
  fix: "grant the plan account roles/secretmanager.viewer, and secretAccessor only with a condition on resource.name (the environment's prefix)",
  level: "error",
  appliesTo: ["google_project_iam_member", "google_project_iam_binding", "google_secret_manager_secret_iam_member"],
  check: (input) => {
    const role = input.attributes.role;
    if (typeof role !== "string" || !SECRET_READING_ROLES.has(role)) return undefined;
    if (ciPurposeOfMember(input) !== "plan") return undefined;
    if (NEVER.has(role)) return `a plan identity is granted ${show(role)}`;
    if (input.type === "google_secret_manager_secret_iam_member")
      return `a plan identity is granted ${show(role)} on a secret`;
    const condition = input.attributes.condition as { expression?: unknown } | undefined;
    return typeof condition?.expression === "string" && /resource\.name/.test(condition.expression)
      ? undefined
      : `a plan identity is granted ${show(role)} on every secret of the project`;
  },
});
