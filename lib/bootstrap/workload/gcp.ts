/**
 * The workload's service accounts of each environment in one GCP project,
 * and their project grants (the function build account's
 * `roles/run.builder`), made by bootstrap (an administrator) from
 * lib/gcp/identity.ts. The environment stack names them; its deploy account
 * holds `iam.serviceAccountUser` on them (lib/bootstrap/gcp.ts) and no IAM
 * administration: it can neither create an account nor grant anyone a role
 * on the project or on an account (`tokenCreator`, `run.builder`).
 */
import type { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { type GcpWorkloadAccountKind, gcpWorkloadAccounts, ServiceIdentity } from "../../gcp/identity";

export interface GcpWorkloadIdentitiesProps {
  readonly provider: GoogleProvider;
  readonly project: string;
  readonly service: string;
  readonly environment: string;
  /** The IAM API. */
  readonly dependsOn?: ITerraformDependable[];
}

/** The workload accounts of one environment, each with its project roles. */
export class GcpWorkloadIdentities extends Construct {
  readonly accounts: Readonly<Record<GcpWorkloadAccountKind, ServiceIdentity>>;

  constructor(scope: Construct, id: string, props: GcpWorkloadIdentitiesProps) {
    super(scope, id);
    const accounts = {} as Record<GcpWorkloadAccountKind, ServiceIdentity>;
    const names = { service: props.service, environment: props.environment };
    for (const [kind, account] of Object.entries(gcpWorkloadAccounts(names))) {
      const identity = new ServiceIdentity(this, kind, {
        provider: props.provider,
        project: props.project,
        accountId: account.accountId,
        displayName: account.displayName,
        dependsOn: props.dependsOn,
      });
      for (const role of account.projectRoles) identity.grantProjectRole(role);
      accounts[kind as GcpWorkloadAccountKind] = identity;
    }
    this.accounts = accounts;
  }
}
