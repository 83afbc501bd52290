/** Which service account a grant is for, and whether CI impersonates it to plan or to deploy. */
import { parseAudience } from "../../../identity";
import type { RuleInput } from "../../rule";

/** `plan` or `deploy` when the grant's member is a CI identity's service account, else undefined. */
export function ciPurposeOfMember(input: RuleInput): string | undefined {
  const { resources, expression, attributes } = input;
  if (resources === undefined) return undefined;
  const members = [attributes.member, ...(Array.isArray(attributes.members) ? attributes.members : [])];
  for (const member of members) {
    const text = expression(member);
    const account = /\$\{(google_service_account\.[\w-]+)\./.exec(text)?.[1];
    if (account === undefined) {
      // A literal `serviceAccount:ci-<env>-plan@...`: named by its purpose.
      const literal = /^serviceAccount:[a-z0-9-]+-(plan|deploy)@/.exec(text)?.[1];
      if (literal !== undefined) return literal;
      continue;
    }
    const federations = resources(["google_service_account_iam_member", "google_service_account_iam_binding"]).filter(
      (f) => f.text.includes(`\${${account}.`),
    );
    for (const federation of federations) {
      const aud = /attribute\.aud\/([^"\s,\]}]+)/.exec(federation.text)?.[1];
      const purpose = aud === undefined ? undefined : parseAudience(aud)?.purpose;
      if (purpose !== undefined) return purpose;
    }
    const id = resources(["google_service_account"]).find((r) => r.address === account)?.attributes.account_id;
    const named = typeof id === "string" ? /-(plan|deploy)$/.exec(id)?.[1] : undefined;
    if (named !== undefined) return named;
  }
  return undefined;
}
