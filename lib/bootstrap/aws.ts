/**
 * AWS side of the GitLab trust, one construct per AWS account: the IAM OIDC
 * identity provider for `https://<host>` and, per environment in that
 * account, a plan role and a deploy role, each assumable only with its own
 * audience (`audience()` in lib/identity.ts) by this project's id_tokens
 * (`AssumeRoleWithWebIdentity`), plus the permissions boundary of the
 * environment's workload roles.
 *
 * What IAM can check: for a generic OIDC provider, the trust policy's
 * condition keys are `<host>:aud` and `<host>:sub`. GitLab's other claims
 * (`ref_protected`, `environment`) are not condition keys, so the audience
 * picks the environment and purpose (only that environment's deploy job
 * requests its deploy audience) and `sub` is held to the exact default
 * branch for deploy roles and protected environments' plan roles.
 *
 * Permissions:
 * - plan: the AWS-managed `ReadOnlyAccess` (read everything the stack
 *   refreshes; no write), plus `kms:Decrypt` through SSM only: refreshing
 *   the origin secret's SecureString parameter decrypts it.
 * - deploy: the AWS-managed `PowerUserAccess` (every service but IAM and
 *   Organizations) plus an inline policy whose only Allow is `iam:PassRole`
 *   on the environment's workload roles, each to its own service
 *   (`iam:PassedToService`), and which denies every IAM write but
 *   service-linked roles. The workload roles themselves are made here, by
 *   bootstrap (lib/bootstrap/workload/aws.ts), with a boundary that grants
 *   nothing IAM: the deploy role cannot create, change or re-trust a role.
 *   The same policy denies registry administration (`AWS_REGISTRY_ADMIN_ACTIONS`)
 *   and changes to the images' key: bootstrap makes the environment's ECR
 *   repository (lib/bootstrap/registries/aws.ts).
 * - publish: no managed policy; one inline policy that pushes to (and reads)
 *   the environment's ECR repository only (`awsPublishPolicy`), plus the
 *   account-wide registry token ECR issues. `publish:<env>` runs before the
 *   deploy is approved, so it never holds the deploy role.
 */
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { workloadBoundaryName } from "../aws/identity";
import { awsManagedPolicyGrant } from "../aws/permissions";
import { ecrRepositoryArn } from "../aws/registry";
import { awsWorkloadNames } from "../aws/workload-roles";
import type { CompanyConfig } from "../config/company";
import { audience, IDENTITY_PURPOSES, type IdentityPurpose, type TrustScope, trustSubject } from "../identity";
import type { Grant, GrantStatement } from "../permissions/coverage";
import { bootstrapTags, type EnvironmentTrust, type GitlabOidc, trustScope } from "./gitlab-oidc";
import { awsRegistryKeyAlias } from "./registries/aws";
import { AwsWorkloadIdentities, awsDeployPassRoleStatements } from "./workload/aws";

/** Managed policies per purpose (see the module comment). */
export const AWS_MANAGED_POLICIES: Readonly<Record<IdentityPurpose, readonly string[]>> = {
  plan: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
  deploy: ["arn:aws:iam::aws:policy/PowerUserAccess"],
  publish: [],
};

/** What `publish:<env>` does in the repository: copy layers and the manifest in, and read the digest back. */
export const AWS_PUBLISH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:CompleteLayerUpload",
  "ecr:GetDownloadUrlForLayer",
  "ecr:InitiateLayerUpload",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
] as const;

/**
 * Registry administration the deploy role is denied (PowerUserAccess holds
 * `ecr:*`): bootstrap makes and keeps the repositories
 * (lib/bootstrap/registries/aws.ts); an apply only names them.
 */
export const AWS_REGISTRY_ADMIN_ACTIONS = [
  "ecr:BatchDeleteImage",
  "ecr:CreateRepository",
  "ecr:DeleteLifecyclePolicy",
  "ecr:DeleteRepository",
  "ecr:DeleteRepositoryPolicy",
  "ecr:PutImageScanningConfiguration",
  "ecr:PutImageTagMutability",
  "ecr:PutLifecyclePolicy",
  "ecr:SetRepositoryPolicy",
] as const;

/** What the deploy role may not do to the key of the environment's images (PowerUserAccess holds `kms:*`). */
export const AWS_REGISTRY_KEY_ACTIONS = [
  "kms:DisableKey",
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:DeleteAlias",
  "kms:UpdateAlias",
] as const;

/**
 * IAM writes denied on the boundary, the CI roles and the OIDC provider
 * (workload boundary), and on everything but service-linked roles (deploy
 * role), whatever else allows them.
 */
export const AWS_PROTECTED_IAM_WRITES = [
  "iam:Add*",
  "iam:Attach*",
  "iam:Create*",
  "iam:Delete*",
  "iam:Detach*",
  "iam:Put*",
  "iam:Remove*",
  "iam:Set*",
  "iam:Tag*",
  "iam:Untag*",
  "iam:Update*",
] as const;

