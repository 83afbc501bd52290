/**
 * BootstrapStack (`cdktf deploy bootstrap`): the GitLab OIDC trust on every
 * enabled cloud, each environment's workload identities and their grants
 * (lib/bootstrap/workload/: bootstrap owns identity, so no deploy identity
 * administers any), its container registries (lib/bootstrap/registries/),
 * and the GitLab project's environments and CI/CD
 * variables, run once by an administrator. Besides lib/stacks, the one place that knows
 * every cloud; each cloud's resources stay in their own file.
 *
 * Grouping: one IAM OIDC provider per AWS account, one workload identity
 * pool per GCP project, one set of Entra ID applications per tenant, so
 * environments that share an account or project share its trust.
 */
import { Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addBackend } from "../backend";
import { BOOTSTRAP_STACK, type BootstrapConfig, type BootstrapEnvironment } from "../config/bootstrap";
import type { Cloud } from "../config/schema";
import type { IdentityPurpose } from "../identity";
import { PolicyAspect } from "../policy";
import { AwsAccountTrust } from "./aws";
import { AzureTenantTrust } from "./azure";
import { GcpProjectTrust } from "./gcp";
import { GitlabProjectSetup, type GitlabVariable } from "./gitlab";
import type { EnvironmentTrust, GitlabOidc } from "./gitlab-oidc";
import { addRegistries, type EnvironmentRegistry } from "./registries";
import { addStateStores, type StateStore } from "./state/stores";
import { type IdentityField, noteTokenVariable, pipelineVariables, secretVariables } from "./variables";

export interface BootstrapStackProps {
  /** The validated bootstrap config (see `loadBootstrap`). */
  readonly config: BootstrapConfig;
  /**
   * ServiceSpec name: names the workload's AWS roles and Azure resource group.
   * @default - `service` of environments/company.ts
   */
  readonly service?: string;
}

