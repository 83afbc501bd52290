/**
 * What the two Azure targets share, once: where they run, the spec against
 * the kind's limits (with a warning where the product's HTTP front end ends
 * requests before the spec's timeout), the environment's `AzureFoundation`
 * with the target's identity, and what they expose.
 */
import { Annotations } from "cdktf";
import type { Construct } from "constructs";
import type { TargetKind } from "../config/schema";
import { assertSpec } from "../contract/spec-validation";
import { TargetConstruct, type TargetProps } from "../contract/target";
import { AzureFoundation } from "./foundation";
import type { WorkloadIdentityReference } from "./identity";
import type { AzureSettings } from "./settings";
import { AZURE_LIMITS } from "./validation";

/** What both Azure targets take beside `TargetProps`. */
export interface AzureTargetProps extends TargetProps<AzureSettings> {
  /**
   * Resource group (read), names and logs shared with the other target.
   * @default - the stack's AzureFoundation, created on first use
   */
  readonly foundation?: AzureFoundation;
}

/** The kind of target and what it adds to the shared steps. */
export interface AzureTargetShape {
  readonly kind: TargetKind;
  /** The product's own limit on one request, whatever the spec's timeout: a longer timeout only warns. */
  readonly requestLimit: { readonly seconds: number; readonly endedBy: string };
  /**
   * The target's own props problems, reported with the spec's.
   * @default - none
   */
  readonly problems?: readonly string[];
}

export abstract class AzureTarget extends TargetConstruct {
  readonly foundation: AzureFoundation;
  /** Its user-assigned identity, made by bootstrap (with the roles its kind needs). */
  readonly identity: WorkloadIdentityReference;

  protected constructor(scope: Construct, id: string, props: AzureTargetProps, shape: AzureTargetShape) {
    super(scope, id, props, { cloud: "azure", kind: shape.kind, region: props.settings.location });
    const { spec } = props;
    assertSpec(this, spec, AZURE_LIMITS[shape.kind], shape.problems);
    if (spec.timeoutSeconds > shape.requestLimit.seconds) {
      Annotations.of(this).addWarning(
        `timeoutSeconds ${spec.timeoutSeconds}: ${shape.requestLimit.endedBy} after ${shape.requestLimit.seconds} s`,
      );
    }
    this.foundation = AzureFoundation.forTarget(this, props, this.protect);
    this.identity = this.foundation.addIdentity(this, this.foundation.names[`${shape.kind}Identity`]);
  }

  /** Completes the target on its HTTPS host; monitoring keys its metrics by resource group. */
  protected exposeHost(host: string, name: string): void {
    this.expose(`https://${host}`, {
      name,
      region: this.foundation.location,
      scope: { resourceGroup: this.foundation.resourceGroupName },
    });
  }
}
