/**
 * IAM: roles with inline, resource-scoped policies written here, never an
 * AWS-managed policy and never a `*` action, so what each role may do is
 * visible in the synthesized JSON and reviewable in the plan. Every role
 * carries the environment's permissions boundary, which the bootstrap stack
 * creates and the CI deploy role can create roles only with
 * (docs/bootstrap.md, "Privilege escalation").
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
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

/** Lets a workload write its own log group's streams (and no other group's). */
export function writeLogsStatement(logGroupArn: string): PolicyStatement {
  return {
    Sid: "OwnLogGroup",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${logGroupArn}:log-stream:*`,
  };
}

/** Lets a workload (or the ECS agent) read its secret parameters; none when it has no secrets. */
export function readSecretsStatements(
  action: "ssm:GetParameter" | "ssm:GetParameters",
  parameterArns: readonly string[],
): PolicyStatement[] {
  if (parameterArns.length === 0) return [];
  return [{ Sid: "ReadSecrets", Effect: "Allow", Action: [action], Resource: parameterArns }];
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
    });
    if (props.statements.length > 0) {
      this.policy = new IamRolePolicy(this, "policy", {
        name: "least-privilege",
        role: this.role.id,
        policy: policyDocument(props.statements),
      });
    }
  }

  get arn(): string {
    return this.role.arn;
  }
}
