/**
 * Resource names for the Azure targets, derived from service + environment
 * and valid for every Azure naming rule they meet. Names that must be
 * globally unique (storage account, registry, function app, key vault) end in
 * a short hash of subscription + environment + service, so the same inputs
 * always give the same name (stable across synths) and two forks in other
 * subscriptions do not collide. Long inputs are shortened, never rejected:
 * the readable part is cut and the hash keeps the name unique.
 */
import { createHash } from "node:crypto";

/** What every name is derived from. */
export interface NameInputs {
  /** ServiceSpec.name. */
  readonly service: string;
  /** Environment name (dev, staging, prod...). */
  readonly environment: string;
  /** Subscription id: part of the hash so global names differ between subscriptions. */
  readonly subscriptionId: string;
}

/** One Azure naming rule, as used here and in the tests. */
export interface NameRule {
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
}

/** The rules (from the Azure naming rules and the azurerm validators) each name must meet. */
export const NAME_RULES = {
  // 1-90: letters, digits, underscores, hyphens, periods, parentheses; no trailing period.
  resourceGroup: { min: 1, max: 90, pattern: /^[-\w.()]*[-\w()]$/ },
  // 4-63: letters, digits, hyphens; starts and ends alphanumeric.
  logAnalytics: { min: 4, max: 63, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/ },
  applicationInsights: { min: 1, max: 255, pattern: /^[^%&\\?/]+$/ },
  // 3-128: letters, digits, hyphens, underscores; starts alphanumeric.
  identity: { min: 3, max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/ },
  // 3-24 lowercase letters and digits, globally unique.
  storageAccount: { min: 3, max: 24, pattern: /^[a-z0-9]+$/ },
  // 3-63 lowercase letters, digits, single hyphens; starts and ends alphanumeric.
  storageContainer: { min: 3, max: 63, pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/ },
  // 1-60: letters, digits, hyphens.
  servicePlan: { min: 1, max: 60, pattern: /^[A-Za-z0-9-]+$/ },
  // Globally unique host name; 32 at most because the Functions host id is the name's first 32 characters.
  functionApp: { min: 2, max: 32, pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/ },
  // 5-50 alphanumerics, globally unique (login server <name>.azurecr.io).
  containerRegistry: { min: 5, max: 50, pattern: /^[a-z0-9]+$/ },
  // 2-60: starts with a letter, letters/digits/hyphens, ends alphanumeric.
  containerAppEnvironment: { min: 2, max: 60, pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/ },
  // 2-32 lowercase: starts with a letter, ends alphanumeric, no "--" (reserved for revision names).
  containerApp: { min: 2, max: 32, pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/ },
  // 3-24: starts with a letter, letters/digits/single hyphens, ends alphanumeric; globally unique.
  keyVault: { min: 3, max: 24, pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/ },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** Every name the Azure targets use. */
export interface AzureNames {
  readonly resourceGroup: string;
  readonly logAnalytics: string;
  readonly applicationInsights: string;
  /** User-assigned identity of the function target. */
  readonly functionIdentity: string;
  /** User-assigned identity of the container target. */
  readonly containerIdentity: string;
  readonly storageAccount: string;
  /** Blob container holding the function's deployment package. */
  readonly storageContainer: string;
  readonly servicePlan: string;
  readonly functionApp: string;
  readonly containerRegistry: string;
  readonly containerAppEnvironment: string;
  readonly containerApp: string;
  /** Only created when the service names secrets. */
  readonly keyVault: string;
}

/** The rule each name is checked against. */
export const RULE_OF: Readonly<Record<keyof AzureNames, NameKind>> = {
  resourceGroup: "resourceGroup",
  logAnalytics: "logAnalytics",
  applicationInsights: "applicationInsights",
  functionIdentity: "identity",
  containerIdentity: "identity",
  storageAccount: "storageAccount",
  storageContainer: "storageContainer",
  servicePlan: "servicePlan",
  functionApp: "functionApp",
  containerRegistry: "containerRegistry",
  containerAppEnvironment: "containerAppEnvironment",
  containerApp: "containerApp",
  keyVault: "keyVault",
};

const HASH_LENGTH = 6;

/** Stable short hash of subscription + environment + service (lowercase hex). */
export function nameHash(inputs: NameInputs, length: number = HASH_LENGTH): string {
  return createHash("sha256")
    .update(`${inputs.subscriptionId}/${inputs.environment}/${inputs.service}`)
    .digest("hex")
    .slice(0, length);
}

/** Lowercase, with every run of characters outside [a-z0-9] turned into one hyphen. */
function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Cuts the longer of the two parts until both fit in `budget` characters together. */
function shorten(service: string, environment: string, budget: number): [string, string] {
  let [a, b] = [service, environment];
  while (a.length + b.length > budget) {
    if (a.length >= b.length) a = a.slice(0, -1);
    else b = b.slice(0, -1);
  }
  return [a, b];
}

/** `prefix-service-environment[-hash]`, shortened to `max` by cutting service and environment evenly. */
function hyphenated(prefix: string, inputs: NameInputs, max: number, hash?: string): string {
  const tail = hash === undefined ? "" : `-${hash}`;
  // Two separators around service and environment.
  const [service, environment] = shorten(
    slug(inputs.service),
    slug(inputs.environment),
    max - prefix.length - tail.length - 2,
  );
  const parts = [prefix, service.replace(/-+$/, ""), environment.replace(/-+$/, "")].filter((p) => p.length > 0);
  return `${parts.join("-")}${tail}`;
}

/** `prefix + service + environment + hash`, letters and digits only, shortened to `max` evenly. */
function compact(prefix: string, inputs: NameInputs, max: number, hash: string): string {
  const alnum = (value: string) => value.toLowerCase().replace(/[^a-z0-9]/g, "");
  const [service, environment] = shorten(
    alnum(inputs.service),
    alnum(inputs.environment),
    max - prefix.length - hash.length,
  );
  return `${prefix}${service}${environment}${hash}`;
}

/**
 * A hyphenated name that may not be long enough to be unique once shortened:
 * when it was cut, a hash keeps two long inputs from colliding.
 */
function bounded(prefix: string, inputs: NameInputs, max: number): string {
  const full = hyphenated(prefix, inputs, Number.POSITIVE_INFINITY);
  return full.length <= max ? full : hyphenated(prefix, inputs, max, nameHash(inputs));
}

/** Every Azure name for one service in one environment. */
export function azureNames(inputs: NameInputs): AzureNames {
  const hash = nameHash(inputs);
  return {
    resourceGroup: bounded("rg", inputs, NAME_RULES.resourceGroup.max),
    logAnalytics: bounded("log", inputs, NAME_RULES.logAnalytics.max),
    applicationInsights: bounded("appi", inputs, 63),
    functionIdentity: `${bounded("id", inputs, 60)}-function`,
    containerIdentity: `${bounded("id", inputs, 60)}-container`,
    storageAccount: compact("st", inputs, NAME_RULES.storageAccount.max, hash),
    storageContainer: "function-releases",
    servicePlan: bounded("asp", inputs, NAME_RULES.servicePlan.max),
    functionApp: hyphenated("func", inputs, NAME_RULES.functionApp.max, hash),
    containerRegistry: compact("cr", inputs, NAME_RULES.containerRegistry.max, hash),
    containerAppEnvironment: bounded("cae", inputs, NAME_RULES.containerAppEnvironment.max),
    containerApp: bounded("ca", inputs, NAME_RULES.containerApp.max),
    keyVault: hyphenated("kv", inputs, NAME_RULES.keyVault.max, hash),
  };
}

/** Problems with `name` under `rule`, empty when valid. */
export function nameProblems(name: string, rule: NameRule): string[] {
  const problems: string[] = [];
  if (name.length < rule.min || name.length > rule.max) {
    problems.push(`is ${name.length} characters; allowed ${rule.min}-${rule.max}`);
  }
  if (!rule.pattern.test(name)) problems.push(`does not match ${rule.pattern}`);
  return problems;
}
