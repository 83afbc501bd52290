/**
 * The S3 bucket the load balancer writes its access logs to: public access
 * blocked, owner-enforced objects, encrypted, TLS-only, versioned, objects
 * expiring after the spec's retention. ALB log delivery supports only S3
 * managed keys (SSE-S3), not KMS, so this bucket uses AES256.
 */
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./identity";

/**
 * Elastic Load Balancing's own account in the regions opened before August
 * 2022; those regions deliver logs as this account. Newer regions deliver as
 * the `logdelivery.elasticloadbalancing.amazonaws.com` service principal,
 * which the bucket policy always allows too.
 */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

export interface AccessLogBucketProps {
  /** Globally unique bucket name. */
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  /** Key prefix of the load balancer's logs. */
  readonly prefix: string;
  /** Days before a log object expires. */
  readonly retentionDays: number;
}

export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The load balancer must wait for it: ELB checks it can write when logging is enabled. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.name });
    const bucketId = this.bucket.id;
    const publicBlock = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: bucketId,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucketId,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketVersioningA(this, "versioning", { bucket: bucketId, versioningConfiguration: { status: "Enabled" } });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucketId,
      rule: [
        {
          id: "expire-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });

    const logObjects = `${this.bucket.arn}/${props.prefix}/AWSLogs/${props.accountId}/*`;
    const legacyAccount = ELB_LOG_ACCOUNTS[props.region];
    const statements: PolicyStatement[] = [
      {
        Sid: "ElbLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
        Action: ["s3:PutObject"],
        Resource: logObjects,
      },
      ...(legacyAccount === undefined
        ? []
        : [
            {
              Sid: "ElbLogDeliveryLegacyRegion",
              Effect: "Allow" as const,
              Principal: { AWS: `arn:aws:iam::${legacyAccount}:root` },
              Action: ["s3:PutObject"],
              Resource: logObjects,
            },
          ]),
      {
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["s3:*"],
        Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ];
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: bucketId,
      policy: policyDocument(statements),
      // S3 rejects a policy while the public access block is being written.
      dependsOn: [publicBlock],
    });
  }
}
