/**
 * AWS side of the GitLab trust, one construct per AWS account: the IAM OIDC
 * identity provider for `https://<host>` and, per environment in that
 * account, a plan role and a deploy role that only this project's id_tokens
 * can assume (`AssumeRoleWithWebIdentity`).
 *
 * What IAM can check: for a generic OIDC provider, the trust policy's
 * condition keys are `<host>:aud` and `<host>:sub` (and `amr`, which GitLab
 * does not send). GitLab's custom claims (`ref_protected`, `environment`) are
 * not condition keys, so the deploy role is held to the exact `sub` of the
 * protected default branch; the environment is enforced on the GitLab side
 * (deploy variables protected and scoped to the environment, protected
 * environments) and on GCP, which can read every claim.
 *
 * Permissions:
 * - plan: the AWS-managed `ReadOnlyAccess` (read everything the stack
 *   refreshes; no write), plus `kms:Decrypt` through SSM only: refreshing
 *   the origin secret's SecureString parameter decrypts it. No new exposure:
 *   the state plan jobs read holds the same value.
 * - deploy: the AWS-managed `PowerUserAccess` (every service but IAM and
 *   Organizations) plus an inline policy managing only the workload's own
 *   roles, `<service>-<env>-*`, and passing only those. It cannot touch its
 *   own role, the plan role or the OIDC provider.
 */
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import {
  deploySubject,
  ID_TOKENS,
  IDENTITY_PURPOSES,
  type IdentityPurpose,
  planSubjectPattern,
} from "../../ci/identity";
import { BOOTSTRAP_TAGS, type GitlabOidc } from "./gitlab-oidc";

/** Managed policies per purpose (see the module comment). */
export const AWS_MANAGED_POLICIES: Readonly<Record<IdentityPurpose, readonly string[]>> = {
  plan: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
  deploy: ["arn:aws:iam::aws:policy/PowerUserAccess"],
};

/** IAM actions the deploy role may use on the workload's roles (lib/aws writes inline policies only). */
export const AWS_DEPLOY_IAM_ACTIONS = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:GetRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:ListRoleTags",
  "iam:PutRolePolicy",
  "iam:GetRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:PassRole",
] as const;

/** Name of the CI role of `environment` and `purpose`, e.g. `ci-<service>-prod-deploy` (64 characters at most). */
export function awsRoleName(service: string, environment: string, purpose: IdentityPurpose): string {
  // Starts with `ci-`, so it never falls under the workload's `<service>-<env>-*` the deploy role manages.
  return `ci-${service}-${environment}-${purpose}`;
}

/** ARN pattern of the workload's own roles in one environment (what lib/aws names `<service>-<env>-...`). */
export function workloadRolePattern(accountId: string, service: string, environment: string): string {
  return `arn:aws:iam::${accountId}:role/${service}-${environment}-*`;
}

/** The plan role's one write-free extra: decrypt, only when SSM asks on its behalf (SecureString refresh). */
export function planKmsPolicy(): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DecryptSecureParametersViaSsm",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringLike: { "kms:ViaService": "ssm.*.amazonaws.com" } },
      },
    ],
  };
}

/** The trust policy of one CI role: this project's id_tokens, with the audience and subject of `purpose`. */
export function awsTrustPolicy(
  gitlab: GitlabOidc,
  accountId: string,
  purpose: IdentityPurpose,
): Record<string, unknown> {
  const aud = `${gitlab.host}:aud`;
  const sub = `${gitlab.host}:sub`;
  const condition =
    purpose === "deploy"
      ? // Exact: a job of the protected default branch of this project, nothing else.
        {
          StringEquals: {
            [aud]: ID_TOKENS.aws.audience,
            [sub]: deploySubject(gitlab.projectPath, gitlab.defaultBranch),
          },
        }
      : // Any branch of this project (merge requests plan from theirs); the path itself is exact.
        {
          StringEquals: { [aud]: ID_TOKENS.aws.audience },
          StringLike: { [sub]: planSubjectPattern(gitlab.projectPath) },
        };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: purpose === "deploy" ? "GitlabDefaultBranch" : "GitlabAnyBranch",
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${gitlab.host}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
      },
    ],
  };
}

