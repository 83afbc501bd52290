/**
 * Where an environment's alerts go, described once for every cloud: e-mail
 * addresses from the config and, optionally, a webhook URL read from a
 * sensitive Terraform variable (CI sets `TF_VAR_<webhookVariable>`; the URL
 * is never in the config nor in cdk.tf.json). Each cloud builds its own
 * channel from it (SNS topic, action group, notification channels,
 * Cloudflare webhook), named after the environment.
 */
import { TerraformStack, TerraformVariable } from "cdktf";
import type { IConstruct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";

export interface AlertRoute {
  /** `<service>-<environment>-alerts`: every cloud's channel carries it. */
  readonly name: string;
  /** The environment, as written in channel descriptions. */
  readonly environment: string;
  readonly emails: readonly string[];
  /** The webhook URL (a token of a sensitive variable), when the environment names one. */
  readonly webhookUrl?: string;
}

/**
 * The route of `config`'s environment. The webhook variable is declared once per stack
 * and must be an https:// URL (checked by Terraform at plan time).
 */
export function alertRoute(scope: IConstruct, config: EnvironmentConfig, serviceName: string): AlertRoute {
  const { notify } = config.monitoring;
  const name = `${serviceName}-${config.name}-alerts`;
  if (notify.webhookVariable === undefined) return { name, environment: config.name, emails: notify.emails };
  const stack = TerraformStack.of(scope);
  const id = `alert-webhook-${notify.webhookVariable}`;
  const variable =
    (stack.node.tryFindChild(id) as TerraformVariable | undefined) ??
    (() => {
      const created = new TerraformVariable(stack, id, {
        type: "string",
        sensitive: true,
        nullable: false,
        description: `Webhook URL for ${config.name} alerts; set the masked CI variable TF_VAR_${notify.webhookVariable}`,
      });
      created.overrideLogicalId(notify.webhookVariable);
      created.addValidation({
        condition: `\${startswith(var.${notify.webhookVariable}, "https://")}`,
        errorMessage: `${notify.webhookVariable} must be an https:// URL.`,
      });
      return created;
    })();
  return { name, environment: config.name, emails: notify.emails, webhookUrl: variable.stringValue };
}
