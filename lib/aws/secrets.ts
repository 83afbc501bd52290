/**
 * Where the workload's secrets live on AWS: SSM Parameter Store SecureString
 * parameters under `/<service>/<environment>/<NAME>`. Values are put there out
 * of band (console, CLI, CI) and never pass through this code or cdktf.out;
 * only ORIGIN_SECRET, a Terraform-generated value, is written by the stack.
 */
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { Construct } from "constructs";
import { secretVariables, type WorkloadEnvironment } from "../contract/workload-environment";
import type { ServiceSpec } from "../service";
import type { AwsSettings } from "./settings";

/** Parameter name of one secret, e.g. `/<service>/prod/API_KEY`. */
export function secretParameterName(spec: Pick<ServiceSpec, "name" | "environment">, secret: string): string {
  return `/${spec.name}/${spec.environment}/${secret}`;
}

/** ARN of a parameter by name (names start with `/`, so no extra slash). */
export function parameterArn(region: string, accountId: string, name: string): string {
  return `arn:aws:ssm:${region}:${accountId}:parameter${name}`;
}

/**
 * Suffix of the Lambda variable that carries a secret's parameter name
 * (`API_KEY` -> `API_KEY_PARAMETER`): Lambda has no secret references, so the
 * function reads the parameter itself.
 */
export const LAMBDA_SECRET_SUFFIX = "_PARAMETER";

/**
 * Stores a secret the stack generates (the edge's origin secret, a sensitive
 * token) as a SecureString encrypted with the target's own key, so the
 * function or task configuration holds only the parameter's name or ARN.
 */
export function generatedSecretParameter(
  scope: Construct,
  id: string,
  props: { readonly name: string; readonly value: string; readonly keyArn: string },
): SsmParameter {
  return new SsmParameter(scope, id, {
    name: props.name,
    description: "Shared secret the edge sends to this origin",
    type: "SecureString",
    keyId: props.keyArn,
    value: props.value,
  });
}

/** Where one secret variable's value is read from: an SSM parameter. */
export interface SecretParameter {
  /** The workload variable (`ORIGIN_SECRET`, `API_KEY`). */
  readonly variable: string;
  /** Parameter name, a literal (readable in plans). */
  readonly name: string;
  readonly arn: string;
}

export interface SecretParametersProps {
  readonly spec: Pick<ServiceSpec, "name" | "environment">;
  /** Where the parameters live: the environment's account and region. */
  readonly settings: Pick<AwsSettings, "region" | "accountId">;
  /** The target's key: it encrypts the generated secrets. */
  readonly keyArn: string;
  /**
   * Folder of the generated secrets' parameters, so each target stores its own copy.
   * @default - directly under `/<service>/<environment>/`
   */
  readonly generatedPrefix?: string;
}

/**
 * The SSM parameter of every secret variable of a target: the spec's secrets
 * where an operator keeps them, and the secrets the stack generates (the
 * origin secret), stored first as parameters of this target.
 */
export function secretParameters(
  scope: Construct,
  env: WorkloadEnvironment,
  props: SecretParametersProps,
): SecretParameter[] {
  const { spec, keyArn } = props;
  const { region, accountId } = props.settings;
  return secretVariables(env).map(([variable, ref]) => {
    if (ref.value === undefined) {
      const name = secretParameterName(spec, ref.secret);
      return { variable, name, arn: parameterArn(region, accountId, name) };
    }
    const name = secretParameterName(spec, `${props.generatedPrefix ?? ""}${ref.secret}`);
    const parameter = generatedSecretParameter(scope, "origin-secret", { name, value: ref.value, keyArn });
    return { variable, name, arn: parameter.arn };
  });
}