export interface AwsAccountTrustProps {
  readonly gitlab: GitlabOidc;
  readonly accountId: string;
  /** Region of the provider (IAM is global; this is where STS calls go). */
  readonly region: string;
  /** Environments whose roles live in this account. */
  readonly environments: readonly string[];
  /** ServiceSpec name: the workload roles the deploy role may manage are `<service>-<env>-*`. */
  readonly service: string;
  /**
   * Role to assume in the account before creating anything.
   * @default - the ambient credentials (which must belong to this account)
   */
  readonly adminRoleName?: string;
}

/** The IAM OIDC provider and CI roles of one AWS account. */
export class AwsAccountTrust extends Construct {
  readonly provider: AwsProvider;
  readonly oidcProvider: IamOpenidConnectProvider;
  /** CI roles by environment, then purpose. */
  readonly roles: ReadonlyMap<string, Readonly<Record<IdentityPurpose, IamRole>>>;

  constructor(scope: Construct, id: string, props: AwsAccountTrustProps) {
    super(scope, id);
    const { gitlab, accountId } = props;
    this.provider = new AwsProvider(this, "provider", {
      alias: `account-${accountId}`,
      region: props.region,
      // Refuse to touch any other account, whatever credentials are loaded.
      allowedAccountIds: [accountId],
      assumeRole:
        props.adminRoleName === undefined
          ? undefined
          : [{ roleArn: `arn:aws:iam::${accountId}:role/${props.adminRoleName}`, sessionName: "gitlab-bootstrap" }],
      defaultTags: [{ tags: { ...BOOTSTRAP_TAGS } }],
    });
    this.oidcProvider = new IamOpenidConnectProvider(this, "gitlab", {
      provider: this.provider,
      url: `https://${gitlab.host}`,
      clientIdList: [ID_TOKENS.aws.audience],
    });

    const roles = new Map<string, Record<IdentityPurpose, IamRole>>();
    for (const environment of props.environments) {
      const byPurpose = {} as Record<IdentityPurpose, IamRole>;
      for (const purpose of IDENTITY_PURPOSES) {
        const role = new IamRole(this, `${environment}-${purpose}`, {
          provider: this.provider,
          name: awsRoleName(props.service, environment, purpose),
          description: `GitLab CI ${purpose} role of ${environment}, assumable only by ${gitlab.projectPath} (${purpose === "deploy" ? `branch ${gitlab.defaultBranch}` : "any branch"})`,
          assumeRolePolicy: JSON.stringify(awsTrustPolicy(gitlab, accountId, purpose)),
          maxSessionDuration: 3600,
          dependsOn: [this.oidcProvider],
        });
        for (const arn of AWS_MANAGED_POLICIES[purpose]) {
          new IamRolePolicyAttachment(this, `${environment}-${purpose}-${arn.split("/").pop()}`, {
            provider: this.provider,
            role: role.name,
            policyArn: arn,
          });
        }
        if (purpose === "plan") {
          new IamRolePolicy(this, `${environment}-plan-secure-parameters`, {
            provider: this.provider,
            role: role.name,
            name: "secure-parameters",
            policy: JSON.stringify(planKmsPolicy()),
          });
        }
        if (purpose === "deploy") {
          new IamRolePolicy(this, `${environment}-deploy-workload-roles`, {
            provider: this.provider,
            role: role.name,
            name: "workload-roles",
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "WorkloadRolesOnly",
                  Effect: "Allow",
                  Action: [...AWS_DEPLOY_IAM_ACTIONS],
                  Resource: workloadRolePattern(accountId, props.service, environment),
                },
              ],
            }),
          });
        }
        byPurpose[purpose] = role;
      }
      roles.set(environment, byPurpose);
    }
    this.roles = roles;
  }
}
