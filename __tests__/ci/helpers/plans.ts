/** Plan fixtures: the committed JSON files, and generated plans of any size. */
import { join } from "node:path";
import { type Plan, type ResourceChange, readPlan } from "../../../ci/plan/plan";

export const FIXTURES = join(__dirname, "..", "fixtures");

export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

export function fixturePlan(name: string): Plan {
  return readPlan(fixturePath(name));
}

const PROVIDERS = ["hashicorp/aws", "hashicorp/azurerm", "hashicorp/google", "cloudflare/cloudflare"];

/**
 * A plan with `count` resource changes spread over four providers and every
 * action, each update carrying `attributes` changed attributes whose values
 * are `valueLength` characters long, plus one sensitive attribute per resource
 * holding `SECRET-<n>`.
 */
export function generatedPlan(count: number, attributes = 20, valueLength = 60): Plan {
  const actionsCycle = [["create"], ["update"], ["delete", "create"], ["create", "delete"], ["delete"], ["update"]];
  const changes: ResourceChange[] = [];
  for (let i = 0; i < count; i += 1) {
    const provider = PROVIDERS[i % PROVIDERS.length];
    const type = `${provider.split("/")[1]}_thing`;
    const before: Record<string, unknown> = { secret: `SECRET-${i}-before` };
    const after: Record<string, unknown> = { secret: `SECRET-${i}-after` };
    for (let a = 0; a < attributes; a += 1) {
      before[`attr_${a}`] = `${"b".repeat(valueLength - 8)}-${i}-${a}`;
      after[`attr_${a}`] = `${"a".repeat(valueLength - 8)}-${i}-${a}`;
    }
    const actions = actionsCycle[i % actionsCycle.length];
    changes.push({
      address: `${type}.r${String(i).padStart(5, "0")}`,
      mode: "managed",
      type,
      provider_name: `registry.opentofu.org/${provider}`,
      change: {
        actions,
        before: actions[0] === "create" && actions.length === 1 ? null : before,
        after: actions.length === 1 && actions[0] === "delete" ? null : after,
        after_unknown: {},
        before_sensitive: { secret: true },
        after_sensitive: { secret: true },
      },
    });
  }
  // Through JSON, like a plan read from a file: flat strings, not the concatenations built above.
  return JSON.parse(JSON.stringify({ format_version: "1.2", terraform_version: "1.10.8", resource_changes: changes }));
}
