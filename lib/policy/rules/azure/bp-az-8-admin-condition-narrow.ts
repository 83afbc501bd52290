import { defineRule, show } from "../../rule";
import { ciPurposeOfPrincipal } from "./identities";

/** Roles that administer access: holding one lets a principal give itself anything. */
const ACCESS_ADMIN_ROLES = new Set(["Role Based Access Control Administrator", "User Access Administrator"]);
const ACCESS_ADMIN_IDS = ["f58310d9-a9f6-439a-9e8d-f62e7b41a168", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"];

/** Owner, Contributor, User Access Administrator, RBAC Administrator: what an admin condition must never let through. */
const OWNER_LIKE_IDS: Readonly<Record<string, string>> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};

/**
 * A CI identity never administers role assignments, whatever the condition:
 * the environment stacks make none (bootstrap does), and a narrow condition
 * still lets a deploy job give a role it names (Key Vault Secrets User, say)
 * to a principal outside CI that keeps it after the job (issue 26).
 * Any other identity that may assign roles gets it only under a condition naming
 * the roles it may assign (and to service principals only), and that list
 * holds no owner-like role: otherwise it can make any principal an owner.
 * The condition also names principals it may not assign to (the CI
 * identities): otherwise a deploy identity gives itself, or a plan identity
 * merge requests use, a data role.
 */
export const adminConditionNarrow = defineRule({
  id: "BP_AZ_8",
  description:
    "No CI identity administers role assignments; other role-assignment administrators are constrained by a condition that lists the assignable roles, none owner-like, and excludes the CI identities as assignees",
  fix: "give a CI identity no RBAC Administrator or User Access Administrator (bootstrap makes the grants); for anyone else, set condition (version 2.0) to allow roleAssignments/write only for the workload roles' ids (@Request[...RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {...}), PrincipalType ServicePrincipal, and never the CI identities (@Request[...PrincipalId] ForAnyOfAllValues:GuidNotEquals {...})",
  level: "error",
  appliesTo: ["azurerm_role_assignment"],
  check: (input) => {
    const { attributes } = input;
    const name = attributes.role_definition_name;
    const id = typeof attributes.role_definition_id === "string" ? attributes.role_definition_id.toLowerCase() : "";
    const administers =
      (typeof name === "string" && ACCESS_ADMIN_ROLES.has(name)) || ACCESS_ADMIN_IDS.some((g) => id.endsWith(g));
    const ci = administers ? ciPurposeOfPrincipal(input) : undefined;
    if (ci !== undefined)
      return `the CI ${ci} identity is assigned ${show(name ?? id)}: it could grant roles outside CI`;
    const condition = attributes.condition;
    if (typeof condition !== "string" || condition.trim() === "") {
      return administers ? `${show(name ?? id)} is assigned without a condition` : undefined;
    }
    const granted = Object.entries(OWNER_LIKE_IDS).find(([guid]) => condition.toLowerCase().includes(guid));
    if (granted !== undefined) return `condition lets the holder assign ${granted[1]}`;
    if (administers && !/roleAssignments:RoleDefinitionId\]\s+ForAnyOfAnyValues:GuidEquals/i.test(condition)) {
      return "condition does not limit which roles may be assigned (RoleDefinitionId GuidEquals)";
    }
    if (
      administers &&
      !/roleAssignments:PrincipalId\]\s+ForAnyOfAllValues:GuidNotEquals\s*\{\s*[^}\s]/i.test(condition)
    ) {
      return "condition lets the holder assign to itself and the other CI identities (no PrincipalId GuidNotEquals)";
    }
    return undefined;
  },
});
