import { block, defineRule, isKnown, show } from "../../rule";

export const ecrKmsEncryption = defineRule({
  id: "CKV_AWS_136",
  description: "ECR repositories are encrypted at rest with KMS",
  fix: 'set encryptionConfiguration: [{ encryptionType: "KMS" }] (the aws/ecr key, or kmsKey for your own)',
  level: "warning",
  appliesTo: ["aws_ecr_repository"],
  check: ({ attributes }) => {
    const type = block(attributes, "encryption_configuration").encryption_type;
    if (!isKnown(type) || type === "KMS" || type === "KMS_DSSE") return undefined;
    return `encryption_configuration.encryption_type is ${type === undefined ? "unset (AES256)" : show(type)}`;
  },
});
