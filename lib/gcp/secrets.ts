/**
 * Secrets the workload reads, as Secret Manager references (never plain
 * environment values): the edge's shared origin secret, stored in a secret
 * this construct owns, and each `ServiceSpec.secretNames` entry, read from an
 * existing secret of the same id that the operator creates and fills. The
 * target's runtime account reads them through bootstrap's `secretAccessor`
 * on the environment's secrets (`<service>-<env>-*` and the `secretNames`
 * ids, lib/bootstrap/workload/gcp.ts): the stack grants nothing, so its
 * deploy account holds no `setIamPolicy` on a secret.
 *
 * Versions are referenced as `latest`: rotating the value needs no template
 * change (and so no new revision name); new instances read the new value.
 */
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { SecretReference } from "../contract/workload-environment";
import { type NameSource, secretId } from "./naming";

/** One environment variable filled from Secret Manager. */
export interface SecretEnv {
  /** Environment variable name. */
  readonly name: string;
  /** Secret id in the target's project (a token for the origin secret). */
  readonly secret: string;
  /** Secret id known at synth time (for fingerprints). */
  readonly plannedSecret: string;
  readonly version: "latest";
}

export interface WorkloadSecretsProps {
  readonly project: string;
  readonly names: NameSource;
  /** Distinguishes the function's secrets from the container's: "fn" or "run". */
  readonly kind: string;
  /**
   * The workload's secret variables (`secretVariables(workloadEnvironment(...))`):
   * a reference with a value (the edge's origin secret) is stored in a secret
   * this construct owns; one without reads the existing secret of that id.
   */
  readonly references: readonly (readonly [string, SecretReference])[];
  /**
   * Resources to create first (the Secret Manager API).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

export class WorkloadSecrets extends Construct {
  /** Whether any secret is read (then the Secret Manager API is needed). */
  static needed(props: Pick<WorkloadSecretsProps, "references">): boolean {
    return props.references.length > 0;
  }

  readonly env: SecretEnv[] = [];
  /** What must exist before the workload starts: the stored values. */
  readonly ready: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: WorkloadSecretsProps) {
    super(scope, id);
    for (const [name, reference] of props.references) {
      if (reference.value !== undefined) continue;
      this.env.push({ name, secret: reference.secret, plannedSecret: reference.secret, version: "latest" });
    }

    // The one generated secret: the edge's origin secret.
    const generated = props.references.find(([, reference]) => reference.value !== undefined);
    if (generated !== undefined) {
      const [name, { value }] = generated;
      const plannedSecret = secretId(props.names, `${props.kind}-origin-secret`);
      const secret = new SecretManagerSecret(this, "origin", {
        project: props.project,
        secretId: plannedSecret,
        replication: { auto: {} },
        dependsOn: props.dependsOn,
      });
      const version = new SecretManagerSecretVersion(this, "origin-value", {
        secret: secret.id,
        secretData: value,
      });
      this.ready.push(version);
      this.env.push({ name, secret: secret.secretId, plannedSecret, version: "latest" });
    }
  }
}
