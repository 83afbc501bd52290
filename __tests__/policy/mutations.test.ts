/**
 * The policy pack against the shipped stacks: the production environment and
 * the bootstrap stack, built from environments/, pass; each insecure mutation
 * of a kind the security review (issue #26) got through is an error of the
 * rule named beside it. Mutations find their target by type and attributes
 * (never by construct id) and change it with an override, as a careless
 * commit would.
 */
import { TerraformResource, type TerraformStack, Testing } from "cdktf";
import { bootstrap } from "../../environments/bootstrap";
import { BootstrapStack } from "../../lib/bootstrap/stack";
import { loadBootstrap } from "../../lib/config/bootstrap";
import { policyFindings } from "../../lib/policy";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { itWhen } from "../helpers/clouds";
import { shippedEnvironments, testApp } from "../helpers/environments";
import { policyErrors } from "./helpers";

const configs = shippedEnvironments();
/** The protected environment: prod in the shipped files, whatever a fork calls it. */
const protectedEnv = configs.find((c) => c.protect) ?? configs[configs.length - 1];

type Kind = "environment" | "bootstrap";

function build(kind: Kind): TerraformStack {
  const app = testApp();
  return kind === "environment"
    ? new EnvironmentStack(app, { config: protectedEnv })
    : new BootstrapStack(app, { config: loadBootstrap(bootstrap, configs) });
}

/** Unsuppressed errors of the stack after `mutate`, as rule ids. */
function errorsAfter(kind: Kind, mutate: (stack: TerraformStack) => void): string[] {
  const stack = build(kind);
  mutate(stack);
  return policyErrors(stack);
}

/** Synthesized attributes of a resource, tokens resolved to their expressions. */
function attributesOf(resource: TerraformResource): Record<string, unknown> {
  const synthesized = resource.toTerraform() as { resource: Record<string, Record<string, Record<string, unknown>>> };
  return synthesized.resource[resource.terraformResourceType][resource.friendlyUniqueId];
}

