import { defineRule, show } from "../../rule";
import { listOf, statementsOf } from "./iam-documents";

const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
const EVERYONE = "http://acs.amazonaws.com/groups/global/AllUsers";
const ANY_AWS_ACCOUNT = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/** `"*"` or `{"AWS": "*"}`: anyone, signed in or not. */
function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  return listOf((principal as Record<string, unknown>).AWS).includes("*");
}

/**
 * Bucket policies and ACLs grant nothing to everyone. A statement for `*` is
 * accepted only with a condition that narrows it to the account's own
 * principals or services (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID...).
 */
export const s3NotPublic = defineRule({
  id: "BP_AWS_5",
  description: "S3 bucket policies and ACLs do not let everyone (Principal *, AllUsers) read or write",
  fix: "name the principals or services that need the bucket (with aws:SourceAccount / aws:SourceArn conditions), and keep the ACL private",
  level: "error",
  appliesTo: ["aws_s3_bucket_policy", "aws_s3_bucket_acl", "aws_s3_bucket"],
  check: ({ type, attributes }) => {
    if (type === "aws_s3_bucket_policy" || type === "aws_s3_bucket") {
      for (const [index, statement] of statementsOf(attributes.policy).entries()) {
        if (statement.Effect !== "Allow" || !isEveryone(statement.Principal)) continue;
        if (statement.Condition === undefined) return `Statement ${index} allows Principal "*" without a condition`;
      }
      const acl = attributes.acl;
      return typeof acl === "string" && PUBLIC_ACLS.has(acl) ? `acl is ${show(acl)}` : undefined;
    }
    const acl = attributes.acl;
    if (typeof acl === "string" && PUBLIC_ACLS.has(acl)) return `acl is ${show(acl)}`;
    const grants = JSON.stringify(attributes.access_control_policy ?? {});
    if (grants.includes(EVERYONE)) return "access_control_policy grants to AllUsers";
    if (grants.includes(ANY_AWS_ACCOUNT)) return "access_control_policy grants to AuthenticatedUsers";
    return undefined;
  },
});
