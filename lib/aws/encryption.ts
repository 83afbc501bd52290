/**
 * One customer-managed KMS key per target, with rotation on. It encrypts that
 * target's log groups, registry, Lambda environment and SSM parameters, so
 * access to the data can be cut by key policy and every use is in CloudTrail.
 * The key policy lists actions explicitly (no `kms:*`).
 */
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./identity";

/** Encrypting and decrypting with the key. */
const KEY_DATA_ACTIONS = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
] as const;

/** What the account (through IAM policies of its principals) may do with the key. */
export const KEY_ACCOUNT_ACTIONS = [
  // Administration, including everything Terraform reads and changes.
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
  // Grants: ECR and Lambda hold the key through grants made for the caller.
  "kms:CreateGrant",
  "kms:ListGrants",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  // Data: CI pushes images, SSM writes parameters, roles decrypt.
  ...KEY_DATA_ACTIONS,
] as const;

/** What CloudWatch Logs needs to encrypt a log group with the key. */
export const KEY_LOGS_ACTIONS: readonly string[] = [...KEY_DATA_ACTIONS, "kms:DescribeKey"].sort();

export interface WorkloadKeyProps {
  /** Alias without the `alias/` prefix. */
  readonly alias: string;
  readonly description: string;
  readonly accountId: string;
  readonly region: string;
  /**
   * CloudWatch Logs may encrypt this account's and region's log groups with it.
   * @default true
   */
  readonly forLogs?: boolean;
  /**
   * The account's provider (bootstrap has one per account).
   * @default - the stack's default AWS provider
   */
  readonly provider?: AwsProvider;
}

export class WorkloadKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: WorkloadKeyProps) {
    super(scope, id);
    const { accountId, region } = props;
    const logs: PolicyStatement = {
      Sid: "CloudWatchLogs",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: KEY_LOGS_ACTIONS,
      Resource: "*",
      // Only for log groups of this account and region.
      Condition: {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:log-group:*` },
      },
    };
    this.key = new KmsKey(this, "key", {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      policy: policyDocument([
        {
          Sid: "Account",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: KEY_ACCOUNT_ACTIONS,
          Resource: "*",
        },
        ...(props.forLogs === false ? [] : [logs]),
      ]),
    });
    new KmsAlias(this, "alias", {
      provider: props.provider,
      name: `alias/${props.alias}`,
      targetKeyId: this.key.keyId,
    });
  }

  get arn(): string {
    return this.key.arn;
  }
}
