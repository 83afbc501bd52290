/**
 * The state store of one environment in its GCP project (`backend: { type:
 * "cloud", cloud: "gcp" }`): a bucket with uniform access, public access
 * prevention and versioning, named `tfstate-...` so that none of the
 * environment's name-conditioned grants (`<service>-<env>-*`) reach it.
 * Its own IAM bindings are the only way in: the deploy account reads and
 * writes objects, the plan account reads them and writes only the lock
 * (`<prefix>/default.tflock`, by IAM condition). Project owners (the
 * administrator) keep access through their project role. Encryption is
 * Google-managed: the bucket's IAM is the access control (docs/choices.md).
 */
import type { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import type { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { Construct } from "constructs";
import type { GcpStateLocation } from "../../config/state";
import { applyProtections } from "../../policy/protections";

/** Bucket roles of each purpose: read for plan (the lock by condition), read and write for deploy. */
export const GCP_STATE_ROLES = {
  plan: "roles/storage.objectViewer",
  planLock: "roles/storage.objectUser",
  deploy: "roles/storage.objectUser",
} as const;

/** The IAM condition that limits the plan account's writes to the lock object. */
export function gcpLockCondition(location: GcpStateLocation): string {
  return `resource.name == "projects/_/buckets/${location.bucket}/objects/${location.prefix}/default.tflock"`;
}

export interface GcpStateStoreProps {
  readonly provider: GoogleProvider;
  readonly location: GcpStateLocation;
  readonly accounts: Readonly<Record<"plan" | "deploy", ServiceAccount>>;
  /** The environment's standard labels: bootstrap's Google providers carry no default_labels. */
  readonly labels: Readonly<Record<string, string>>;
}

export class GcpStateStore extends Construct {
  readonly bucket: StorageBucket;

  constructor(scope: Construct, id: string, props: GcpStateStoreProps) {
    super(scope, id);
    const { provider, location, accounts } = props;
    this.bucket = new StorageBucket(this, "bucket", {
      provider,
      project: location.project,
      name: location.bucket,
      location: location.region.toUpperCase(),
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      labels: { ...props.labels },
    });
    applyProtections(this.bucket, true);
    const member = (account: ServiceAccount) => `serviceAccount:${account.email}`;
    new StorageBucketIamMember(this, "plan-read", {
      provider,
      bucket: this.bucket.name,
      role: GCP_STATE_ROLES.plan,
      member: member(accounts.plan),
    });
    new StorageBucketIamMember(this, "plan-lock", {
      provider,
      bucket: this.bucket.name,
      role: GCP_STATE_ROLES.planLock,
      member: member(accounts.plan),
      condition: { title: "state lock only", expression: gcpLockCondition(location) },
    });
    new StorageBucketIamMember(this, "deploy-read-write", {
      provider,
      bucket: this.bucket.name,
      role: GCP_STATE_ROLES.deploy,
      member: member(accounts.deploy),
    });
  }
}
