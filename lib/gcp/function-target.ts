/**
 * The workload as a Cloud Function (2nd gen): the GCP bundle uploaded to a
 * private, versioned source bucket under its content hash (so a code change,
 * and only a code change, changes the plan), built by a dedicated build
 * service account and run by a dedicated runtime service account with no
 * project roles at all (it calls no Google API; stdout reaches Cloud Logging
 * through the platform).
 */

import { Cloudfunctions2Function } from "@cdktf/provider-google/lib/cloudfunctions2-function";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketObject } from "@cdktf/provider-google/lib/storage-bucket-object";
import { AssetType, type ITerraformDependable, TerraformAsset } from "cdktf";
import type { Construct } from "constructs";
import { plainVariables } from "../contract/workload-environment";
import type { FunctionBundle } from "../service";
import { gcpWorkloadAccounts, type WorkloadAccountReference, workloadAccount } from "./identity";
import { bucketName, runServiceName } from "./naming";
import { FUNCTION_APIS } from "./project-services";
import type { WorkloadSecrets } from "./secrets";
import { cpuFor, memoryLimit } from "./sizing";
import { GcpTarget, type GcpTargetProps } from "./target";
import { FUNCTION_ENTRY_POINT, FUNCTION_RUNTIME } from "./workload";

/** The bundle's hash must be a SHA-256: the object's name and the plan depend on it. */
function bundleProblems(bundle: FunctionBundle): string[] {
  return /^[0-9a-f]{64}$/.test(bundle.sha256) ? [] : [`props.bundle: sha256 "${bundle.sha256}" is not a SHA-256`];
}

/**
 * `originSecret`: given to the workload as ORIGIN_SECRET through Secret Manager.
 * `protect`: the source bucket and stored secrets cannot be destroyed by Terraform.
 */
export interface FunctionTargetProps extends GcpTargetProps {
  /** The GCP function zip (`stack.bundles.gcp`): entry point `workload`, with package.json. */
  readonly bundle: FunctionBundle;
  /**
   * Days a replaced source zip is kept in the bucket (as a noncurrent version).
   * @default 30
   */
  readonly noncurrentSourceDays?: number;
}

export class FunctionTarget extends GcpTarget {
  readonly function: Cloudfunctions2Function;
  /** The accounts it runs and builds as, made by bootstrap. */
  readonly runtimeIdentity: WorkloadAccountReference;
  readonly buildIdentity: WorkloadAccountReference;
  readonly sourceBucket: StorageBucket;
  readonly sourceObject: StorageBucketObject;

  constructor(scope: Construct, id: string, props: FunctionTargetProps) {
    super(scope, id, props, { kind: "function", apis: FUNCTION_APIS, problems: bundleProblems(props.bundle) });
    const { apis, names } = this.groundwork;
    // Made by bootstrap, with their grants (lib/gcp/identity.ts, gcpWorkloadAccounts): the build account's
    // roles/run.builder and read of the source bucket, the runtime's secret accessor. The stack grants nothing.
    const accounts = gcpWorkloadAccounts(names);
    this.runtimeIdentity = workloadAccount(this.project, accounts.functionRuntime);
    this.buildIdentity = workloadAccount(this.project, accounts.functionBuild);
    this.sourceBucket = this.createSourceBucket(props, apis);
    this.sourceObject = this.uploadSource(props.bundle);

    const secrets = this.workloadSecrets("fn");
    this.function = this.createFunction(props.spec, { secrets, dependsOn: [...apis, ...secrets.ready] });
    this.exposeService({
      uri: this.function.serviceConfig.uri,
      name: this.function.name,
      runService: this.function.serviceConfig.service,
    });
  }

  /** The private, versioned bucket of source zips; a replaced zip is kept `noncurrentSourceDays`. */
  private createSourceBucket(props: FunctionTargetProps, apis: readonly ITerraformDependable[]): StorageBucket {
    const { project, region } = props.settings;
    return new StorageBucket(this, "source", {
      project,
      name: bucketName({ service: props.spec.name, environment: props.spec.environment }, project, "fn-src"),
      location: region,
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      // Each deploy replaces the object; old zips stay restorable for a while, then go.
      lifecycleRule: [
        {
          action: { type: "Delete" },
          condition: { daysSinceNoncurrentTime: props.noncurrentSourceDays ?? 30, withState: "ARCHIVED" },
        },
      ],
      dependsOn: [...apis],
    });
  }

  /** The bundle as `<sha256>.zip`: only a code change changes the object, and so the plan. */
  private uploadSource(bundle: FunctionBundle): StorageBucketObject {
    const asset = new TerraformAsset(this, "bundle", {
      path: bundle.path,
      type: AssetType.FILE,
      // The bundle's own hash: no second read of the zip, and the same folder name in cdktf.out.
      assetHash: bundle.sha256,
    });
    return new StorageBucketObject(this, "source-zip", {
      bucket: this.sourceBucket.name,
      name: `${bundle.sha256}.zip`,
      source: asset.path,
      contentType: "application/zip",
    });
  }

  /** The function, built by the build identity and run by the runtime identity, secrets from Secret Manager. */
  private createFunction(
    spec: FunctionTargetProps["spec"],
    uses: { readonly secrets: WorkloadSecrets; readonly dependsOn: readonly ITerraformDependable[] },
  ): Cloudfunctions2Function {
    const { project } = this;
    const { names } = this.groundwork;
    return new Cloudfunctions2Function(this, "function", {
      project,
      location: this.region,
      name: runServiceName(names, "fn"),
      description: `${spec.name} ${spec.version} (${spec.environment})`,
      labels: { service: spec.name, environment: spec.environment, target: "function" },
      buildConfig: {
        runtime: FUNCTION_RUNTIME,
        entryPoint: FUNCTION_ENTRY_POINT,
        serviceAccount: this.buildIdentity.id,
        source: { storageSource: { bucket: this.sourceBucket.name, object: this.sourceObject.name } },
      },
      serviceConfig: {
        availableMemory: memoryLimit(spec.memoryMb),
        availableCpu: cpuFor(spec.memoryMb),
        timeoutSeconds: spec.timeoutSeconds,
        minInstanceCount: spec.minInstances,
        maxInstanceCount: spec.maxInstances,
        maxInstanceRequestConcurrency: this.concurrency,
        ingressSettings: "ALLOW_ALL",
        allTrafficOnLatestRevision: true,
        serviceAccountEmail: this.runtimeIdentity.email,
        // The API adds LOG_EXECUTION_ID=true itself; declaring it avoids a diff on every plan.
        environmentVariables: { LOG_EXECUTION_ID: "true", ...plainVariables(this.workloadEnvironment) },
        secretEnvironmentVariables:
          uses.secrets.env.length > 0
            ? uses.secrets.env.map((env) => ({
                key: env.name,
                projectId: project,
                secret: env.secret,
                version: env.version,
              }))
            : undefined,
      },
      dependsOn: [...uses.dependsOn],
    });
  }
}
