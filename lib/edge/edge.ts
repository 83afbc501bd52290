/**
 * The Cloudflare edge of one environment: the router Worker with its bindings,
 * the Workers custom domain `api.<domain>` (Cloudflare creates its DNS record
 * and certificate), and the zone's TLS settings unless the zone is shared.
 *
 * The routing table (`EDGE_CONFIG`) is built from the targets' `Origin`s and
 * the environment's weights. Endpoints are Terraform tokens until apply, so
 * the JSON is written by Terraform (`jsonencode`) whenever one of them is.
 */

import { WorkersCustomDomain } from "@cdktf/provider-cloudflare/lib/workers-custom-domain";
import { WorkersScript, type WorkersScriptBindings } from "@cdktf/provider-cloudflare/lib/workers-script";
import { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import { Fn, TerraformOutput, Token } from "cdktf";
import { Construct } from "constructs";
import { type CloudflareSettings, ORIGINS, type OriginId } from "../config/schema";
import { ConstructError } from "../contract/errors";
import type { Origin } from "../service";
import { bundleWorker, type WorkerBundle } from "./bundle";
import { edgeDatasetName } from "./signal";
import { StickyKeys } from "./sticky-keys";
import {
  BINDINGS,
  COMPATIBILITY_DATE,
  type EdgeConfig,
  type EdgeOrigin,
  type EdgeRelease,
  MAIN_MODULE,
} from "./worker/contract";

export interface EdgeProps {
  /** The environment's name, second part of the Worker script name `<service>-<environment>-edge`. */
  readonly environment: string;
  /** The environment's Cloudflare account, zone and domain, `zoneShared` and `stickyKeyGeneration`. */
  readonly cloudflare: CloudflareSettings;
  /** The service's own time limit in seconds: the default per-origin limit waits 2 s longer. */
  readonly serviceTimeoutSeconds: number;
  /** The largest request body the Worker forwards, in bytes (the service's `maxBodyBytes`). */
  readonly maxBodyBytes: number;
  /**
   * The targets' origins, any subset of `ORIGINS`, possibly none. Read once, in the constructor:
   * create the Edge after every target (adding an origin later fails synth).
   */
  readonly origins: readonly Origin[];
  /** The origin secret (`OriginSecret.value`), bound as the Worker's `ORIGIN_SECRET`. */
  readonly originSecret: string;
  /** Service name, the first part of the Worker script name `<service>-<environment>-edge`. */
  readonly serviceName: string;
  /** Share of traffic per origin: the environment's weights, or a rollout step's (lib/release.ts `edgeWeights`). */
  readonly weights: Partial<Record<OriginId, number>>;
  /**
   * The release rolled out and the share of each origin's answers it gives (lib/release.ts `releaseShare`):
   * every analytics data point is tagged with them (worker/analytics.ts).
   * @default - none: data points are tagged `local`
   */
  readonly release?: EdgeRelease & { readonly shares?: Partial<Record<OriginId, number>> };
  /** Hostname the Worker answers on, in the environment's zone (`api.<domain>`, lib/config/company.ts `edgeHostname`). */
  readonly hostname: string;
  /**
   * Per-origin time limit to response headers, in milliseconds; past it the next origin is tried.
   * @default (serviceTimeoutSeconds + 2) * 1000, so only an origin past its own timeout counts as hung
   */
  readonly originTimeoutMs?: number;
  /**
   * Origins tried at most for one idempotent request, first choice included.
   * @default 3
   */
  readonly maxAttempts?: number;
  /**
   * Request header that pins a client to an origin by its value (e.g. `x-user-id`), before the cookie.
   * Set it only from a layer clients cannot write to: its value chooses the origin.
   * @default - none: clients are pinned by the Worker's signed `edge_client` cookie only
   */
  readonly stickyHeader?: string;
  /**
   * Overall time for one request (reading the client's body and every attempt), in milliseconds.
   * @default originTimeoutMs + 10000
   */
  readonly deadlineMs?: number;
  /**
   * Share of successful origin attempts written to the Analytics Engine dataset (failures always are), 0 to 1.
   * @default 1
   */
  readonly analyticsSampleRate?: number;
  /**
   * Name the origin that served in the `x-edge-origin` response header, for
   * debugging a deployment. Off, clients never learn which origin answered.
   * @default false
   */
  readonly debugHeaders?: boolean;
}

const HOSTNAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const SCRIPT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export class Edge extends Construct {
  /** The router Worker. */
  readonly script: WorkersScript;
  /** `api.<domain>` bound to the Worker. */
  readonly customDomain: WorkersCustomDomain;
  /** Zone TLS settings; empty when `cloudflare.zoneShared`. */
  readonly zoneSettings: readonly ZoneSetting[];
  /** Public base URL of the edge, `https://<hostname>`. */
  readonly url: string;
  /** The bundled Worker source deployed as `main_module`. */
  readonly bundle: WorkerBundle;
  /** The routing table as written into `EDGE_CONFIG` (endpoints may be tokens). */
  readonly routes: EdgeConfig;
  /** The keys that sign the sticky cookie. */
  readonly stickyKeys: StickyKeys;
  /** The Analytics Engine dataset the router writes one data point per origin attempt to (lib/edge/signal.ts). */
  readonly dataset: string;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { cloudflare, hostname } = props;
    const scriptName = `${props.serviceName}-${props.environment}-edge`;
    const timeoutMs = props.originTimeoutMs ?? (props.serviceTimeoutSeconds + 2) * 1000;
    const maxAttempts = props.maxAttempts ?? 3;
    const deadlineMs = props.deadlineMs ?? timeoutMs + 10_000;
    this.validate({ ...props, hostname, scriptName, timeoutMs, maxAttempts, deadlineMs });

    this.routes = {
      origins: routedOrigins(props.origins, props.weights, props.release?.shares ?? {}),
      timeoutMs,
      maxAttempts,
      ...(props.stickyHeader === undefined ? {} : { stickyHeader: props.stickyHeader }),
      maxBodyBytes: props.maxBodyBytes,
      deadlineMs,
      publicHost: hostname,
      ...(props.analyticsSampleRate === undefined ? {} : { analyticsSampleRate: props.analyticsSampleRate }),
      ...(props.release === undefined ? {} : { release: { id: props.release.id, step: props.release.step } }),
      ...(props.debugHeaders === true ? { debugHeaders: true } : {}),
    };
    this.stickyKeys = new StickyKeys(this, "sticky-keys", { generation: cloudflare.stickyKeyGeneration });
    this.dataset = edgeDatasetName(props.serviceName, props.environment);
    // Literal endpoints give plain JSON (readable in plans); any token makes Terraform encode it at apply.
    const hasToken = this.routes.origins.some((origin) => Token.isUnresolved(origin.url));
    const routesJson = hasToken ? Fn.jsonencode(this.routes) : JSON.stringify(this.routes);

    // One value per binding in the contract: a binding added there without a value here fails type-checking.
    const values: { [K in keyof typeof BINDINGS]: Partial<WorkersScriptBindings> } = {
      config: { json: routesJson },
      originSecret: { text: props.originSecret },
      stickyKey: { text: this.stickyKeys.current },
      stickyKeyPrevious: { text: this.stickyKeys.previous },
      analytics: { dataset: this.dataset },
    };
    const bindings = (Object.keys(BINDINGS) as (keyof typeof BINDINGS)[]).map((key) => ({
      name: BINDINGS[key].name,
      type: BINDINGS[key].type,
      ...values[key],
    }));

    this.bundle = bundleWorker();
    this.script = new WorkersScript(this, "worker", {
      accountId: cloudflare.accountId,
      scriptName,
      // Inline, not content_file: cdk.tf.json stays self-contained for the plan and deploy jobs.
      content: escapeTemplate(this.bundle.code),
      mainModule: MAIN_MODULE,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings,
      observability: { enabled: true, headSamplingRate: 1, logs: { enabled: true, invocationLogs: true } },
    });

    this.customDomain = new WorkersCustomDomain(this, "domain", {
      accountId: cloudflare.accountId,
      zoneId: cloudflare.zoneId,
      hostname,
      service: this.script.scriptName,
    });

    this.zoneSettings = cloudflare.zoneShared
      ? []
      : [
          zoneSetting(this, "min-tls-version", cloudflare.zoneId, "min_tls_version", "1.2"),
          zoneSetting(this, "ssl", cloudflare.zoneId, "ssl", "strict"),
          zoneSetting(this, "always-use-https", cloudflare.zoneId, "always_use_https", "on"),
        ];

    this.url = `https://${hostname}`;
    new TerraformOutput(this, "url", { value: this.url, description: "Public URL of the edge" }).overrideLogicalId(
      "edge_url",
    );

    // Origins pushed after this point would silently get no traffic: make that a synth error.
    const count = props.origins.length;
    this.node.addValidation({
      validate: () =>
        props.origins.length === count
          ? []
          : [`${props.origins.length - count} origin(s) were added after the Edge was created; create it last`],
    });
  }

  private validate(
    p: EdgeProps & { hostname: string; scriptName: string; timeoutMs: number; maxAttempts: number; deadlineMs: number },
  ) {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const origin of p.origins) {
      if (!(ORIGINS as readonly string[]).includes(origin.id)) {
        problems.push(`origin id "${origin.id}" is not one of ${ORIGINS.join(", ")}`);
      }
      if (seen.has(origin.id)) problems.push(`origin "${origin.id}" is listed twice`);
      seen.add(origin.id);
      if (!Token.isUnresolved(origin.endpoint) && !isHttpsBase(origin.endpoint)) {
        problems.push(`origin "${origin.id}" endpoint "${origin.endpoint}" must be an https:// URL without query`);
      }
    }
    if (!Token.isUnresolved(p.hostname) && !HOSTNAME.test(p.hostname)) {
      problems.push(`hostname "${p.hostname}" must be a lowercase DNS name`);
    }
    if (!Token.isUnresolved(p.scriptName) && !SCRIPT_NAME.test(p.scriptName)) {
      problems.push(`script name "${p.scriptName}" must be 1-63 lowercase letters, digits or hyphens`);
    }
    if (
      !Token.isUnresolved(p.timeoutMs) &&
      (!Number.isInteger(p.timeoutMs) || p.timeoutMs < 100 || p.timeoutMs > 600000)
    ) {
      problems.push(`originTimeoutMs must be an integer from 100 to 600000, got ${p.timeoutMs}`);
    }
    if (
      !Token.isUnresolved(p.maxAttempts) &&
      (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1 || p.maxAttempts > 6)
    ) {
      problems.push(`maxAttempts must be an integer from 1 to 6, got ${p.maxAttempts}`);
    }
    if (
      !Token.isUnresolved(p.deadlineMs) &&
      !Token.isUnresolved(p.timeoutMs) &&
      (!Number.isInteger(p.deadlineMs) || p.deadlineMs < p.timeoutMs || p.deadlineMs > 900000)
    ) {
      problems.push(
        `deadlineMs must be an integer from originTimeoutMs (${p.timeoutMs}) to 900000, got ${p.deadlineMs}`,
      );
    }
    const rate = p.analyticsSampleRate;
    if (rate !== undefined && !Token.isUnresolved(rate) && !(rate >= 0 && rate <= 1)) {
      problems.push(`analyticsSampleRate must be from 0 to 1, got ${rate}`);
    }
    if (p.stickyHeader !== undefined && !HEADER_NAME.test(p.stickyHeader)) {
      problems.push(`stickyHeader "${p.stickyHeader}" must be a lowercase header name`);
    }
    if (problems.length > 0) throw new ConstructError("BPE_EDGE_1", this.node.path, problems.join("; "));
  }
}