/** The first resource of `type` whose attributes (as JSON) satisfy `match`; throws when there is none. */
function find(stack: TerraformStack, type: string, match: (json: string) => boolean = () => true): TerraformResource {
  const found = stack.node
    .findAll()
    .filter((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === type)
    .find((r) => match(JSON.stringify(attributesOf(r))));
  if (found === undefined) throw new Error(`the shipped ${stack.node.id} stack has no matching ${type}`);
  return found;
}

type Mutation = (stack: TerraformStack) => void;

/** The resource type each mutation changes: a fork without it (a cloud turned off) skips the case. */
const TARGET = new WeakMap<Mutation, string>();

/** `mutate`, recorded as changing a resource of `type`. */
function on(type: string, mutate: Mutation): Mutation {
  TARGET.set(mutate, type);
  return mutate;
}

const override = (type: string, path: string, value: unknown, match?: (json: string) => boolean): Mutation =>
  on(type, (stack) => find(stack, type, match).addOverride(path, value));

/** Values a person would paste in, split so this file holds no scannable credential. */
const STRIPE = ["sk", "live", "51HfQ2eLkd8Yx0aB3cD4eF5gH6"].join("_");
const RANDOM = ["q8ZrT2xV", "w9LmN4pK", "7sB1yF6h", "J3dG5cXe"].join("");
const everyone = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::x/*" }],
});
const anyParameter = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["ssm:GetParameter", "kms:Decrypt"], Resource: "*" }],
});

const lambdaVariable = (name: string, value: string) =>
  override("aws_lambda_function", `environment.variables.${name}`, value);

const MUTATIONS: [string, Kind, string, Mutation][] = [
  // Plain secrets in settings, under innocent names or by shape.
  ["a Lambda setting CONFIG holding an sk_live key", "environment", "BP_COMMON_4", lambdaVariable("CONFIG", STRIPE)],
  [
    "a Lambda setting UPSTREAM_AUTH holding a Bearer token",
    "environment",
    "BP_COMMON_4",
    lambdaVariable("UPSTREAM_AUTH", `Bearer ${RANDOM}`),
  ],
  [
    "a Lambda setting DATABASE with a password in its URL",
    "environment",
    "BP_COMMON_4",
    lambdaVariable("DATABASE", "postgres://db_user:pa55word-x@db.internal:5432/ledger_db"),
  ],
  [
    "a Lambda setting UPSTREAM holding 32 random characters",
    "environment",
    "BP_COMMON_5",
    lambdaVariable("UPSTREAM", RANDOM),
  ],
  // Encryption turned off.
  [
    "the origin-secret parameter as a plain String",
    "environment",
    "BP_AWS_3",
    override("aws_ssm_parameter", "type", "String"),
  ],
  [
    "the origin-secret parameter on the AWS-managed key",
    "environment",
    "BP_AWS_3",
    override("aws_ssm_parameter", "key_id", "alias/aws/ssm"),
  ],
  [
    "a log group without its KMS key",
    "environment",
    "CKV_AWS_158",
    on("aws_cloudwatch_log_group", (stack) =>
      (find(stack, "aws_cloudwatch_log_group") as unknown as { resetKmsKeyId(): void }).resetKmsKeyId(),
    ),
  ],
  ["a KMS key without rotation", "environment", "CKV_AWS_7", override("aws_kms_key", "enable_key_rotation", false)],
  [
    "the access-log bucket's default encryption emptied",
    "environment",
    "BP_AWS_4",
    // An override of `undefined` removes the attribute.
    override(
      "aws_s3_bucket_server_side_encryption_configuration",
      "rule.0.apply_server_side_encryption_by_default",
      undefined,
    ),
  ],
  [
    "Azure storage without infrastructure encryption",
    "environment",
    "BP_AZ_7",
    override("azurerm_storage_account", "infrastructure_encryption_enabled", false),
  ],
  // Readable by all users.
  [
    "the access-log bucket policy open to Principal *",
    "environment",
    "BP_AWS_5",
    override("aws_s3_bucket_policy", "policy", everyone),
  ],
  [
    "the function release container readable anonymously",
    "environment",
    "CKV_AZURE_34",
    override("azurerm_storage_container", "container_access_type", "blob"),
  ],
  [
    "the function source bucket granted to allUsers",
    "environment",
    "CKV_GCP_28",
    override("google_storage_bucket_iam_member", "member", "allUsers"),
  ],
  // A privileged container; workload IAM on "*".
  [
    "the ECS container privileged",
    "environment",
    "BP_AWS_6",
    on("aws_ecs_task_definition", (stack) => {
      const task = find(stack, "aws_ecs_task_definition");
      const definitions = (task as unknown as { containerDefinitionsInput: string }).containerDefinitionsInput;
      task.addOverride("container_definitions", definitions.replace('"privileged":false', '"privileged":true'));
    }),
  ],
  [
    // The workload's roles are bootstrap's (lib/bootstrap/workload/aws.ts).
    "the function role allowed ssm:GetParameter and kms:Decrypt on *",
    "bootstrap",
    "CKV_AWS_355",
    override("aws_iam_role_policy", "policy", anyParameter, (json) => json.includes("ssm:GetParameter")),
  ],
  [
    "a workload identity's vault role moved to the resource group",
    "environment",
    "BP_AZ_10",
    // The one the stack still makes (the Function App's system identity); bootstrap's are on the group by design.
    override(
      "azurerm_role_assignment",
      "scope",
      `/subscriptions/${protectedEnv.azure?.subscriptionId}/resourceGroups/rg`,
      (json) => json.includes('"role_definition_name":"Key Vault Secrets User"'),
    ),
  ],
  // Production protections switched off (GitLab side).
  [
    "production deployments without an approval",
    "bootstrap",
    "BP_COMMON_6",
    override("gitlab_project_protected_environment", "approval_rules", undefined, (json) =>
      json.includes("approval_rules"),
    ),
  ],
  [
    "production deployable by developers",
    "bootstrap",
    "BP_COMMON_6",
    override(
      "gitlab_project_protected_environment",
      "deploy_access_levels_attribute",
      [{ access_level: "developer" }],
      (json) => json.includes("approval_rules"),
    ),
  ],
  // Bootstrap trust loosened, admin conditions widened to owner-like roles.
  [
    "the GCP pool accepting deploy tokens from unprotected refs",
    "bootstrap",
    "BP_GCP_6",
    on("google_iam_workload_identity_pool_provider", (stack) => {
      const provider = find(stack, "google_iam_workload_identity_pool_provider");
      const condition = (provider as unknown as { attributeConditionInput: string }).attributeConditionInput;
      provider.addOverride(
        "attribute_condition",
        condition.replaceAll(' && has(assertion.ref_protected) && string(assertion.ref_protected) == "true"', ""),
      );
    }),
  ],
  [
    "the Azure deploy identity given RBAC Administrator back, limited to Key Vault Secrets User (grantable outside CI)",
    "bootstrap",
    "BP_AZ_8",
    on("azurerm_role_assignment", (stack) => {
      const officer = find(stack, "azurerm_role_assignment", (json) => json.includes('"Key Vault Secrets Officer"'));
      officer.addOverride("role_definition_name", "Role Based Access Control Administrator");
      officer.addOverride(
        "condition",
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {4633458b-17de-408a-b874-0445c86b69e6} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalId] ForAnyOfAllValues:GuidNotEquals {00000000-0000-0000-0000-000000000009}))",
      );
      officer.addOverride("condition_version", "2.0");
    }),
  ],
  [
    "the GCP deploy account's secrets role given setIamPolicy (share a secret with any member)",
    "bootstrap",
    "BP_GCP_11",
    on("google_project_iam_custom_role", (stack) => {
      const role = find(stack, "google_project_iam_custom_role", (json) =>
        json.includes("secretmanager.secrets.create"),
      );
      const permissions = attributesOf(role).permissions as string[];
      role.addOverride("permissions", [...permissions, "secretmanager.secrets.setIamPolicy"]);
    }),
  ],
  [
    "the GCP deploy account given storage admin back on its buckets",
    "bootstrap",
    "BP_GCP_11",
    override(
      "google_project_iam_member",
      "role",
      "roles/storage.admin",
      // The custom role's grant (its role a reference), not a workload account's object read.
      (json) => json.includes('-buckets-only"') && json.includes('"role":"${'),
    ),
  ],
  // Deploy identities administering IAM again (bootstrap owns identity).
  [
    "the AWS deploy role allowed to create roles and change their trust",
    "bootstrap",
    "BP_AWS_8",
    override(
      "aws_iam_role_policy",
      "policy",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["iam:CreateRole", "iam:UpdateAssumeRolePolicy"], Resource: "*" }],
      }),
      (json) => json.includes("iam:PassedToService"),
    ),
  ],
  [
    "the GCP deploy account's invoker role granted on every Cloud Run service of the project",
    "bootstrap",
    "BP_GCP_11",
    override("google_project_iam_member", "condition.expression", "true", (json) => json.includes('-services-only"')),
  ],
  [
    "the environment stack granting run.admin on its Cloud Run service to a user",
    "environment",
    "BP_GCP_12",
    on("google_cloud_run_v2_service_iam_member", (stack) => {
      const grant = find(stack, "google_cloud_run_v2_service_iam_member");
      grant.addOverride("role", "roles/run.admin");
      grant.addOverride("member", "user:someone@outside.test");
    }),
  ],
  [
    "the environment stack opening another environment's Cloud Run service",
    "environment",
    "BP_GCP_12",
    override("google_cloud_run_v2_service_iam_member", "name", "other-prod-run"),
  ],
  [
    "the GCP deploy account made service account admin on the workload's accounts",
    "bootstrap",
    "BP_GCP_11",
    override("google_project_iam_member", "role", "roles/iam.serviceAccountAdmin", (json) =>
      json.includes('"role":"roles/iam.serviceAccountUser"'),
    ),
  ],
  [
    "the Azure deploy role allowed to write managed identities and federated credentials",
    "bootstrap",
    "BP_AZ_11",
    override("azurerm_role_definition", "permissions", [{ actions: ["*"], not_actions: [] }], (json) =>
      json.includes("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write"),
    ),
  ],
  // Plan identities given secret read.
  [
    "the AWS plan role decrypting with any key directly",
    "bootstrap",
    "BP_AWS_7",
    override(
      "aws_iam_role_policy",
      "policy",
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }] }),
      (json) => json.includes("kms:ViaService"),
    ),
  ],
  [
    "the GCP plan account reading every secret of the project",
    "bootstrap",
    "BP_GCP_10",
    on("google_project_iam_member", (stack) =>
      (
        find(
          stack,
          "google_project_iam_member",
          // The plan account's (a CI account's condition covers the project too), not a workload runtime's.
          (json) => json.includes("secretmanager.secretAccessor") && json.includes("(and the project itself)"),
        ) as unknown as {
          resetCondition(): void;
        }
      ).resetCondition(),
    ),
  ],
  [
    "the Azure plan identity made Key Vault Secrets User",
    "bootstrap",
    "BP_AZ_9",
    override("azurerm_role_assignment", "role_definition_name", "Key Vault Secrets User", (json) =>
      json.includes('"role_definition_name":"Reader"'),
    ),
  ],
];

describe("the policy pack on the shipped stacks", () => {
  it.each(["environment", "bootstrap"] as const)("passes the shipped %s stack, synthesized", (kind) => {
    const stack = build(kind);
    Testing.synth(stack, true);
    expect(
      policyFindings(stack)
        .filter((f) => f.level === "error" && f.suppressedBecause === undefined)
        .map((f) => f.ruleId),
    ).toEqual([]);
  });

  // The resource types of each shipped stack: a fork may have turned the cloud of a mutation's target off.
  const types = Object.fromEntries(
    (["environment", "bootstrap"] as const).map((kind) => [
      kind,
      new Set(
        build(kind)
          .node.findAll()
          .filter((c): c is TerraformResource => c instanceof TerraformResource)
          .map((r) => r.terraformResourceType),
      ),
    ]),
  ) as Record<Kind, Set<string>>;

  for (const [name, kind, rule, mutate] of MUTATIONS) {
    const target = TARGET.get(mutate) as string;
    itWhen(types[kind].has(target), `this fork's ${kind} stack has no ${target}`)(
      `fails ${name} (${kind} stack) with ${rule}`,
      () => {
        expect(errorsAfter(kind, mutate)).toContain(rule);
      },
    );
  }

  it("knows the resource type of every mutation", () => {
    expect(MUTATIONS.filter(([, , , mutate]) => TARGET.get(mutate) === undefined).map(([name]) => name)).toEqual([]);
  });
});
