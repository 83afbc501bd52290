import { defineRule, show } from "../../rule";
import { membersOf } from "./members";

/** Resource types that grant a role (`google_<resource>_iam_member`, `_binding`, `_policy`). */
const IAM_TYPE = /^google_[a-z0-9_]+_iam_(member|binding|policy)$/;

/** How the environment stack names a Cloud Run service of its own: the container's, or a 2nd gen function's. */
const OWN_SERVICE: Readonly<Record<string, string>> = {
  google_cloud_run_v2_service: "name",
  google_cloudfunctions2_function: "service_config[0].service",
};

/**
 * An environment stack makes one grant: `run.invoker` for `allUsers` on its
 * own Cloud Run services (`publicInvoker`, lib/gcp/identity.ts
 * `allowPublicInvocation`). Its deploy account holds `setIamPolicy` on the
 * environment's own services only (bootstrap's invoker role) and no other;
 * every other grant is bootstrap's (docs/bootstrap.md, "Bootstrap owns
 * identity"). The bootstrap stack (the one with the workload identity pool)
 * is not an environment stack.
 */
export const envPublicInvokerOnlyGcp = defineRule({
  id: "BP_GCP_12",
  description:
    "an environment stack's only GCP IAM resource is google_cloud_run_v2_service_iam_member: roles/run.invoker for allUsers on a Cloud Run service of the stack",
  fix: "grant roles in the bootstrap stack (lib/bootstrap/workload/gcp.ts); the environment stack only opens its own services with allowPublicInvocation (publicInvoker)",
  level: "error",
  appliesTo: ["google_*"],
  check: (input) => {
    if (!IAM_TYPE.test(input.type) || input.resources === undefined) return undefined;
    if (input.resources(["google_iam_workload_identity_pool"]).length > 0) return undefined;
    if (input.type !== "google_cloud_run_v2_service_iam_member")
      return `an environment stack grants roles (${input.type})`;
    const { role } = input.attributes;
    if (role !== "roles/run.invoker") return `role is ${show(role)}, not roles/run.invoker`;
    const members = membersOf(input.attributes);
    if (members.length !== 1 || members[0] !== "allUsers")
      return `member is ${show(input.attributes.member)}, not allUsers`;
    const name = input.expression(input.attributes.name);
    const own = input
      .resources(Object.keys(OWN_SERVICE))
      .some((service) => name === `\${${service.address}.${OWN_SERVICE[service.type]}}`);
    return own ? undefined : `service ${show(name)} is not a Cloud Run service of this stack`;
  },
});
