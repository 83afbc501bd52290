/**
 * Suppressions: accepting one finding of one rule on one resource (or on every
 * resource under a construct), with a reason a reviewer can judge. The reason
 * lands in the resource's `//` metadata in cdk.tf.json
 * (`"//": {"policy_suppressions": {"CKV_AWS_51": "..."}}`), so it is visible in
 * the configuration the plan is made from, not only in TypeScript.
 *
 * Validation (a reason of at least 10 characters, a rule that exists) happens
 * when the policy runs, so every bad suppression is reported with the other
 * findings instead of stopping at the first.
 */
import type { IConstruct } from "constructs";
import type { RuleId } from "./packs";

/** Metadata type under which `suppress` records a suppression on a construct. */
export const SUPPRESSION_METADATA = "blueprint:policy/suppression";

/** Shortest reason accepted: long enough to say why, not just "ok" or "n/a". */
export const MIN_REASON_LENGTH = 10;

export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Accepts findings of `ruleId` on `scope` and every resource under it.
 *
 * @param scope - the resource, or a construct grouping several (a target)
 * @param ruleId - the rule to accept, e.g. `"CKV_AWS_51"`
 * @param reason - why this is acceptable here, at least 10 characters; shown to reviewers
 *
 * @example
 *   suppress(repository, "CKV_AWS_136", "AES-256 at rest is enough for public images; no KMS key to manage");
 */
export function suppress(scope: IConstruct, ruleId: RuleId, reason: string): void {
  scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason } satisfies Suppression);
}

/** Suppressions recorded directly on `scope` (not its parents), as written, valid or not. */
export function suppressionsOn(scope: IConstruct): Suppression[] {
  return scope.node.metadata
    .filter((entry) => entry.type === SUPPRESSION_METADATA)
    .map((entry) => entry.data as Suppression);
}

/** What is wrong with a suppression, or `undefined` when it is valid. */
export function suppressionProblem(suppression: Suppression, knownRuleIds: ReadonlySet<string>): string | undefined {
  const reason = typeof suppression.reason === "string" ? suppression.reason.trim() : "";
  if (!knownRuleIds.has(suppression.ruleId)) {
    return `suppresses ${JSON.stringify(suppression.ruleId)}, which is not a policy rule; use an id from \`npm run policy -- --rules\``;
  }
  if (reason.length < MIN_REASON_LENGTH) {
    return `suppresses ${suppression.ruleId} with reason ${JSON.stringify(suppression.reason ?? "")}; give a reason of at least ${MIN_REASON_LENGTH} characters saying why it is acceptable`;
  }
  return undefined;
}

/**
 * The reason `ruleId` is suppressed for `resource`: its own suppression or the
 * nearest ancestor's. Invalid suppressions do not count.
 */
export function suppressionFor(
  resource: IConstruct,
  ruleId: string,
  knownRuleIds: ReadonlySet<string>,
): string | undefined {
  for (const scope of [...resource.node.scopes].reverse()) {
    for (const suppression of suppressionsOn(scope)) {
      if (suppression.ruleId === ruleId && suppressionProblem(suppression, knownRuleIds) === undefined) {
        return suppression.reason.trim();
      }
    }
  }
  return undefined;
}
