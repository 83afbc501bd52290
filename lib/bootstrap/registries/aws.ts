/**
 * The ECR repository of one environment, made by bootstrap in the
 * environment's account and region: immutable tags, scan on push, a
 * lifecycle policy (lib/aws/registry.ts) and a customer-managed key of its
 * own with rotation, as the container target had them. The environment
 * stack only names it (`ecrRepositoryUrl`), the publish role pushes to it
 * (`awsPublishPolicy`), and the deploy role is denied every change to it and
 * to its key (`awsDeployIamPolicy`).
 */
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { WorkloadKey } from "../../aws/encryption";
import { Registry } from "../../aws/registry";
import { awsWorkloadNames } from "../../aws/workload-roles";
import { applyProtections } from "../../policy/protections";

/** Alias (without `alias/`) of the key that encrypts `<service>-<env>`'s images. */
export function awsRegistryKeyAlias(service: string, environment: string): string {
  return `${awsWorkloadNames({ name: service, environment }).repository}-registry`;
}

export interface AwsEnvironmentRegistryProps {
  readonly provider: AwsProvider;
  readonly accountId: string;
  readonly region: string;
  readonly service: string;
  readonly environment: string;
  /** Protected environment: the repository and key are kept on destroy. */
  readonly protect: boolean;
}

export class AwsEnvironmentRegistry extends Construct {
  readonly key: WorkloadKey;
  readonly registry: Registry;

  constructor(scope: Construct, id: string, props: AwsEnvironmentRegistryProps) {
    super(scope, id);
    const { provider, accountId, region, service, environment } = props;
    const name = awsWorkloadNames({ name: service, environment }).repository;
    this.key = new WorkloadKey(this, "key", {
      provider,
      alias: awsRegistryKeyAlias(service, environment),
      description: `${name}: container images (bootstrap stack)`,
      accountId,
      region,
      forLogs: false,
    });
    this.registry = new Registry(this, "registry", { provider, name, kmsKeyArn: this.key.arn });
    applyProtections(this, props.protect);
  }
}