/** Name of the CI role of `environment` and `purpose`, e.g. `ci-<service>-prod-deploy` (64 characters at most). */
export function awsRoleName(service: string, environment: string, purpose: IdentityPurpose): string {
  // Starts with `ci-`, so it never falls under the workload's `<service>-<env>-*` the deploy role manages.
  return `ci-${service}-${environment}-${purpose}`;
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

/** The trust policy of one CI role: this project's id_tokens with the audience and subject of `scope`. */
export function awsTrustPolicy(gitlab: GitlabOidc, accountId: string, scope: TrustScope): Record<string, unknown> {
  const aud = `${gitlab.host}:aud`;
  const sub = `${gitlab.host}:sub`;
  const subject = trustSubject(gitlab.projectPath, scope);
  const expected = audience("aws", scope.environment, scope.purpose);
  const condition = subject.exact
    ? // Exact: a job of the protected default branch of this project, with this identity's audience.
      { StringEquals: { [aud]: expected, [sub]: subject.value } }
    : // Any branch of this project (merge requests plan from theirs); the path and audience are exact.
      { StringEquals: { [aud]: expected }, StringLike: { [sub]: subject.value } };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: subject.exact ? "GitlabDefaultBranch" : "GitlabAnyBranch",
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${gitlab.host}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
      },
    ],
  };
}

/** What the deploy role, and every role it creates, may never change: the trust and the boundary. */
function protectedResources(accountId: string, service: string, host: string): string[] {
  return [
    // Every environment's boundary and CI roles (`awsRoleName`, `workloadBoundaryName`): all start `ci-<service>-`.
    `arn:aws:iam::${accountId}:policy/ci-${service}-*`,
    `arn:aws:iam::${accountId}:role/ci-${service}-*`,
    `arn:aws:iam::${accountId}:oidc-provider/${host}`,
  ];
}

/**
 * Where AWS keeps service-linked roles: their trust and permissions are
 * AWS's, so PowerUserAccess may create them (ECS, load balancing).
 */
export function serviceLinkedRoles(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/aws-service-role/*`;
}

/** The publish role's only policy: push to the environment's own ECR repository (its name is derived). */
export function awsPublishPolicy(
  accountId: string,
  service: string,
  environment: string,
  region: string,
): Record<string, unknown> {
  const repository = awsWorkloadNames({ name: service, environment }).repository;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // ECR issues registry tokens per account: this action has no resource-level form.
        Sid: "RegistryToken",
        Effect: "Allow",
        Action: "ecr:GetAuthorizationToken",
        Resource: "*",
      },
      {
        Sid: "PushOwnRepository",
        Effect: "Allow",
        Action: [...AWS_PUBLISH_ACTIONS],
        Resource: ecrRepositoryArn(accountId, region, repository),
      },
    ],
  };
}

/**
 * The deploy role's IAM: pass the environment's workload roles (made by
 * bootstrap), each to its own service; deny every IAM write but
 * service-linked roles, so no managed policy AWS widens can give it one;
 * deny administering a registry and the key of the environment's images
 * (bootstrap's, lib/bootstrap/registries/aws.ts).
 */
export function awsDeployIamPolicy(
  accountId: string,
  service: string,
  environment: string,
  region: string,
): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      ...awsDeployPassRoleStatements(service, environment, { accountId, region }),
      {
        Sid: "NoIdentityAdministration",
        Effect: "Deny",
        Action: [...AWS_PROTECTED_IAM_WRITES],
        NotResource: serviceLinkedRoles(accountId),
      },
      { Sid: "NoRegistryAdministration", Effect: "Deny", Action: [...AWS_REGISTRY_ADMIN_ACTIONS], Resource: "*" },
      {
        // The key is named by its alias (its id is random): any key carrying it, and the alias itself.
        Sid: "KeepTheRegistryKey",
        Effect: "Deny",
        Action: [...AWS_REGISTRY_KEY_ACTIONS],
        Resource: "*",
        Condition: {
          "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/${awsRegistryKeyAlias(service, environment)}` },
        },
      },
      {
        Sid: "KeepTheRegistryKeyAlias",
        Effect: "Deny",
        Action: ["kms:DeleteAlias", "kms:UpdateAlias"],
        Resource: `arn:aws:kms:${region}:${accountId}:alias/${awsRegistryKeyAlias(service, environment)}`,
      },
    ],
  };
}

/**
 * The permissions boundary of `<service>-<env>`'s workload roles: at most
 * every non-IAM action (the workload's own policies narrow it further), and
 * never a change to the boundary, the CI roles or the OIDC provider.
 */
export function awsWorkloadBoundary(gitlab: GitlabOidc, accountId: string, service: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "NothingIam",
        Effect: "Allow",
        NotAction: ["iam:*", "organizations:*", "account:*"],
        Resource: "*",
      },
      { Sid: "KeepTheBoundary", Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" },
      {
        Sid: "KeepTheTrust",
        Effect: "Deny",
        Action: [...AWS_PROTECTED_IAM_WRITES],
        Resource: protectedResources(accountId, service, gitlab.host),
      },
    ],
  };
}

