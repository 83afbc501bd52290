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
import { assertSpec } from "../contract/spec-validation";
import { TargetConstruct, type TargetProps } from "../contract/target";
import { plainVariables } from "../contract/workload-environment";
import type { FunctionBundle } from "../service";
import { allowPublicInvocation, gcpWorkloadAccounts, type WorkloadAccountReference, workloadAccount } from "./identity";
import { bucketName, runServiceName } from "./naming";
import { FUNCTION_APIS, targetGroundwork } from "./project-services";
import { WorkloadSecrets } from "./secrets";
import type { GcpSettings } from "./settings";
import { cpuFor, DEFAULT_CONCURRENCY, memoryLimit } from "./sizing";
import { concurrencyProblems, GCP_LIMITS } from "./validation";
import { FUNCTION_ENTRY_POINT, FUNCTION_RUNTIME } from "./workload";

/**
 * `originSecret`: given to the workload as ORIGIN_SECRET through Secret Manager.
 * `protect`: the source bucket and stored secrets cannot be destroyed by Terraform.
 */
export interface FunctionTargetProps extends TargetProps<GcpSettings> {
  /** The GCP function zip (`stack.bundles.gcp`): entry point `workload`, with package.json. */
  readonly bundle: FunctionBundle;
  /**
   * Requests one instance serves at once.
   * @default 80
   */
  readonly concurrency?: number;
  /**
   * Days a replaced source zip is kept in the bucket (as a noncurrent version).
   * @default 30
   */
  readonly noncurrentSourceDays?: number;
}

export class FunctionTarget extends TargetConstruct {
  readonly function: Cloudfunctions2Function;
  /** The accounts it runs and builds as, made by bootstrap. */
  readonly runtimeIdentity: WorkloadAccountReference;
  readonly buildIdentity: WorkloadAccountReference;
  readonly sourceBucket: StorageBucket;
  readonly sourceObject: StorageBucketObject;

  constructor(scope: Construct, id: string, props: FunctionTargetProps) {
    super(scope, id, props, { cloud: "gcp", kind: "function", region: props.settings.region });
    const { spec, settings } = props;
    const concurrency = this.validate(props);
    const project = settings.project;
    const { apis, names, secretReferences } = targetGroundwork(this, {
      project,
      apis: FUNCTION_APIS,
      spec,
      workloadEnvironment: this.workloadEnvironment,
    });

    // Made by bootstrap, with their grants (lib/gcp/identity.ts, gcpWorkloadAccounts): the build account's
    // roles/run.builder and read of the source bucket, the runtime's secret accessor. The stack grants nothing.
    const accounts = gcpWorkloadAccounts(names);
    this.runtimeIdentity = workloadAccount(project, accounts.functionRuntime);
    this.buildIdentity = workloadAccount(project, accounts.functionBuild);
    this.sourceBucket = this.createSourceBucket(props, apis);
    this.sourceObject = this.uploadSource(props.bundle);

    const secrets = new WorkloadSecrets(this, "secrets", {
      project,
      names,
      kind: "fn",
      references: secretReferences,
      dependsOn: apis,
    });
    this.function = this.createFunction(props, {
      concurrency,
      secrets,
      dependsOn: [...apis, ...secrets.ready],
    });
    if (settings.publicInvoker) {
      // A 2nd gen function is served by a Cloud Run service: invocation is Cloud Run's run.invoker.
      allowPublicInvocation(this, { project, region: settings.region, service: this.function.serviceConfig.service });
    }

    this.expose(this.function.serviceConfig.uri, {
      name: this.function.name,
      region: settings.region,
      scope: { project },
    });
  }

  /** The spec against Cloud Functions' limits, the concurrency and the bundle; returns the concurrency. */
  private validate(props: FunctionTargetProps): number {
    const concurrency = props.concurrency ?? DEFAULT_CONCURRENCY;
    const bundleProblems = /^[0-9a-f]{64}$/.test(props.bundle.sha256)
      ? []
      : [`props.bundle: sha256 "${props.bundle.sha256}" is not a SHA-256`];
    assertSpec(this, props.spec, GCP_LIMITS.function, [...concurrencyProblems(concurrency), ...bundleProblems]);
    return concurrency;
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
    props: FunctionTargetProps,
    uses: {
      readonly concurrency: number;
      readonly secrets: WorkloadSecrets;
      readonly dependsOn: readonly ITerraformDependable[];
    },
  ): Cloudfunctions2Function {
    const { spec, settings } = props;
    const { project } = settings;
    const names = { service: spec.name, environment: spec.environment };
    return new Cloudfunctions2Function(this, "function", {
      project,
      location: settings.region,
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
        maxInstanceRequestConcurrency: uses.concurrency,
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
