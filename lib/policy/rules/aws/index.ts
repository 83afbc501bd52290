/** AWS pack. */
import { awsRequiredTags } from "./bp-aws-1-required-tags";
import { oidcTrustExact } from "./bp-aws-2-oidc-trust-exact";
import { secretParametersEncrypted } from "./bp-aws-3-secret-parameters-encrypted";
import { s3DefaultEncryption } from "./bp-aws-4-s3-default-encryption";
import { s3NotPublic } from "./bp-aws-5-s3-not-public";
import { ecsNotPrivileged } from "./bp-aws-6-ecs-not-privileged";
import { planNoSecretRead } from "./bp-aws-7-plan-no-secret-read";
import { ciNoIamAdmin } from "./bp-aws-8-ci-no-iam-admin";
import { lbListenerHttps } from "./ckv-aws-2-lb-listener-https";
import { kmsRotation } from "./ckv-aws-7-kms-rotation";
import { lambdaEnvNoSecrets } from "./ckv-aws-45-lambda-env-no-secrets";
import { ecrImmutableTags } from "./ckv-aws-51-ecr-immutable-tags";
import { s3BlockPublicAcls } from "./ckv-aws-53-s3-block-public-acls";
import { s3BlockPublicPolicy } from "./ckv-aws-54-s3-block-public-policy";
import { s3IgnorePublicAcls } from "./ckv-aws-55-s3-ignore-public-acls";
import { s3RestrictPublicBuckets } from "./ckv-aws-56-s3-restrict-public-buckets";
import { iamNoStarActions } from "./ckv-aws-63-iam-no-star-actions";
import { logGroupRetention } from "./ckv-aws-66-log-group-retention";
import { lbListenerTls12 } from "./ckv-aws-103-lb-listener-tls12";
import { lbDropInvalidHeaders } from "./ckv-aws-131-lb-drop-invalid-headers";
import { ecrKmsEncryption } from "./ckv-aws-136-ecr-kms-encryption";
import { logGroupKms } from "./ckv-aws-158-log-group-kms";
import { ecrScanOnPush } from "./ckv-aws-163-ecr-scan-on-push";
import { ecsSeparateTaskRole } from "./ckv-aws-249-ecs-separate-task-role";
import { noAdminPolicy } from "./ckv-aws-274-no-admin-policy";
import { iamWriteNeedsBoundary } from "./ckv-aws-286-iam-write-needs-boundary";
import { workloadNoStarResource } from "./ckv-aws-355-workload-no-star-resource";

export const awsRules = [
  awsRequiredTags,
  ecrImmutableTags,
  ecrScanOnPush,
  ecrKmsEncryption,
  logGroupRetention,
  lbListenerHttps,
  lbListenerTls12,
  lbDropInvalidHeaders,
  iamNoStarActions,
  noAdminPolicy,
  iamWriteNeedsBoundary,
  oidcTrustExact,
  lambdaEnvNoSecrets,
  ecsSeparateTaskRole,
  s3BlockPublicAcls,
  s3BlockPublicPolicy,
  s3IgnorePublicAcls,
  s3RestrictPublicBuckets,
  secretParametersEncrypted,
  logGroupKms,
  kmsRotation,
  s3DefaultEncryption,
  s3NotPublic,
  ecsNotPrivileged,
  workloadNoStarResource,
  planNoSecretRead,
  ciNoIamAdmin,
] as const;