/** The Allow statements of a policy document as grant statements (Action or NotAction; resources and conditions aside). */
export function policyStatements(policy: Record<string, unknown>): GrantStatement[] {
  const list = (value: unknown): string[] => (value === undefined ? [] : ([] as string[]).concat(value as string));
  return (policy.Statement as Record<string, unknown>[])
    .filter((statement) => statement.Effect === "Allow")
    .map((statement) =>
      statement.NotAction === undefined
        ? { allow: list(statement.Action) }
        : { allow: ["*"], except: list(statement.NotAction) },
    );
}

/**
 * Every policy an environment's role of `purpose` holds: the managed ones as
 * AWS documents them (lib/aws/permissions.ts) and the inline ones from their
 * documents here. What the permission coverage check reads; the inline
 * policies' resource scoping and the boundary condition are the other tests'.
 */
export function awsIdentityGrants(purpose: IdentityPurpose): Grant[] {
  const managed = AWS_MANAGED_POLICIES[purpose].map(awsManagedPolicyGrant);
  const inline: Grant =
    purpose === "plan"
      ? { name: "secure-parameters (inline)", statements: policyStatements(planKmsPolicy()) }
      : purpose === "publish"
        ? { name: "publish-image (inline)", statements: policyStatements(awsPublishPolicy("0", "-", "-", "-")) }
        : // The Allow statements of `awsDeployIamPolicy`: PassRole, on the workload's roles only.
          { name: "workload-roles (inline)", statements: [{ allow: ["iam:PassRole"] }] };
  return [...managed, inline];
}

export interface AwsAccountTrustProps {
  readonly gitlab: GitlabOidc;
  readonly accountId: string;
  /** Region of the provider (IAM is global; this is where STS calls go). */
  readonly region: string;
  /** Environments whose roles live in this account, with their region (@default - `region`). */
  readonly environments: readonly (EnvironmentTrust & { readonly region?: string })[];
  /** ServiceSpec name: the workload roles are `<service>-<env>-*`. */
  readonly service: string;
  /** Company settings: the standard tags of every resource. */
  readonly company: CompanyConfig;
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
  /** Permissions boundary of each environment's workload roles. */
  readonly boundaries: ReadonlyMap<string, IamPolicy>;
  /** The workload roles of each environment (lib/bootstrap/workload/aws.ts). */
  readonly workloads: ReadonlyMap<string, AwsWorkloadIdentities>;

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
      defaultTags: [{ tags: bootstrapTags(props.company) }],
    });
    this.oidcProvider = new IamOpenidConnectProvider(this, "gitlab", {
      provider: this.provider,
      url: `https://${gitlab.host}`,
      // Every audience of the account's identities; each role's trust then requires its own.
      clientIdList: props.environments.flatMap((env) =>
        IDENTITY_PURPOSES.map((purpose) => audience("aws", env.name, purpose)),
      ),
    });

    const roles = new Map<string, Record<IdentityPurpose, IamRole>>();
    const boundaries = new Map<string, IamPolicy>();
    const workloads = new Map<string, AwsWorkloadIdentities>();
    for (const env of props.environments) {
      const environment = env.name;
      const region = env.region ?? props.region;
      const boundary = new IamPolicy(this, `${environment}-workload-boundary`, {
        provider: this.provider,
        name: workloadBoundaryName({ name: props.service, environment }),
        description: `Permissions boundary of ${props.service}-${environment}'s workload roles (bootstrap stack)`,
        policy: JSON.stringify(awsWorkloadBoundary(gitlab, accountId, props.service)),
      });
      boundaries.set(environment, boundary);
      workloads.set(
        environment,
        new AwsWorkloadIdentities(this, `${environment}-workload`, {
          provider: this.provider,
          service: props.service,
          environment,
          settings: { accountId, region },
          dependsOn: [boundary],
        }),
      );
      const byPurpose = {} as Record<IdentityPurpose, IamRole>;
      for (const purpose of IDENTITY_PURPOSES) {
        const scope = trustScope(gitlab, env, purpose);
        const subject = trustSubject(gitlab.projectPath, scope);
        const role = new IamRole(this, `${environment}-${purpose}`, {
          provider: this.provider,
          name: awsRoleName(props.service, environment, purpose),
          description: `GitLab CI ${purpose} role of ${environment}, assumable only by ${gitlab.projectPath} (${subject.exact ? `branch ${gitlab.defaultBranch}` : "any branch"}, audience ${audience("aws", environment, purpose)})`,
          assumeRolePolicy: JSON.stringify(awsTrustPolicy(gitlab, accountId, scope)),
          maxSessionDuration: 3600,
          tags: { purpose },
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
            policy: JSON.stringify(awsDeployIamPolicy(accountId, props.service, environment, region)),
          });
        }
        if (purpose === "publish") {
          new IamRolePolicy(this, `${environment}-publish-image`, {
            provider: this.provider,
            role: role.name,
            name: "publish-image",
            policy: JSON.stringify(awsPublishPolicy(accountId, props.service, environment, region)),
          });
        }
        byPurpose[purpose] = role;
      }
      roles.set(environment, byPurpose);
    }
    this.roles = roles;
    this.boundaries = boundaries;
    this.workloads = workloads;
  }
}
