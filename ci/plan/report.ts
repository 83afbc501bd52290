/**
 * The GitLab terraform report (`artifacts:reports:terraform`) the merge
 * request widget reads: `{"create": n, "update": n, "delete": n}`.
 *
 * Counts follow GitLab's own Terraform/OpenTofu templates, which count every
 * action string of every resource change: a replacement is one create plus
 * one delete; reads, no-ops and forgets are not counted.
 */
import type { Plan } from "./plan";

export interface TerraformReport {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
}

export function terraformReport(plan: Plan): TerraformReport {
  let create = 0;
  let update = 0;
  let remove = 0;
  for (const rc of plan.resource_changes ?? []) {
    for (const action of rc.change.actions) {
      if (action === "create") create += 1;
      else if (action === "update") update += 1;
      else if (action === "delete") remove += 1;
    }
  }
  return { create, update, delete: remove };
}
