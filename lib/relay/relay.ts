/**
 * The environment's alert relay on Cloudflare (docs/operations.md, "Alert
 * relay"): the relay Worker (lib/relay/worker) on `alerts.<domain>`, the token
 * every cloud presents (random, only in state), one `secret_text` binding per
 * receiver read from a sensitive Terraform variable (CI's masked
 * `TF_VAR_<secretVariable>`), and a Cron Trigger pinging heartbeat receivers.
 *
 * Receiver URLs and keys are never in the config, in labels or in
 * cdk.tf.json: they travel as sensitive variables into secret bindings only.
 */
import { WorkersCronTrigger } from "@cdktf/provider-cloudflare/lib/workers-cron-trigger";
import { WorkersCustomDomain } from "@cdktf/provider-cloudflare/lib/workers-custom-domain";
import { WorkersScript } from "@cdktf/provider-cloudflare/lib/workers-script";
import { Password } from "@cdktf/provider-random/lib/password";
import { TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import type { AlertReceiver } from "../config/monitoring";
import type { CloudflareSettings } from "../config/schema";
import { escapeTemplate } from "../edge/edge";
import type { RelayEndpoint } from "../monitoring/route";
import { bundleRelay } from "./bundle";
import {
  RELAY_BINDINGS,
  RELAY_COMPATIBILITY_DATE,
  RELAY_MAIN_MODULE,
  type RelayConfig,
  type RelayReceiver,
  receiverBinding,
} from "./worker/contract";

export interface AlertRelayProps {
  /** The environment's name, in the script name, the relay's configuration and the variables' descriptions. */
  readonly environment: string;
  /** The environment's Cloudflare account, zone and domain. */
  readonly cloudflare: CloudflareSettings;
  /** The environment's receivers (`monitoring.notify.receivers`), each bound to its secret variable. */
  readonly receivers: readonly AlertReceiver[];
  /** `<service>`, first part of the script name `<service>-<environment>-alert-relay`. */
  readonly serviceName: string;
  /** SNS topic names whose messages the relay accepts (the route's topics). */
  readonly snsTopics: readonly string[];
  /**
   * How long a delivered alert (source, id, state) is not delivered again to the same receiver.
   * @default 600 (10 minutes: longer than SNS's and Azure's retry spans, shorter than any alert's re-notification)
   */
  readonly dedupeSeconds?: number;
}

/** Every 5 minutes: a heartbeat switch set to page after 15 minutes without a ping tolerates two lost pings. */
export const HEARTBEAT_CRON = "*/5 * * * *";

/** The relay's host in the environment's zone. */
export const relayHostname = (domain: string): string => `alerts.${domain}`;

export class AlertRelay extends Construct {
  readonly script: WorkersScript;
  readonly customDomain: WorkersCustomDomain;
  readonly cron?: WorkersCronTrigger;
  /** The base URL and token every cloud's route posts with. */
  readonly endpoint: RelayEndpoint;
  /** The relay's configuration as bound (receiver names and kinds, never their secrets). */
  readonly relayConfig: RelayConfig;

  constructor(scope: Construct, id: string, props: AlertRelayProps) {
    super(scope, id);
    const { cloudflare, environment, receivers } = props;
    const dedupeSeconds = props.dedupeSeconds ?? 600;
    const stack = TerraformStack.of(this);

    const bound: RelayReceiver[] = receivers.map((receiver, i) => ({
      name: `${receiver.kind}-${receiver.secretVariable}`,
      kind: receiver.kind,
      binding: receiverBinding(i),
    }));
    this.relayConfig = {
      service: props.serviceName,
      environment,
      receivers: bound,
      dedupeSeconds,
      snsTopics: [...props.snsTopics],
    };
    const secrets = receivers.map((receiver) => receiverVariable(stack, environment, receiver).stringValue);
    const token = new Password(this, "token", { length: 48, special: false });

    const bundle = bundleRelay();
    this.script = new WorkersScript(this, "worker", {
      accountId: cloudflare.accountId,
      scriptName: `${props.serviceName}-${environment}-alert-relay`,
      content: escapeTemplate(bundle.code),
      mainModule: RELAY_MAIN_MODULE,
      compatibilityDate: RELAY_COMPATIBILITY_DATE,
      bindings: [
        { name: RELAY_BINDINGS.config.name, type: RELAY_BINDINGS.config.type, json: JSON.stringify(this.relayConfig) },
        { name: RELAY_BINDINGS.token.name, type: RELAY_BINDINGS.token.type, text: token.result },
        ...secrets.map((secret, i) => ({ name: receiverBinding(i), type: "secret_text", text: secret })),
      ],
      observability: { enabled: true, headSamplingRate: 1, logs: { enabled: true, invocationLogs: true } },
    });
    const hostname = relayHostname(cloudflare.domain);
    // A custom domain, not workers.dev: the Cache API that de-duplicates does nothing on workers.dev.
    this.customDomain = new WorkersCustomDomain(this, "domain", {
      accountId: cloudflare.accountId,
      zoneId: cloudflare.zoneId,
      hostname,
      service: this.script.scriptName,
    });
    if (receivers.some((receiver) => receiver.kind === "heartbeat")) {
      this.cron = new WorkersCronTrigger(this, "heartbeat", {
        accountId: cloudflare.accountId,
        scriptName: this.script.scriptName,
        schedules: [{ cron: HEARTBEAT_CRON }],
      });
    }
    this.endpoint = { url: `https://${hostname}`, token: token.result, dependsOn: [this.script, this.customDomain] };
    new TerraformOutput(this, "url", {
      value: this.endpoint.url,
      description: "Base URL of the alert relay every cloud's route posts to",
    }).overrideLogicalId("alert_relay_url");
  }
}

/** The sensitive variable holding a receiver's URL or key, declared once per stack. */
function receiverVariable(
  stack: TerraformStack,
  environment: string,
  receiver: { readonly kind: string; readonly secretVariable: string },
): TerraformVariable {
  const id = `alert-receiver-${receiver.secretVariable}`;
  const existing = stack.node.tryFindChild(id) as TerraformVariable | undefined;
  if (existing !== undefined) return existing;
  const name = receiver.secretVariable;
  const variable = new TerraformVariable(stack, id, {
    type: "string",
    sensitive: true,
    nullable: false,
    description: `${receiver.kind === "pagerduty" ? "PagerDuty Events v2 routing key" : `${receiver.kind} URL`} for ${environment} alerts (the alert relay's secret binding); set the masked CI variable TF_VAR_${name}`,
  });
  variable.overrideLogicalId(name);
  // The messages name the variable, never its value (Terraform redacts a sensitive value in validation errors too).
  variable.addValidation(
    receiver.kind === "pagerduty"
      ? {
          condition: `\${can(regex("^[A-Za-z0-9]{32}$", var.${name}))}`,
          errorMessage: `${name} must be a PagerDuty Events API v2 routing key (32 letters and digits).`,
        }
      : {
          condition: `\${startswith(var.${name}, "https://")}`,
          errorMessage: `${name} must be an https:// URL.`,
        },
  );
  return variable;
}
