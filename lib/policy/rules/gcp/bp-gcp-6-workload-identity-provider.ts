import { parseAudience } from "../../../identity";
import { block, defineRule, show } from "../../rule";

export const workloadIdentityProvider = defineRule({
  id: "BP_GCP_6",
  description:
    "Workload identity pool providers check an attribute condition and allow only the identities' own audiences",
  fix: 'set attributeCondition (at least the project id and path) and oidc.allowedAudiences to audience("gcp", env, purpose) values',
  level: "error",
  appliesTo: ["google_iam_workload_identity_pool_provider"],
  check: ({ attributes }) => {
    const condition = attributes.attribute_condition;
    if (typeof condition !== "string" || condition.trim() === "")
      return "attribute_condition is unset: any token of the issuer is accepted";
    const oidc = block(attributes, "oidc");
    if (Object.keys(oidc).length === 0) return undefined; // not an OIDC provider (AWS, SAML)
    const audiences = oidc.allowed_audiences;
    if (!Array.isArray(audiences) || audiences.length === 0) {
      return "oidc.allowed_audiences is unset: the provider's own name, shared by every job, is accepted";
    }
    const foreign = audiences.find((aud) => typeof aud !== "string" || parseAudience(aud) === undefined);
    if (foreign !== undefined) return `allowed audience ${show(foreign)} is not one identity's own`;
    // Loosened conditions: no longer bound to the project, or deploy tokens from unprotected refs.
    if (!/assertion\.project_(id|path)\s*==/.test(condition)) {
      return "attribute_condition does not check assertion.project_id or project_path: any project's tokens pass";
    }
    const deploys = audiences.some((aud) => parseAudience(String(aud))?.purpose === "deploy");
    return deploys && !/ref_protected/.test(condition)
      ? "attribute_condition lets a deploy audience in without checking ref_protected"
      : undefined;
  },
});
