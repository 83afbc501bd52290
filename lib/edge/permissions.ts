/**
 * Cloudflare's permission map and the API tokens' permission groups.
 *
 * `CLOUDFLARE_PERMISSIONS`: per cloudflare 5.14 resource type the stacks
 * synthesize, the API token permission groups its calls accept (the API
 * reference lists them per endpoint; names as in
 * https://developers.cloudflare.com/fundamentals/api/reference/permissions/).
 *
 * `CLOUDFLARE_TOKEN_PERMISSIONS`: what an administrator gives each
 * environment's tokens, `CLOUDFLARE_API_TOKEN_<ENV>_PLAN` and `_DEPLOY`
 * (docs/bootstrap.md, step 4): account groups on the environment's account,
 * zone groups on its zone only. The plan token reads; the deploy token reads
 * and writes.
 */
import type { Grant, PermissionMap, Purpose } from "../permissions/coverage";

export const CLOUDFLARE_PERMISSIONS: PermissionMap = {
  cloudflare_dns_record: { plan: ["Zone Read", "DNS Read"], deploy: ["DNS Write"] },
  cloudflare_healthcheck: {
    plan: ["Zone Read", "Health Checks Read"],
    deploy: ["Health Checks Write"],
    note: "a paid zone only (lib/edge/limits.ts)",
  },
  cloudflare_notification_policy: { plan: ["Notifications Read"], deploy: ["Notifications Write"] },
  cloudflare_notification_policy_webhooks: {
    plan: ["Notifications Read"],
    deploy: ["Notifications Write"],
    note: "creating it makes Cloudflare POST a test message: the URL must answer 2xx (lib/edge/limits.ts)",
  },
  cloudflare_workers_custom_domain: {
    plan: ["Zone Read", "Workers Scripts Read"],
    deploy: ["Workers Scripts Write"],
    note: "Cloudflare creates the domain's DNS record and certificate itself",
  },
  cloudflare_workers_cron_trigger: {
    plan: ["Workers Scripts Read"],
    deploy: ["Workers Scripts Write"],
    note: "the alert relay's heartbeat schedule (lib/relay/relay.ts)",
  },
  cloudflare_workers_script: {
    plan: ["Workers Scripts Read", "Account Analytics Read"],
    deploy: ["Workers Scripts Write"],
    note: "Account Analytics Read: verify:<env> reads the dataset the script's analytics_engine binding writes (ci/release/canary.ts)",
  },
  cloudflare_zone_setting: { plan: ["Zone Read", "Zone Settings Read"], deploy: ["Zone Settings Write"] },
};

/** Account-level groups (on the environment's account) and zone-level groups (on its zone). */
const ACCOUNT_READ = ["Workers Scripts Read", "Notifications Read", "Account Analytics Read"];
const ZONE_READ = ["Zone Read", "DNS Read", "Zone Settings Read", "Health Checks Read"];
const ACCOUNT_WRITE = ["Workers Scripts Write", "Notifications Write"];
const ZONE_WRITE = ["DNS Write", "Zone Settings Write", "Health Checks Write"];

/** The permission groups of each environment token, by purpose. */
export const CLOUDFLARE_TOKEN_PERMISSIONS: Readonly<Record<Purpose, readonly string[]>> = {
  plan: [...ACCOUNT_READ, ...ZONE_READ],
  deploy: [...ACCOUNT_READ, ...ZONE_READ, ...ACCOUNT_WRITE, ...ZONE_WRITE],
};

/** A token of `purpose` as grants, one per permission group (so a missing group shows by name). */
export function cloudflareTokenGrants(purpose: Purpose): Grant[] {
  return CLOUDFLARE_TOKEN_PERMISSIONS[purpose].map((group) => ({ name: group, statements: [{ allow: [group] }] }));
}
