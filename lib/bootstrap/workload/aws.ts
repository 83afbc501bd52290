/**
 * The workload's IAM roles of each environment in one AWS account, made by
 * bootstrap (an administrator) from lib/aws/workload-roles.ts, each with the
 * environment's permissions boundary. The environment stack passes them by
 * ARN; its deploy role holds `iam:PassRole` on exactly these, each to its
 * own service (`awsDeployPassRoleStatements`), and no IAM write at all.
 */
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { ServiceRole, workloadBoundaryArn, workloadRoleReference } from "../../aws/identity";
import {
  type AwsWorkloadRoleKind,
  awsWorkloadRoles,
  type WorkloadRoleSettings,
  type WorkloadRoleSpec,
} from "../../aws/workload-roles";
import { SERVICE } from "../../service";
import { oneByKind, type WorkloadIdentitiesProps } from "./identities";

/** The names the roles are derived from: the service, the environment, and the secrets it reads. */
export function workloadRoleSpec(service: string, environment: string): WorkloadRoleSpec {
  return { name: service, environment, secretNames: [...SERVICE.secretNames] };
}

/**
 * The deploy role's only IAM: pass the environment's workload roles, each
 * only to the service that assumes it (`iam:PassedToService`).
 */
export function awsDeployPassRoleStatements(
  service: string,
  environment: string,
  settings: WorkloadRoleSettings,
): Record<string, unknown>[] {
  const roles = Object.values(awsWorkloadRoles(workloadRoleSpec(service, environment), settings));
  const services = [...new Set(roles.map((role) => role.service))].sort();
  return services.map((principal) => ({
    Sid: `PassWorkloadRolesTo${principal.split(".")[0].replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`,
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: roles
      .filter((role) => role.service === principal)
      .map((role) => workloadRoleReference(settings, role).arn)
      .sort(),
    Condition: { StringEquals: { "iam:PassedToService": principal } },
  }));
}

export interface AwsWorkloadIdentitiesProps extends WorkloadIdentitiesProps<AwsProvider> {
  readonly settings: WorkloadRoleSettings;
}

/** The workload roles of one environment. */
export class AwsWorkloadIdentities extends Construct {
  readonly roles: Readonly<Record<AwsWorkloadRoleKind, ServiceRole>>;

  constructor(scope: Construct, id: string, props: AwsWorkloadIdentitiesProps) {
    super(scope, id);
    const spec = workloadRoleSpec(props.service, props.environment);
    this.roles = oneByKind(
      awsWorkloadRoles(spec, props.settings),
      (kind, role) =>
        new ServiceRole(this, kind, {
          ...role,
          provider: props.provider,
          permissionsBoundary: workloadBoundaryArn(props.settings.accountId, spec),
          dependsOn: props.dependsOn,
        }),
    );
  }
}
