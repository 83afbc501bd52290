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

/**
 * Product admin roles whose `setIamPolicy` shares the environment's data
 * with any member (a secret, a bucket's objects, a function's code): the
 * deploy account holds bootstrap's custom roles instead
 * (`GCP_DEPLOY_CUSTOM_ROLES`), and bootstrap grants what the workload reads.
 */
export const RESOURCE_IAM_ADMIN_ROLES = new Set([
  "roles/secretmanager.admin",
  "roles/storage.admin",
  "roles/cloudfunctions.admin",
  "roles/run.admin",
]);

/**
 * Permissions no CI account's custom role may hold: making an account, a key,
 * a token or a role, and every `setIamPolicy` but Cloud Run services' (the
 * public `run.invoker` of `publicInvoker`: https://cloud.google.com/run/docs/authenticating/public),
 * which `RUN_SERVICES_SET_IAM` allows under a name condition only.
 */
function iamAdminPermission(permission: string): boolean {
  if (permission === RUN_SERVICES_SET_IAM) return false;
  return (
    permission.endsWith(".setIamPolicy") ||
    permission === "*" ||
    /^iam\.(serviceAccounts\.(create|getAccessToken|signBlob|signJwt|implicitDelegation|getOpenIdToken)|serviceAccountKeys\.create|roles\.(create|update|undelete))$/.test(
      permission,
    )
  );
}

const RUN_SERVICES_SET_IAM = "run.services.setIamPolicy";

/**
 * Whether a grant's condition limits it to Cloud Run services by name
 * (`gcpNameCondition("services", ...)`): without one, Cloud Run's
 * `setIamPolicy` reaches every service of the project, another
 * environment's among them.
 */
function servicesByName(condition: unknown): boolean {
  const expression = (condition as { expression?: unknown } | undefined)?.expression;
  return (
    typeof expression === "string" && expression.includes('resource.name.extract("/services/{name}").startsWith("')
  );
}

export const ciNoIamAdminGcp = defineRule({
  id: "BP_GCP_11",
  description:
    "CI service accounts hold no IAM administration, even under a condition: no IAM admin role, no product admin role that sets IAM on secrets, buckets or functions, no custom role with setIamPolicy (Cloud Run services' aside, under a name condition) or account, key or role writes",
  fix: "make the workload's service accounts and their grants in the bootstrap stack (lib/bootstrap/workload/gcp.ts); give the deploy account roles/iam.serviceAccountUser on them and the custom roles of GCP_DEPLOY_CUSTOM_ROLES",
  level: "error",
  appliesTo: ["google_project_iam_member", "google_project_iam_binding"],
  check: (input) => {
    const role = input.attributes.role;
    if (typeof role !== "string") return undefined;
    const purpose = ciPurposeOfMember(input);
    if (purpose === undefined) return undefined;
    if (IAM_ADMIN_ROLES.has(role) || RESOURCE_IAM_ADMIN_ROLES.has(role)) {
      return `the CI ${purpose} account gets ${show(role)}`;
    }
    const custom = /^\$\{(google_project_iam_custom_role\.[\w-]+)\./.exec(input.expression(role))?.[1];
    if (custom === undefined || input.resources === undefined) return undefined;
    const definition = input.resources(["google_project_iam_custom_role"]).find((r) => r.address === custom);
    const permissions = definition?.attributes.permissions;
    const held = (Array.isArray(permissions) ? permissions : []).map(String);
    const admin = held.filter(iamAdminPermission);
    if (admin.length > 0) {
      return `the CI ${purpose} account gets a custom role that administers IAM (${admin.join(", ")})`;
    }
    return held.includes(RUN_SERVICES_SET_IAM) && !servicesByName(input.attributes.condition)
      ? `the CI ${purpose} account gets ${RUN_SERVICES_SET_IAM} on every Cloud Run service of the project (no name condition)`
      : undefined;
  },
});
