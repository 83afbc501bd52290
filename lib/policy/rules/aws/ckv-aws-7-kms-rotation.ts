import { defineRule, isKnown, show } from "../../rule";

export const kmsRotation = defineRule({
  id: "CKV_AWS_7",
  description: "Customer-managed KMS keys are enabled and rotate their key material",
  fix: "set enableKeyRotation to true (and leave isEnabled unset or true)",
  level: "error",
  appliesTo: ["aws_kms_key"],
  check: ({ attributes }) => {
    if (attributes.is_enabled === false) return "is_enabled is false";
    // Asymmetric and HMAC keys cannot rotate.
    const spec = attributes.customer_master_key_spec;
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return undefined;
    const rotation = attributes.enable_key_rotation;
    return rotation === true || !isKnown(rotation) ? undefined : `enable_key_rotation is ${show(rotation ?? "unset")}`;
  },
});
