import { defineRule, show } from "../../rule";
import { membersOf } from "./members";

const FEDERATION_ROLES = new Set(["roles/iam.workloadIdentityUser", "roles/iam.serviceAccountTokenCreator"]);

export const principalSetExact = defineRule({
  id: "BP_GCP_7",
  description:
    "Service accounts are impersonated through a pool by one attribute value, never the whole pool or a wildcard",
  fix: "bind principalSet://iam.googleapis.com/<pool>/attribute.aud/<audience> (one identity's audience)",
  level: "error",
  appliesTo: ["google_service_account_iam_member", "google_service_account_iam_binding"],
  check: ({ attributes }) => {
    if (typeof attributes.role !== "string" || !FEDERATION_ROLES.has(attributes.role)) return undefined;
    const bad = membersOf(attributes).find(
      (member) =>
        // principalSet://iam.googleapis.com/<pool, often a reference>/<what>: `<what>` must be one attribute value.
        member.startsWith("principalSet://") && (member.includes("*") || !/\/attribute\.[a-z_]+\/[^/]+$/.test(member)),
    );
    return bad === undefined ? undefined : `member ${show(bad)} names the whole pool or a wildcard`;
  },
});
