/**
 * Where the workload's secrets live on AWS: SSM Parameter Store SecureString
 * parameters under `/<service>/<environment>/<NAME>`. Values are put there out
 * of band (console, CLI, CI) and never pass through this code or cdktf.out;
 * only ORIGIN_SECRET, a Terraform-generated value, is written by the stack.
 */
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { Construct } from "constructs";
import type { ServiceSpec } from "../service";

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
