/**
 * A second line of defence behind the `*_sensitive` trees. They do not
 * always follow a value: Terraform's own `terraform_data` copies a sensitive
 * `input` into an `output` that the plan no longer marks (measured with
 * Terraform 1.11: `show -json` and even `show` print the secret there). So
 * every string the plan marks sensitive anywhere is collected, and any other
 * string of the plan that equals or contains one is marked sensitive too,
 * before anything is rendered.
 */
import type { Change, Plan, ResourceChange } from "./plan";

/** Shorter marked strings are not searched for elsewhere (too many false matches). */
const MIN_SECRET_LENGTH = 4;

/** Marked strings at least this long are also found inside other strings (a secret inside a JSON document). */
const MIN_CONTAINED_LENGTH = 8;

/** Up to this many distinct secrets are searched inside strings; past it (generated plans), equality only. */
const MAX_CONTAINED_SECRETS = 500;

type Mask = unknown;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Adds every string leaf of `value` to `secrets`. */
function collectAll(value: unknown, secrets: Set<string>): void {
  if (typeof value === "string") {
    if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectAll(item, secrets);
  } else if (isObject(value)) {
    for (const key in value) collectAll(value[key], secrets);
  }
}

/** Adds every string leaf of `value` under a `true` in `mask` to `secrets`; walks the mask, not the whole value. */
function collect(value: unknown, mask: Mask, secrets: Set<string>): void {
  if (mask === true) {
    collectAll(value, secrets);
  } else if (Array.isArray(mask) && Array.isArray(value)) {
    for (let i = 0; i < mask.length; i += 1) collect(value[i], mask[i], secrets);
  } else if (isObject(mask) && isObject(value)) {
    for (const key in mask) collect(value[key], mask[key], secrets);
  }
}

interface Secrets {
  readonly exact: ReadonlySet<string>;
  readonly contained: readonly string[];
}

function holdsSecret(text: string, secrets: Secrets): boolean {
  if (secrets.exact.has(text)) return true;
  for (const secret of secrets.contained) if (text.includes(secret)) return true;
  return false;
}

/** `mask` extended with `true` wherever a string of `value` holds a known secret; the same mask when none does. */
function extend(value: unknown, mask: Mask, secrets: Secrets): Mask {
  if (mask === true) return true;
  if (typeof value === "string") {
    return value.length >= MIN_SECRET_LENGTH && holdsSecret(value, secrets) ? true : mask;
  }
  if (Array.isArray(value)) {
    const items: unknown[] = Array.isArray(mask) ? mask : [];
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i += 1) {
      const next = extend(value[i], items[i], secrets);
      if (next !== items[i]) {
        out ??= [...items];
        out[i] = next;
      }
    }
    return out ?? mask;
  }
  if (isObject(value)) {
    const fields: Record<string, unknown> = isObject(mask) ? mask : {};
    let out: Record<string, unknown> | undefined;
    for (const key in value) {
      const next = extend(value[key], fields[key], secrets);
      if (next !== fields[key]) {
        out ??= { ...fields };
        out[key] = next;
      }
    }
    return out ?? mask;
  }
  return mask;
}

function changes(plan: Plan): Change[] {
  const resources: ResourceChange[] = [...(plan.resource_changes ?? []), ...(plan.resource_drift ?? [])];
  return [...resources.map((rc) => rc.change), ...Object.values(plan.output_changes ?? {})];
}

function markChange(change: Change, secrets: Secrets): Change {
  const before = extend(change.before, change.before_sensitive, secrets);
  const after = extend(change.after, change.after_sensitive, secrets);
  if (before === change.before_sensitive && after === change.after_sensitive) return change;
  return { ...change, before_sensitive: before, after_sensitive: after };
}

/** The plan with every string that holds a value marked sensitive elsewhere marked sensitive as well. */
export function markKnownSecrets(plan: Plan): Plan {
  const exact = new Set<string>();
  for (const change of changes(plan)) {
    collect(change.before, change.before_sensitive, exact);
    collect(change.after, change.after_sensitive, exact);
  }
  if (exact.size === 0) return plan;
  const long = [...exact].filter((secret) => secret.length >= MIN_CONTAINED_LENGTH);
  const secrets: Secrets = { exact, contained: long.length <= MAX_CONTAINED_SECRETS ? long : [] };
  const mark = (rc: ResourceChange): ResourceChange => {
    const change = markChange(rc.change, secrets);
    return change === rc.change ? rc : { ...rc, change };
  };
  return {
    ...plan,
    resource_changes: plan.resource_changes?.map(mark),
    resource_drift: plan.resource_drift?.map(mark),
    output_changes:
      plan.output_changes === undefined
        ? undefined
        : Object.fromEntries(Object.entries(plan.output_changes).map(([name, c]) => [name, markChange(c, secrets)])),
  };
}
