import { blocks, defineRule, isKnown, show } from "../../rule";

const ALGORITHMS = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);

/**
 * Every bucket has a default-encryption configuration of its own, naming
 * its algorithm: removing it (or the rule inside it) is how encryption is
 * turned off in code, even where S3 would still apply SSE-S3 itself.
 */
export const s3DefaultEncryption = defineRule({
  id: "BP_AWS_4",
  description: "S3 buckets have a server-side encryption configuration naming AES256 or aws:kms",
  fix: "add an aws_s3_bucket_server_side_encryption_configuration for the bucket with applyServerSideEncryptionByDefault.sseAlgorithm",
  level: "error",
  appliesTo: ["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"],
  check: ({ type, attributes, address, resources }) => {
    if (type === "aws_s3_bucket_server_side_encryption_configuration") {
      const defaults = blocks(attributes.rule).flatMap((r) => blocks(r.apply_server_side_encryption_by_default));
      const algorithm = defaults[0]?.sse_algorithm;
      if (defaults.length === 0) return "no rule sets apply_server_side_encryption_by_default";
      return !isKnown(algorithm) || ALGORITHMS.has(String(algorithm))
        ? undefined
        : `sse_algorithm is ${show(algorithm)}`;
    }
    if (address === undefined || resources === undefined) return undefined;
    const configured = resources(["aws_s3_bucket_server_side_encryption_configuration"]).some((config) =>
      config.text.includes(`\${${address}.`),
    );
    return configured ? undefined : `no aws_s3_bucket_server_side_encryption_configuration refers to ${address}`;
  },
});
