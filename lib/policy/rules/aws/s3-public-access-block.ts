/** The four switches of `aws_s3_bucket_public_access_block`, one Checkov rule each. */
import { defineRule, isKnown, type Rule } from "../../rule";

export function publicAccessBlockRule<const Id extends string>(
  id: Id,
  attribute: string,
  prop: string,
  what: string,
): Rule<Id> {
  return defineRule({
    id,
    description: `S3 public access blocks ${what}`,
    fix: `set ${prop}: true (${attribute})`,
    level: "error",
    appliesTo: ["aws_s3_bucket_public_access_block"],
    check: ({ attributes }) => {
      const value = attributes[attribute];
      return !isKnown(value) || value === true ? undefined : `${attribute} is not true`;
    },
  });
}
