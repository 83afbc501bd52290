/**
 * The rule packs, one per provider plus `common`. A rule joins the policy by
 * being listed in its pack; its id is then known to `suppress` (at compile
 * time) and to the suppression check (at synth time).
 */
import { awsRules } from "./rules/aws";
import { azureRules } from "./rules/azure";
import { cloudflareRules } from "./rules/cloudflare";
import { commonRules } from "./rules/common";
import { gcpRules } from "./rules/gcp";
import { opsRules } from "./rules/ops";

export const PACKS = {
  aws: awsRules,
  azure: azureRules,
  gcp: gcpRules,
  cloudflare: cloudflareRules,
  common: commonRules,
  ops: opsRules,
} as const;

export type PackName = keyof typeof PACKS;

/** Every rule, pack by pack. */
export const ALL_RULES = [
  ...awsRules,
  ...azureRules,
  ...gcpRules,
  ...cloudflareRules,
  ...commonRules,
  ...opsRules,
] as const;

/** Id of a rule in one of the packs: what `suppress` accepts. */
export type RuleId = (typeof ALL_RULES)[number]["id"];
