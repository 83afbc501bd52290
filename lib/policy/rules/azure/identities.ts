/** Who a role assignment is for, found through the references of the stack. */
import { parseAudience } from "../../../identity";
import type { RuleInput } from "../../rule";

/** `plan` or `deploy` when the assignment's principal is a CI identity's service principal, else undefined. */
export function ciPurposeOfPrincipal(input: RuleInput): string | undefined {
  const { resources, expression, attributes } = input;
  if (resources === undefined) return undefined;
  const principal = /\$\{(azuread_service_principal\.[\w-]+)\./.exec(expression(attributes.principal_id))?.[1];
  if (principal === undefined) return undefined;
  const sp = resources(["azuread_service_principal"]).find((r) => r.address === principal);
  const application = sp === undefined ? undefined : /\$\{(azuread_application\.[\w-]+)\./.exec(sp.text)?.[1];
  if (application === undefined) return undefined;
  const credentials = resources([
    "azuread_application_federated_identity_credential",
    "azuread_application_flexible_federated_identity_credential",
  ]).filter((c) => c.text.includes(`\${${application}.`));
  for (const credential of credentials) {
    const audiences = [credential.attributes.audiences, credential.attributes.audience].flat();
    for (const aud of audiences) {
      const purpose = typeof aud === "string" ? parseAudience(aud)?.purpose : undefined;
      if (purpose !== undefined) return purpose;
    }
  }
  const tags = resources(["azuread_application"]).find((r) => r.address === application)?.attributes.tags;
  const tag = (Array.isArray(tags) ? tags : []).find((t) => typeof t === "string" && t.startsWith("purpose:"));
  return typeof tag === "string" ? tag.slice("purpose:".length) : undefined;
}

/** Whether the assignment's principal is a workload's managed identity (user-assigned or an app's system identity). */
export function isWorkloadPrincipal(input: RuleInput): boolean {
  const principal = input.expression(input.attributes.principal_id);
  return (
    /\$\{azurerm_user_assigned_identity\.[\w-]+\.principal_id\}/.test(principal) ||
    /\.identity(\[0\]|\.0)\.principal_id\}/.test(principal)
  );
}