/** Origins in `ORIGINS` order (stable output whatever order targets were created in), with their weights. */
function routedOrigins(
  origins: readonly Origin[],
  weights: Partial<Record<OriginId, number>>,
  shares: Partial<Record<OriginId, number>>,
): EdgeOrigin[] {
  return [...origins]
    .sort((a, b) => ORIGINS.indexOf(a.id) - ORIGINS.indexOf(b.id))
    .map((origin) => {
      const share = shares[origin.id];
      return {
        id: origin.id,
        url: origin.endpoint,
        weight: weights[origin.id] ?? 0,
        ...(share === undefined ? {} : { releaseShare: share }),
      };
    });
}

function isHttpsBase(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.search === "" && url.hash === "";
  } catch {
    return false;
  }
}

/**
 * Terraform reads every JSON string as a template, so the Worker's own `${...}`
 * (template literals) would be taken as Terraform references: `$${` and `%%{`
 * are its escapes for a literal `${` and `%{`.
 */
export function escapeTemplate(text: string): string {
  // Function replacers: a replacement string would give `$$` its own meaning.
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

function zoneSetting(scope: Construct, id: string, zoneId: string, settingId: string, value: string): ZoneSetting {
  // The provider schema types `value` as dynamic; the binding declares a map, but a string passes through as is.
  return new ZoneSetting(scope, id, { zoneId, settingId, value: value as unknown as Record<string, string> });
}