/** Environments grouped by a key (account, project), in first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

export class BootstrapStack extends TerraformStack {
  readonly config: BootstrapConfig;
  readonly aws = new Map<string, AwsAccountTrust>();
  readonly azure?: AzureTenantTrust;
  readonly gcp = new Map<string, GcpProjectTrust>();
  readonly gitlab: GitlabProjectSetup;
  /** Protected environments' state stores (backend `cloud`), by environment. */
  readonly stateStores: ReadonlyMap<string, StateStore>;
  /** Every environment's container registries, by environment then cloud (lib/bootstrap/registries/). */
  readonly registries: ReadonlyMap<string, ReadonlyMap<string, EnvironmentRegistry>>;

  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, BOOTSTRAP_STACK);
    this.config = props.config;
    const config = props.config;
    const service = props.service ?? config.company.service;
    const gitlab: GitlabOidc = {
      host: config.gitlab.host,
      projectPath: config.gitlab.projectPath,
      projectId: config.gitlab.projectId,
      defaultBranch: config.gitlab.defaultBranch,
      protectedEnvironments: config.gitlab.protectedEnvironments,
    };
    addBackend(this, { name: BOOTSTRAP_STACK, backend: config.backend, company: config.company });
    const on = (cloud: Cloud) => config.environments.filter((env) => env.clouds.includes(cloud));

    // --- AWS: one OIDC provider per account ---
    for (const [accountId, envs] of groupBy(on("aws"), (env) => awsOf(env).accountId)) {
      this.aws.set(
        accountId,
        new AwsAccountTrust(this, `aws-${accountId}`, {
          gitlab,
          accountId,
          region: awsOf(envs[0]).region,
          environments: envs.map((env) => ({ ...trustOf(env), region: awsOf(env).region })),
          service,
          company: config.company,
          adminRoleName: config.aws.adminRoleName,
        }),
      );
    }

    // --- Azure: one tenant, per-subscription providers inside ---
    const azureEnvs = on("azure");
    if (azureEnvs.length > 0 && config.azure !== undefined) {
      this.azure = new AzureTenantTrust(this, "azure", {
        gitlab,
        tenantId: config.azure.tenantId,
        flexibleCredentials: config.azure.flexibleCredentials,
        service,
        company: config.company,
        environments: azureEnvs.map((env) => ({ ...trustOf(env), ...azureOf(env) })),
      });
    }

    // --- GCP: one pool per project ---
    for (const [project, envs] of groupBy(on("gcp"), (env) => gcpOf(env).project)) {
      this.gcp.set(
        project,
        new GcpProjectTrust(this, `gcp-${project}`, {
          gitlab,
          project,
          region: gcpOf(envs[0]).region,
          environments: envs.map(trustOf),
          service,
          poolId: config.gcp.poolId,
          providerId: config.gcp.providerId,
        }),
      );
    }

    // --- State of environments with a `cloud` backend: readable by their own identities only ---
    this.stateStores = addStateStores(
      this,
      config.environments.map((env) => env.config),
      this,
    );

    // --- Container registries: publish:<env> pushes there before any deploy, so no deploy identity makes them ---
    this.registries = addRegistries(this, config.environments, this, { service, company: config.company });

    // --- GitLab: environments, protection, the variables the pipeline reads ---
    const variables: GitlabVariable[] = config.environments.flatMap((env) =>
      pipelineVariables(env.config.name, env.clouds, config.gitlab.environmentScopedVariables, env.config.protect).map(
        (spec) => ({
          ...spec,
          value: this.identityValue(env, spec.cloud, spec.field, spec.purposes[0]),
        }),
      ),
    );
    this.gitlab = new GitlabProjectSetup(this, "gitlab", {
      gitlab,
      protectedEnvironments: config.gitlab.protectedEnvironments,
      variables,
      secrets: [
        noteTokenVariable(),
        ...config.environments.flatMap((env) =>
          secretVariables(env.config.name, env.config.protect, config.gitlab.environmentScopedVariables),
        ),
      ],
      environments: config.environments.map((env) => ({
        name: env.config.name,
        tier: env.config.deploy.tier,
        url: `https://${env.config.cloudflare.domain}`,
        requiredApprovals: env.requiredApprovals,
        deployAccess: env.deployAccess,
        protect: env.config.protect,
      })),
    });
    // The policy pack, trust and identity rules included: a widened trust or an admin grant fails synth.
    Aspects.of(this).add(new PolicyAspect());
  }

  /** The value of one identity field of `env` (a reference to the resource that holds it). */
  private identityValue(
    env: BootstrapEnvironment,
    cloud: Cloud,
    field: IdentityField,
    purpose: IdentityPurpose,
  ): string {
    const name = env.config.name;
    const missing = () => new Error(`bootstrap: no ${cloud} ${field} for ${name}/${purpose}`);
    switch (cloud) {
      case "aws": {
        const role = this.aws.get(awsOf(env).accountId)?.roles.get(name)?.[purpose];
        if (field !== "roleArn" || role === undefined) throw missing();
        return role.arn;
      }
      case "azure": {
        if (field === "tenantId" && this.azure !== undefined) return this.azure.tenantId;
        const identity = this.azure?.identities.get(name)?.[purpose];
        if (field !== "clientId" || identity === undefined) throw missing();
        return identity.application.clientId;
      }
      case "gcp": {
        const trust = this.gcp.get(gcpOf(env).project);
        if (field === "workloadIdentityProvider" && trust !== undefined) return trust.poolProvider.name;
        const account = trust?.serviceAccounts.get(name)?.[purpose];
        if (field !== "serviceAccount" || account === undefined) throw missing();
        return account.email;
      }
    }
  }
}

/** What every cloud's trust needs to know about an environment. */
function trustOf(env: BootstrapEnvironment): EnvironmentTrust {
  return { name: env.config.name, protect: env.config.protect, tier: env.config.deploy.tier };
}

// The schema guarantees a settings block for every cloud an environment enables.
function awsOf(env: BootstrapEnvironment) {
  return env.config.aws as NonNullable<BootstrapEnvironment["config"]["aws"]>;
}
function azureOf(env: BootstrapEnvironment) {
  const azure = env.config.azure as NonNullable<BootstrapEnvironment["config"]["azure"]>;
  return { subscriptionId: azure.subscriptionId, location: azure.location };
}
function gcpOf(env: BootstrapEnvironment) {
  return env.config.gcp as NonNullable<BootstrapEnvironment["config"]["gcp"]>;
}
