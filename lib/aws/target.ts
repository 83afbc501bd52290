/**
 * What the two AWS targets share, once: where they run, the spec against the
 * kind's limits, the target's own KMS key, the log groups and the
 * workload's secret parameters it encrypts.
 */
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { Construct } from "constructs";
import type { TargetKind } from "../config/schema";
import { assertSpec } from "../contract/spec-validation";
import { TargetConstruct, type TargetProps } from "../contract/target";
import type { WorkloadEnvironment } from "../contract/workload-environment";
import type { ServiceSpec } from "../service";
import { WorkloadKey } from "./encryption";
import { retainedLogGroup } from "./logs";
import { type SecretParameter, secretParameters } from "./secrets";
import type { AwsSettings } from "./settings";
import { AWS_LIMITS } from "./validation";

/** The kind of target and what it adds to the shared steps. */
export interface AwsTargetShape {
  readonly kind: TargetKind;
  /** The target's KMS key: its alias and what it says it encrypts. */
  readonly key: { readonly alias: string; readonly description: string };
  /**
   * The target's own props problems, reported with the spec's, given the
   * workload's variables (secrets decide what a function needs).
   * @default - none
   */
  readonly problems?: (workloadEnvironment: WorkloadEnvironment) => readonly string[];
}

export abstract class AwsTarget extends TargetConstruct {
  /** The target's own KMS key: its logs and the secrets it stores. */
  protected readonly key: WorkloadKey;
  protected readonly spec: ServiceSpec;
  protected readonly settings: AwsSettings;

  protected constructor(scope: Construct, id: string, props: TargetProps<AwsSettings>, shape: AwsTargetShape) {
    super(scope, id, props, { cloud: "aws", kind: shape.kind, region: props.settings.region });
    this.spec = props.spec;
    this.settings = props.settings;
    assertSpec(this, props.spec, AWS_LIMITS[shape.kind], shape.problems?.(this.workloadEnvironment));
    this.key = new WorkloadKey(this, "key", {
      ...shape.key,
      accountId: props.settings.accountId,
      region: props.settings.region,
    });
  }

  /** A log group kept the spec's retention, encrypted with the target's key. */
  protected logGroup(id: string, name: string): CloudwatchLogGroup {
    return retainedLogGroup(this, id, { name, retentionDays: this.spec.logRetentionDays, kmsKeyArn: this.key.arn });
  }

  /**
   * The workload's secret variables as SSM parameters; the generated one (the origin secret)
   * stored under `generatedPrefix`, encrypted with the target's key.
   */
  protected secretParameters(generatedPrefix?: string): SecretParameter[] {
    return secretParameters(this, this.workloadEnvironment, {
      spec: this.spec,
      settings: this.settings,
      keyArn: this.key.arn,
      generatedPrefix,
    });
  }
}
