/**
 * IAM: roles with inline, resource-scoped policies written here, never an
 * AWS-managed policy and never a `*` action, so what each role may do is
 * visible in the synthesized JSON and reviewable in the plan. The workload's
 * roles are created by the bootstrap stack (lib/bootstrap/workload/aws.ts,
 * from lib/aws/workload-roles.ts) with the environment's permissions
 * boundary; the environment stack only references them
 * (`workloadRoleReference`), so its deploy role administers no IAM
 * (docs/bootstrap.md, "Bootstrap owns identity").
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  /** Explicit actions (`service:Action`); a wildcard is refused in an Allow, welcome in a Deny. */
  readonly Action: readonly string[];
  /** Omitted only in trust policies, where the role itself is the resource. */
  readonly Resource?: string | readonly string[];
  readonly Principal?: Readonly<Record<string, string | readonly string[]>>;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/**
 * A policy document as JSON. Tokens inside (ARNs of resources in the stack)
 * stay Terraform interpolations inside the JSON string.
 */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  for (const statement of statements) {
    if (statement.Effect === "Deny") continue;
    for (const action of statement.Action) {
      if (action.includes("*"))
        throw new ConstructError(
          "BPE_AWS_3",
          undefined,
          `IAM action "${action}" has a wildcard; list the actions instead`,
        );
    }
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A trust policy letting one AWS service principal assume the role. */
export function trustPolicy(service: string, condition?: PolicyStatement["Condition"]): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: ["sts:AssumeRole"],
      ...(condition === undefined ? {} : { Condition: condition }),
    },
  ]);
}

/**
 * Name of the permissions boundary of `<service>-<env>`'s roles. Outside the
 * `<service>-<env>-*` namespace the deploy role manages, like its own role.
 */
export function workloadBoundaryName(spec: { readonly name: string; readonly environment: string }): string {
  return `ci-${spec.name}-${spec.environment}-workload-boundary`;
}

/** ARN of that boundary in `accountId`: what every workload role must carry. */
export function workloadBoundaryArn(
  accountId: string,
  spec: { readonly name: string; readonly environment: string },
): string {
  return `arn:aws:iam::${accountId}:policy/${workloadBoundaryName(spec)}`;
}

export interface ServiceRoleProps {
  /** Role name (unique per account, 64 characters at most). */
  readonly name: string;
  /** What the role is for, shown in the IAM console. */
  readonly description: string;
  /** Service principal allowed to assume it, e.g. `lambda.amazonaws.com`. */
  readonly service: string;
  /** Extra trust conditions (confused-deputy protection). @default - none */
  readonly trustCondition?: PolicyStatement["Condition"];
  /** The role's whole permission set; empty for a role that needs none. */
  readonly statements: readonly PolicyStatement[];
  /**
   * ARN of the permissions boundary (`workloadBoundaryArn`): the CI deploy
   * role may create a role only with it.
   */
  readonly permissionsBoundary: string;
  /** Provider of the account (bootstrap has one per account). @default - the stack's */
  readonly provider?: AwsProvider;
  /** Resources to create first (the boundary). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/** An IAM role for one AWS service with exactly `statements` as its permissions. */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  /** The inline policy; undefined for a role without permissions. */
  readonly policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: trustPolicy(props.service, props.trustCondition),
      permissionsBoundary: props.permissionsBoundary,
      provider: props.provider,
      dependsOn: props.dependsOn,
    });
    if (props.statements.length > 0) {
      this.policy = new IamRolePolicy(this, "policy", {
        name: "least-privilege",
        role: this.role.id,
        policy: policyDocument(props.statements),
        provider: props.provider,
      });
    }
  }

  get arn(): string {
    return this.role.arn;
  }
}

/** A role bootstrap made, as the environment stack uses it: by name and ARN, no data source. */
export interface WorkloadRoleReference {
  readonly name: string;
  readonly arn: string;
}

/** The reference to role `role.name` of the environment's account. */
export function workloadRoleReference(
  settings: { readonly accountId: string },
  role: { readonly name: string },
): WorkloadRoleReference {
  return { name: role.name, arn: `arn:aws:iam::${settings.accountId}:role/${role.name}` };
}
