/**
 * The workload as a Cloud Function (2nd gen): the GCP bundle uploaded to a
 * private, versioned source bucket under its content hash (so a code change,
 * and only a code change, changes the plan), built by a dedicated build
 * service account and run by a dedicated runtime service account with no
 * project roles at all (it calls no Google API; stdout reaches Cloud Logging
 * through the platform).
 */

import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { Cloudfunctions2Function } from "@cdktf/provider-google/lib/cloudfunctions2-function";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { StorageBucketObject } from "@cdktf/provider-google/lib/storage-bucket-object";
import { AssetType, TerraformAsset } from "cdktf";
import type { Construct } from "constructs";
import { assertSpec } from "../contract/spec-validation";
import { TargetConstruct, type TargetProps } from "../contract/target";
import { plainVariables, secretVariables } from "../contract/workload-environment";
import type { FunctionBundle } from "../service";
import { ServiceIdentity } from "./identity";
import { ProjectLogRetention } from "./logs";
import { bucketName, runServiceName, serviceAccountId } from "./naming";
import { BASE_APIS, FUNCTION_APIS, ProjectServices, SECRET_APIS } from "./project-services";
import { WorkloadSecrets } from "./secrets";
import type { GcpSettings } from "./settings";
import { cpuFor, DEFAULT_CONCURRENCY, memoryLimit } from "./sizing";
import { GCP_LIMITS } from "./validation";
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
  readonly runtimeIdentity: ServiceIdentity;
  readonly buildIdentity: ServiceIdentity;
  readonly sourceBucket: StorageBucket;
  readonly sourceObject: StorageBucketObject;

  constructor(scope: Construct, id: string, props: FunctionTargetProps) {
    super(scope, id, props, { cloud: "gcp", kind: "function", region: props.settings.region });
    const { spec, settings, bundle } = props;
    const concurrency = props.concurrency ?? DEFAULT_CONCURRENCY;
    const propsProblems: string[] = [];
    if (concurrency < 1 || concurrency > 1000)
      propsProblems.push(`props.concurrency: ${concurrency} must be 1 to 1000`);
    if (!/^[0-9a-f]{64}$/.test(bundle.sha256))
      propsProblems.push(`props.bundle: sha256 "${bundle.sha256}" is not a SHA-256`);
    assertSpec(this, spec, GCP_LIMITS.function, propsProblems);
    const project = settings.project;
    const names = { service: spec.name, environment: spec.environment };
    const secretReferences = secretVariables(this.workloadEnvironment);
    const secretsNeeded = WorkloadSecrets.needed({ references: secretReferences });

    const apis = ProjectServices.of(this, project).require([
      ...BASE_APIS,
      ...FUNCTION_APIS,
      ...(secretsNeeded ? SECRET_APIS : []),
    ]);
    ProjectLogRetention.of(this, project, spec.logRetentionDays, apis);

    this.runtimeIdentity = new ServiceIdentity(this, "runtime", {
      project,
      accountId: serviceAccountId(names, "fn"),
      displayName: `${spec.name} ${spec.environment} function (runtime)`,
      dependsOn: apis,
    });
    this.buildIdentity = new ServiceIdentity(this, "build", {
      project,
      accountId: serviceAccountId(names, "fn-build"),
      displayName: `${spec.name} ${spec.environment} function (build)`,
      dependsOn: apis,
    });
    // Google's role for a custom function build account: build logs, built images, source reads.
    this.buildIdentity.grantProjectRole("roles/run.builder");

    this.sourceBucket = new StorageBucket(this, "source", {
      project,
      name: bucketName(names, project, "fn-src"),
      location: settings.region,
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
      dependsOn: apis,
    });
    const readSource = new StorageBucketIamMember(this, "build-reads-source", {
      bucket: this.sourceBucket.name,
      role: "roles/storage.objectViewer",
      member: this.buildIdentity.member,
    });
    const asset = new TerraformAsset(this, "bundle", {
      path: bundle.path,
      type: AssetType.FILE,
      // The bundle's own hash: no second read of the zip, and the same folder name in cdktf.out.
      assetHash: bundle.sha256,
    });
    this.sourceObject = new StorageBucketObject(this, "source-zip", {
      bucket: this.sourceBucket.name,
      name: `${bundle.sha256}.zip`,
      source: asset.path,
      contentType: "application/zip",
    });

    const secrets = new WorkloadSecrets(this, "secrets", {
      project,
      names,
      kind: "fn",
      identity: this.runtimeIdentity,
      references: secretReferences,
      dependsOn: apis,
    });

    this.function = new Cloudfunctions2Function(this, "function", {
      project,
      location: settings.region,
      name: runServiceName(names, "fn"),
      description: `${spec.name} ${spec.version} (${spec.environment})`,
      labels: { service: spec.name, environment: spec.environment, target: "function" },
      buildConfig: {
        runtime: FUNCTION_RUNTIME,
        entryPoint: FUNCTION_ENTRY_POINT,
        serviceAccount: this.buildIdentity.account.id,
        source: { storageSource: { bucket: this.sourceBucket.name, object: this.sourceObject.name } },
      },
      serviceConfig: {
        availableMemory: memoryLimit(spec.memoryMb),
        availableCpu: cpuFor(spec.memoryMb),
        timeoutSeconds: spec.timeoutSeconds,
        minInstanceCount: spec.minInstances,
        maxInstanceCount: spec.maxInstances,
        maxInstanceRequestConcurrency: concurrency,
        ingressSettings: "ALLOW_ALL",
        allTrafficOnLatestRevision: true,
        serviceAccountEmail: this.runtimeIdentity.email,
        // The API adds LOG_EXECUTION_ID=true itself; declaring it avoids a diff on every plan.
        environmentVariables: { LOG_EXECUTION_ID: "true", ...plainVariables(this.workloadEnvironment) },
        secretEnvironmentVariables:
          secrets.env.length > 0
            ? secrets.env.map((env) => ({
                key: env.name,
                projectId: project,
                secret: env.secret,
                version: env.version,
              }))
            : undefined,
      },
      dependsOn: [...apis, ...this.buildIdentity.grants, readSource, ...secrets.ready],
    });

    if (settings.publicInvoker) {
      // A 2nd gen function is served by a Cloud Run service: invocation is Cloud Run's run.invoker.
      new CloudRunV2ServiceIamMember(this, "public-invoker", {
        project,
        location: settings.region,
        name: this.function.serviceConfig.service,
        role: "roles/run.invoker",
        member: "allUsers",
      });
    }

    this.expose(this.function.serviceConfig.uri, {
      name: this.function.name,
      region: settings.region,
      scope: { project },
    });
  }
}
