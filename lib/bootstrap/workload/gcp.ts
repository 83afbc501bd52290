/**
 * The workload's service accounts of each environment in one GCP project,
 * and their grants, made by bootstrap (an administrator) from
 * lib/gcp/identity.ts: project roles (the function build account's
 * `roles/run.builder`), and roles on the environment's own secrets and
 * buckets under an IAM name condition (the runtimes' secret accessor, the
 * build account's read of the source bucket), given before those resources
 * exist. The environment stack names the accounts; its deploy account holds
 * `iam.serviceAccountUser` on them (lib/bootstrap/gcp.ts) and no IAM
 * administration: it can neither create an account nor grant anyone a role
 * on the project, an account (`tokenCreator`, `run.builder`), a secret or a
 * bucket.
 */
import type { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Construct } from "constructs";
import {
  GCP_NAMED_COLLECTIONS,
  type GcpWorkloadAccountKind,
  gcpNameCondition,
  gcpWorkloadAccounts,
  ServiceIdentity,
} from "../../gcp/identity";
import { SERVICE } from "../../service";
import { oneByKind, type WorkloadIdentitiesProps } from "./identities";

export interface GcpWorkloadIdentitiesProps extends WorkloadIdentitiesProps<GoogleProvider> {
  readonly project: string;
}

/** The workload accounts of one environment, each with its project roles. */
export class GcpWorkloadIdentities extends Construct {
  readonly accounts: Readonly<Record<GcpWorkloadAccountKind, ServiceIdentity>>;

  constructor(scope: Construct, id: string, props: GcpWorkloadIdentitiesProps) {
    super(scope, id);
    const names = { service: props.service, environment: props.environment };
    this.accounts = oneByKind(gcpWorkloadAccounts(names), (kind, account) => {
      const identity = new ServiceIdentity(this, kind, {
        provider: props.provider,
        project: props.project,
        accountId: account.accountId,
        displayName: account.displayName,
        dependsOn: props.dependsOn,
      });
      for (const role of account.projectRoles) identity.grantProjectRole(role);
      const prefix = `${props.service}-${props.environment}-`;
      for (const [role, collection] of Object.entries(account.resourceRoles)) {
        // The operator's secrets keep their `secretNames` ids (lib/contract/workload-environment.ts).
        const names = collection === "secrets" ? SERVICE.secretNames : [];
        identity.grantProjectRole(role, {
          title: `${props.environment}-${collection}-only`,
          description: `Only ${GCP_NAMED_COLLECTIONS[collection]} named ${prefix}...${names.length > 0 ? ` or ${names.join(", ")}` : ""}`,
          expression: gcpNameCondition(collection, prefix, names),
        });
      }
      return identity;
    });
  }
}
