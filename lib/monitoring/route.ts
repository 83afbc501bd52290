/**
 * Where an environment's alerts go, described once for every cloud: e-mail
 * addresses from the config and, optionally, a webhook URL read from a
 * sensitive Terraform variable (CI sets `TF_VAR_<webhookVariable>`; the URL
 * is never in the config nor in cdk.tf.json). Each cloud builds its own
 * channel from it (SNS topic, action group, notification channels,
 * Cloudflare webhook), named after the environment.
 */
import { type ITerraformDependable, TerraformStack, TerraformVariable } from "cdktf";
import type { IConstruct } from "constructs";
import type { MonitoringConfig } from "../config/monitoring";
import { ConstructError } from "../contract/errors";

/** Where every cloud posts for the alert relay (lib/relay) to translate and deliver. */
export interface RelayEndpoint {
  /** `https://alerts.<domain>`: each cloud appends its own path (`/v1/aws`...). */
  readonly url: string;
  /** The token each cloud presents (a sensitive token: a value derived from it is sensitive too). */
  readonly token: string;
  /** What must exist before a cloud subscribes (SNS confirms the moment it subscribes). */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export interface AlertRoute {
  /** `<service>-<environment>-alerts`: every cloud's channel carries it. */
  readonly name: string;
  /** The environment, as written in channel descriptions. */
  readonly environment: string;
  readonly emails: readonly string[];
  /** The raw webhook URL (a token of a sensitive variable), when the environment names one. */
  readonly webhookUrl?: string;
  /** The environment's alert relay, when it has receivers (set by the stack once the relay exists). */
  readonly relay?: RelayEndpoint;
}

/**
 * The route of the environment named `environment`, to its `monitoring.notify`. The webhook variable is declared once per stack
 * and must be an https:// URL (checked by Terraform at plan time).
 */
export function alertRoute(
  scope: IConstruct,
  environment: string,
  notify: MonitoringConfig["notify"],
  serviceName: string,
): AlertRoute {
  const name = `${serviceName}-${environment}-alerts`;
  if (notify.webhookVariable === undefined) return { name, environment, emails: notify.emails };
  const stack = TerraformStack.of(scope);
  const id = `alert-webhook-${notify.webhookVariable}`;
  const variable =
    (stack.node.tryFindChild(id) as TerraformVariable | undefined) ??
    (() => {
      const created = new TerraformVariable(stack, id, {
        type: "string",
        sensitive: true,
        nullable: false,
        description: `Webhook URL for ${environment} alerts; set the masked CI variable TF_VAR_${notify.webhookVariable}`,
      });
      created.overrideLogicalId(notify.webhookVariable);
      created.addValidation({
        condition: `\${startswith(var.${notify.webhookVariable}, "https://")}`,
        errorMessage: `${notify.webhookVariable} must be an https:// URL.`,
      });
      return created;
    })();
  return { name, environment, emails: notify.emails, webhookUrl: variable.stringValue };
}

/**
 * Refuses a route that reaches nobody: every alert row is routed to the route's receivers, so
 * without an address, a webhook or the relay each alert would fire unseen. The config refuses a
 * `notify` that names nobody; this catches a route built without them (a receiver but no relay).
 */
export function assertRouted(scope: IConstruct, route: AlertRoute): void {
  if (route.emails.length > 0 || route.webhookUrl !== undefined || route.relay !== undefined) return;
  throw new ConstructError(
    "BPE_MONITORING_1",
    scope.node.path,
    `${route.name} has no e-mail address, webhook or relay: its alerts would notify nobody`,
  );
}
