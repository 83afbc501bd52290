/**
 * GitLab side: the project's "Prevent outdated deployment jobs" setting, its
 * environments (tier, URL), their protection (who may deploy, how many
 * approvals), and the CI/CD variables the generated pipeline reads
 * (`lib/bootstrap/variables.ts` decides names and flags).
 *
 * The provider reads its token from `GITLAB_TOKEN` (a personal, group or
 * project access token with the `api` scope, of a Maintainer of the project);
 * it is never written to the configuration.
 */

import { Project } from "@cdktf/provider-gitlab/lib/project";
import { ProjectEnvironment } from "@cdktf/provider-gitlab/lib/project-environment";
import { ProjectProtectedEnvironment } from "@cdktf/provider-gitlab/lib/project-protected-environment";
import { ProjectVariable } from "@cdktf/provider-gitlab/lib/project-variable";
import { GitlabProvider } from "@cdktf/provider-gitlab/lib/provider";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { applyProtections } from "../policy/protections";
import type { GitlabOidc } from "./gitlab-oidc";
import { SECRET_PLACEHOLDER, type SecretVariableSpec, type VariableSpec } from "./variables";

/** One GitLab environment, as the pipeline's deploy job names it. */
export interface GitlabEnvironmentSpec {
  readonly name: string;
  /** GitLab deployment tier. */
  readonly tier: string;
  /** The environment's URL (the deploy job's `environment:url`). */
  readonly url: string;
  /** Approvals a deployment needs; 0 for none. */
  readonly requiredApprovals: number;
  /** Who may deploy to it. */
  readonly deployAccess: "developer" | "maintainer";
  /**
   * A protected environment (`protect: true`): prevent_destroy on it and its
   * protection, so no bootstrap change can silently drop the approval gate.
   */
  readonly protect: boolean;
}

/** A variable spec with the value to store (usually a token of another resource). */
export interface GitlabVariable extends VariableSpec {
  readonly value: string;
}

export interface GitlabProjectSetupProps {
  readonly gitlab: GitlabOidc;
  readonly environments: readonly GitlabEnvironmentSpec[];
  readonly variables: readonly GitlabVariable[];
  /** Secret variables: declared with a placeholder, protection and scope kept, value left to an administrator. */
  readonly secrets?: readonly SecretVariableSpec[];
  /** Manage protected environments (GitLab Premium or Ultimate). @default true */
  readonly protectedEnvironments?: boolean;
}

export class GitlabProjectSetup extends Construct {
  readonly provider: GitlabProvider;

  constructor(scope: Construct, id: string, props: GitlabProjectSetupProps) {
    super(scope, id);
    const project = String(props.gitlab.projectId);
    this.provider = new GitlabProvider(this, "provider", { baseUrl: `https://${props.gitlab.host}/api/v4/` });

    // The existing project, adopted (an import block, never created): "Prevent outdated deployment jobs"
    // on, so a deploy, promote or rollback job of an older pipeline cannot run after a newer deployment
    // (https://docs.gitlab.com/ci/environments/deployment_safety/#prevent-outdated-deployment-jobs).
    // Other settings are left as they are (optional and computed in the provider).
    const settings = new Project(this, "project", {
      provider: this.provider,
      name: props.gitlab.projectPath.split("/").at(-1) as string,
      ciForwardDeploymentEnabled: true,
    });
    // The import block is written as a stack override, not with importFrom(): importFrom makes synth run
    // `terraform version` to check >= 1.5, and synth needs no Terraform binary (README, Quick start).
    TerraformStack.of(this).addOverride("import", [
      { to: `${settings.terraformResourceType}.${settings.friendlyUniqueId}`, id: project },
    ]);
    // Never destroyed by a bootstrap change: the repository, its issues and its history live there.
    applyProtections(settings, true);

    for (const env of props.environments) {
      const environment = new ProjectEnvironment(this, `${env.name}-environment`, {
        provider: this.provider,
        project,
        name: env.name,
        tier: env.tier,
        externalUrl: env.url,
        // Lets `cdktf destroy bootstrap` delete an environment that is still available.
        stopBeforeDestroy: true,
      });
      // A protected environment's deployment history and approval rules survive a destroy of bootstrap.
      applyProtections(environment, env.protect);
      if (props.protectedEnvironments ?? true) {
        const protection = new ProjectProtectedEnvironment(this, `${env.name}-protection`, {
          provider: this.provider,
          project,
          environment: environment.name,
          deployAccessLevelsAttribute: [{ accessLevel: env.deployAccess }],
          approvalRules:
            env.requiredApprovals > 0
              ? [{ accessLevel: "maintainer", requiredApprovals: env.requiredApprovals }]
              : undefined,
        });
        applyProtections(protection, env.protect);
      }
    }

    for (const variable of props.variables) {
      new ProjectVariable(this, `variable-${variable.key}`, {
        provider: this.provider,
        project,
        key: variable.key,
        value: variable.value,
        description: `${variable.cloud} ${variable.field} for ${variable.purposes.join(" and ")} jobs of ${variable.environment} (bootstrap stack)`,
        protected: variable.protected,
        environmentScope: variable.environmentScope,
        // Identifiers, not secrets: nothing to mask; raw so a `$` is never expanded.
        masked: false,
        raw: true,
        variableType: "env_var",
      });
    }

    for (const secret of props.secrets ?? []) {
      const variable = new ProjectVariable(this, `secret-${secret.key}`, {
        provider: this.provider,
        project,
        key: secret.key,
        value: SECRET_PLACEHOLDER,
        description: secret.description,
        protected: secret.protected,
        environmentScope: secret.environmentScope,
        masked: true,
        raw: true,
        variableType: "env_var",
      });
      // The administrator's value is never read back into bootstrap's state; protection and scope still are.
      variable.addOverride("lifecycle.ignore_changes", ["value"]);
    }
  }
}
