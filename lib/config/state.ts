/**
 * Where a protected environment keeps its Terraform state: a store in the
 * environment's own cloud account that the bootstrap stack creates and that
 * only the environment's plan and deploy identities (and the administrator
 * who runs bootstrap) can read (docs/choices.md, "State of protected
 * environments"). GitLab-managed state is readable by every Developer and
 * by the job token of any merge-request job, so a protected environment may
 * not use it.
 *
 * Names are derived here, from the validated configuration, so the
 * environment stack's backend block and the bootstrap resources can never
 * disagree. Pure functions: no construct, no I/O.
 */
import { createHash } from "node:crypto";

/** A cloud (the same union as `Cloud` of ./schema, which imports this module). */
type Cloud = "aws" | "azure" | "gcp";

/** Clouds that can hold a protected environment's state, in the order the default picks them. */
export const STATE_CLOUDS: readonly Cloud[] = ["aws", "gcp", "azure"];

/** The part of an environment the state location is derived from. */
export interface StateOwner {
  readonly name: string;
  readonly clouds: readonly Cloud[];
  readonly aws?: { readonly accountId: string; readonly region: string };
  readonly azure?: { readonly subscriptionId: string; readonly location: string };
  readonly gcp?: { readonly project: string; readonly region: string };
  readonly company: { readonly service: string };
}

/** The cloud that holds the state: the one named, else the first of `STATE_CLOUDS` the environment enables. */
export function stateCloud(env: Pick<StateOwner, "clouds">, named?: Cloud): Cloud {
  if (named !== undefined) return named;
  return STATE_CLOUDS.find((cloud) => env.clouds.includes(cloud)) as Cloud;
}

/** Eight hex digits of a SHA-256: a short, stable suffix for globally unique names. */
function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/** The object (blob) name of the state; the lock sits beside it (`<key>.tflock` on S3, `default.tflock` on GCS). */
export const STATE_OBJECT = "terraform.tfstate";

export interface AwsStateLocation {
  readonly cloud: "aws";
  readonly accountId: string;
  readonly region: string;
  /** `<service>-<env>-tfstate-<account id>`: 58 characters at most (service 16, env 20), unique across AWS. */
  readonly bucket: string;
  readonly key: string;
  /** KMS alias of the key that encrypts it. */
  readonly kmsAlias: string;
}

export interface GcpStateLocation {
  readonly cloud: "gcp";
  readonly project: string;
  readonly region: string;
  /**
   * `tfstate-<service>-<env>-<hash of project>`: outside the `<service>-<env>-*`
   * names the environment's own bucket grants match, so only the grants on
   * this bucket reach it.
   */
  readonly bucket: string;
  readonly prefix: string;
}

export interface AzureStateLocation {
  readonly cloud: "azure";
  readonly subscriptionId: string;
  readonly location: string;
  /** `rg-<service>-<env>-tfstate`: a group of its own, where the deploy identity holds no management role. */
  readonly resourceGroupName: string;
  /** `tfstate<hash>`: 15 lowercase characters, unique per service, environment and subscription. */
  readonly storageAccountName: string;
  readonly containerName: string;
  readonly key: string;
}

export type StateLocation = AwsStateLocation | GcpStateLocation | AzureStateLocation;

/** Where `env`'s state lives in `cloud` (which the environment must enable: the schema checks it). */
export function stateLocation(env: StateOwner, cloud: Cloud): StateLocation {
  const service = env.company.service;
  const missing = () => new Error(`${env.name}: state in ${cloud} needs the environment's ${cloud} settings`);
  switch (cloud) {
    case "aws": {
      if (env.aws === undefined) throw missing();
      return {
        cloud,
        accountId: env.aws.accountId,
        region: env.aws.region,
        bucket: `${service}-${env.name}-tfstate-${env.aws.accountId}`,
        key: `${env.name}/${STATE_OBJECT}`,
        kmsAlias: `alias/${service}-${env.name}-tfstate`,
      };
    }
    case "gcp": {
      if (env.gcp === undefined) throw missing();
      return {
        cloud,
        project: env.gcp.project,
        region: env.gcp.region,
        bucket: `tfstate-${service}-${env.name}-${shortHash(env.gcp.project)}`,
        prefix: env.name,
      };
    }
    case "azure": {
      if (env.azure === undefined) throw missing();
      return {
        cloud,
        subscriptionId: env.azure.subscriptionId,
        location: env.azure.location,
        resourceGroupName: `rg-${service}-${env.name}-tfstate`,
        storageAccountName: `tfstate${shortHash(`${service}/${env.name}/${env.azure.subscriptionId}`)}`,
        containerName: "tfstate",
        key: `${env.name}/${STATE_OBJECT}`,
      };
    }
  }
}

/** How to fix a protected environment whose state is GitLab-managed or local: the validation message. */
export function protectedStateProblem(backend: string, clouds: readonly Cloud[]): string {
  const cloud = stateCloud({ clouds });
  return (
    `is "${backend}", but a protected environment (protect: true) must keep its state where only its own identities read it: ` +
    `set backend: { type: "cloud" } (state in ${cloud}, created by the bootstrap stack; or cloud: ${STATE_CLOUDS.map((c) => `"${c}"`).join(" | ")}) ` +
    `and apply bootstrap before the next deploy (docs/bootstrap.md, "State of protected environments"). ` +
    `GitLab-managed state is readable by every Developer and by any merge-request job`
  );
}
