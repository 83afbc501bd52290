import { block, defineRule, isKnown } from "../../rule";

export const ecrScanOnPush = defineRule({
  id: "CKV_AWS_163",
  description: "ECR scans images on push",
  fix: "set imageScanningConfiguration: { scanOnPush: true } (image_scanning_configuration.scan_on_push)",
  level: "warning",
  appliesTo: ["aws_ecr_repository"],
  check: ({ attributes }) => {
    const value = block(attributes, "image_scanning_configuration").scan_on_push;
    return !isKnown(value) || value === true ? undefined : "image_scanning_configuration.scan_on_push is not true";
  },
});
