/**
 * The state store of one environment in its AWS account (`backend: { type:
 * "cloud" }` in AWS): an S3 bucket with native locking (`use_lockfile`),
 * encrypted with a KMS key of its own whose key policy names only the
 * environment's plan and deploy roles and the administrator who ran
 * bootstrap. The key policy does not delegate to IAM (no account-root
 * statement), so no IAM policy, `PowerUserAccess` and `ReadOnlyAccess`
 * included, lets any other role decrypt it; the bucket policy denies
 * object access to every other principal as well, denies the plan role any
 * write but the lock, and denies every principal but the administrator any
 * change to the bucket's policy, encryption or versioning.
 */
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import type { AwsStateLocation } from "../../config/state";
import type { Grant } from "../../permissions/coverage";
import { applyProtections } from "../../policy/protections";

/** What the environment's identities do with their key: read and write state (the lock included). */
export const AWS_STATE_KEY_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"] as const;

/** Bucket settings only the administrator may change (the bucket policy denies them to everyone else). */
export const AWS_STATE_ADMIN_ONLY_ACTIONS = [
  "s3:DeleteBucket",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketAcl",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketPolicy",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketVersioning",
  "s3:PutEncryptionConfiguration",
  "s3:PutLifecycleConfiguration",
  "s3:PutReplicationConfiguration",
] as const;

/** Object actions of the state: only the environment's roles and the administrator. */
const OBJECT_ACTIONS = ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:RestoreObject"];

export interface AwsStatePrincipals {
  readonly plan: string;
  readonly deploy: string;
  /** The administrator running bootstrap (IAM role or user ARN, from the session). */
  readonly admin: string;
}

/** The key policy: the administrator manages the key, the environment's two roles use it, nobody else. */
export function awsStateKeyPolicy(principals: AwsStatePrincipals): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AdministratorManagesTheKey",
        Effect: "Allow",
        Principal: { AWS: principals.admin },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "EnvironmentIdentitiesUseTheKey",
        Effect: "Allow",
        Principal: { AWS: [principals.plan, principals.deploy] },
        Action: [...AWS_STATE_KEY_ACTIONS],
        Resource: "*",
      },
    ],
  };
}

/** The bucket policy (see the module comment). */
export function awsStateBucketPolicy(
  location: AwsStateLocation,
  principals: AwsStatePrincipals,
): Record<string, unknown> {
  const bucket = `arn:aws:s3:::${location.bucket}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket, `${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "OnlyTheEnvironmentReadsState",
        Effect: "Deny",
        Principal: "*",
        Action: OBJECT_ACTIONS,
        Resource: `${bucket}/*`,
        Condition: { ArnNotEquals: { "aws:PrincipalArn": [principals.plan, principals.deploy, principals.admin] } },
      },
      {
        Sid: "PlanWritesOnlyTheLock",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:PutObject*", "s3:DeleteObject*", "s3:RestoreObject"],
        NotResource: `${bucket}/${location.key}.tflock`,
        Condition: { ArnEquals: { "aws:PrincipalArn": principals.plan } },
      },
      {
        Sid: "OnlyTheAdministratorConfigures",
        Effect: "Deny",
        Principal: "*",
        Action: [...AWS_STATE_ADMIN_ONLY_ACTIONS],
        Resource: bucket,
        Condition: { ArnNotEquals: { "aws:PrincipalArn": principals.admin } },
      },
    ],
  };
}

/** The plan role's inline grant: the lock object and the key (ReadOnlyAccess reads the bucket already). */
export function awsPlanStatePolicy(location: AwsStateLocation, keyArn: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "StateLock",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:DeleteObject"],
        Resource: `arn:aws:s3:::${location.bucket}/${location.key}.tflock`,
      },
      {
        // Only when S3 asks on the plan's behalf: the key opens the state object and nothing else.
        Sid: "StateKeyViaS3",
        Effect: "Allow",
        Action: [...AWS_STATE_KEY_ACTIONS],
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${location.region}.amazonaws.com` } },
      },
    ],
  };
}

/**
 * What the coverage check reads of the plan role's state grant (the deploy
 * role's PowerUserAccess covers it). kms:Decrypt is left out here: the
 * check ignores conditions, and the plan's SSM-only decrypt (secure-parameters)
 * would then look redundant; the policy itself grants it, via S3 only.
 */
export function awsStateGrants(purpose: "plan" | "deploy"): Grant[] {
  return purpose === "plan"
    ? [
        {
          name: "state (inline)",
          statements: [
            { allow: ["s3:PutObject", "s3:DeleteObject", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"] },
          ],
        },
      ]
    : [];
}

export interface AwsStateStoreProps {
  readonly provider: AwsProvider;
  readonly location: AwsStateLocation;
  readonly roles: Readonly<Record<"plan" | "deploy", IamRole>>;
}

export class AwsStateStore extends Construct {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AwsStateStoreProps) {
    super(scope, id);
    const { provider, location, roles } = props;
    // The administrator as a principal: the role behind the session (or the user), never the session itself.
    const caller = new DataAwsCallerIdentity(this, "caller", { provider });
    const session = new DataAwsIamSessionContext(this, "admin", { provider, arn: caller.arn });
    const principals = { plan: roles.plan.arn, deploy: roles.deploy.arn, admin: session.issuerArn };

    this.key = new KmsKey(this, "key", {
      provider,
      description: `Terraform state of ${location.bucket.replace(/-tfstate-.*$/, "")}: only its plan and deploy roles use it (bootstrap stack)`,
      enableKeyRotation: true,
      policy: JSON.stringify(awsStateKeyPolicy(principals)),
    });
    applyProtections(this.key, true);
    new KmsAlias(this, "alias", { provider, name: location.kmsAlias, targetKeyId: this.key.keyId });

    this.bucket = new S3Bucket(this, "bucket", { provider, bucket: location.bucket });
    // The state is the record of what exists: never destroyed with bootstrap.
    applyProtections(this.bucket, true);
    new S3BucketVersioningA(this, "versioning", {
      provider,
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      provider,
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketPublicAccessBlock(this, "public-access", {
      provider,
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      provider,
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketPolicy(this, "policy", {
      provider,
      bucket: this.bucket.id,
      policy: JSON.stringify(awsStateBucketPolicy(location, principals)),
    });
    new IamRolePolicy(this, "plan-state", {
      provider,
      role: roles.plan.name,
      name: "state",
      policy: JSON.stringify(awsPlanStatePolicy(location, this.key.arn)),
    });
  }
}
