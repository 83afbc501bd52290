/**
 * Reads the JSON that `tofu show -json <planfile>` (or `terraform show -json`)
 * prints, checks the parts the note and the report use, and classifies each
 * change. A missing, empty, malformed or non-plan file is a PlanError naming
 * the file and what is wrong with it.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

/** A problem with the plan JSON the user can fix; the CLI prints it and exits 1. */
export class PlanError extends Error {
  override readonly name = "PlanError";
}

// Loose objects: the format grows new fields (importing, action_reason, ...) and we must not reject them.
const change = z.looseObject({
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  importing: z.looseObject({ id: z.string().optional() }).optional(),
});

const resourceChange = z.looseObject({
  address: z.string().min(1),
  previous_address: z.string().optional(),
  mode: z.string(),
  type: z.string(),
  provider_name: z.string(),
  change,
  action_reason: z.string().optional(),
  deposed: z.string().optional(),
});

const planSchema = z.looseObject({
  format_version: z.string().regex(/^1\./, "must be a 1.x plan format version"),
  terraform_version: z.string().optional(),
  resource_changes: z.array(resourceChange).optional(),
  resource_drift: z.array(resourceChange).optional(),
  output_changes: z.record(z.string(), change).optional(),
  errored: z.boolean().optional(),
});

export type Change = z.infer<typeof change>;
export type ResourceChange = z.infer<typeof resourceChange>;
export type Plan = z.infer<typeof planSchema>;

/** Parses plan JSON text; `source` names the file in error messages. */
export function parsePlan(text: string, source: string): Plan {
  if (text.trim() === "") {
    throw new PlanError(`${source}: is empty; expected the output of \`tofu show -json <planfile>\``);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PlanError(`${source}: is not valid JSON (${(error as Error).message})`);
  }
  if (typeof data === "object" && data !== null && "values" in data && !("planned_values" in data)) {
    throw new PlanError(`${source}: is a state, not a plan; run \`tofu show -json <planfile>\` on the saved plan`);
  }
  const result = planSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : "";
    throw new PlanError(`${source}: is not a \`show -json\` plan: ${where}: ${issue.message}${more}`);
  }
  return result.data;
}

/** Reads and parses a plan JSON file. */
export function readPlan(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new PlanError(`${path}: not found; write it with \`tofu show -json <planfile> > ${path}\``);
    }
    throw new PlanError(`${path}: cannot be read (${code ?? (error as Error).message})`);
  }
  return parsePlan(text, path);
}

/** The action a change amounts to, as the note and the counts use it. */
export type Action = "create" | "update" | "replace" | "delete" | "read" | "forget" | "no-op";

/** Actions in the order the note lists them: the most destructive first. */
export const ACTION_ORDER: readonly Action[] = ["delete", "replace", "forget", "update", "create", "read", "no-op"];

export interface Classified {
  readonly action: Action;
  /** For replacements: which half happens first. */
  readonly order?: "create-before-destroy" | "destroy-before-create";
}

/** Maps Terraform's action list (`["delete","create"]`, ...) to one action. */
export function classify(actions: readonly string[]): Classified {
  const key = actions.join(",");
  switch (key) {
    case "create":
    case "update":
    case "delete":
    case "read":
    case "forget":
    case "no-op":
      return { action: key };
    case "delete,create":
      return { action: "replace", order: "destroy-before-create" };
    case "create,delete":
      return { action: "replace", order: "create-before-destroy" };
    default:
      // A future action list: treat it as an update so it is still shown, never hidden.
      return { action: "update" };
  }
}

/** The provider's short name: `registry.opentofu.org/hashicorp/aws` -> `aws`. */
export function providerOf(resource: Pick<ResourceChange, "provider_name">): string {
  const last = resource.provider_name.split("/").at(-1);
  return last === undefined || last === "" ? resource.provider_name : last;
}
