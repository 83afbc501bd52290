import { parseAudience } from "../../../identity";
import { defineRule, show } from "../../rule";

/**
 * Entra ID federated credentials of the CI identities: each lists one
 * audience that names one identity (`audience()` of lib/identity.ts), exact
 * credentials have an exact subject, and a flexible credential (a subject
 * pattern) is only for a plan identity, wild in the branch name only.
 */
export const federatedCredentialExact = defineRule({
  id: "BP_AZ_6",
  description:
    "Federated identity credentials accept one identity's own audience, and a subject pattern only for a plan identity",
  fix: "give the credential audiences [audience(\"azure\", env, purpose)] and the exact subject; use a flexible credential (claims['sub'] matches ...:ref:*) only for a plan identity",
  level: "error",
  appliesTo: [
    "azuread_application_federated_identity_credential",
    "azuread_application_flexible_federated_identity_credential",
  ],
  check: ({ type, attributes }) => {
    const flexible = type === "azuread_application_flexible_federated_identity_credential";
    const audiences = flexible ? [attributes.audience] : attributes.audiences;
    if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== "string") {
      return `audiences is ${show(audiences)}; list exactly one`;
    }
    const identity = parseAudience(audiences[0]);
    if (identity === undefined) return `audience ${show(audiences[0])} is not one identity's own`;
    if (!flexible) {
      const subject = attributes.subject;
      return typeof subject === "string" && /[*?]/.test(subject)
        ? `subject ${show(subject)} has a wildcard`
        : undefined;
    }
    if (identity.purpose === "deploy") return "a deploy identity trusts a subject pattern (flexible credential)";
    const expression = String(attributes.claims_matching_expression ?? "");
    return /^claims\['sub'\] matches 'project_path:[^*?']+:ref_type:branch:ref:\*'$/.test(expression)
      ? undefined
      : `claims_matching_expression ${show(expression)} is wild beyond the branch name`;
  },
});
