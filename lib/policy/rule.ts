/**
 * What a policy rule is, and the helpers rules share to read synthesized
 * attributes. A rule is data plus one pure function: given one Terraform
 * block as it will be written to cdk.tf.json, say what is wrong with it (or
 * nothing). Rules never see constructs, never change anything and never
 * throw for input they do not understand: an attribute they cannot judge
 * (an unresolved token, a value known only at apply time) passes.
 */
import { Token } from "cdktf";

export type Level = "error" | "warning";

/** One Terraform block under check, as synthesized. */
export interface RuleInput {
  /**
   * Terraform type: `aws_ecr_repository`; data sources as `data.aws_iam_policy_document`;
   * `output`; provider blocks as `provider.aws`; backends as `backend.s3`.
   */
  readonly type: string;
  /**
   * The block's attributes with snake_case keys, exactly as in cdk.tf.json. Tokens are
   * not resolved: a reference reads `${TfToken[TOKEN.12]}` (see `isKnown`).
   */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Whether the resource's schema has this top-level attribute (`tags_all`, `effective_labels`), set or not. */
  readonly accepts: (attribute: string) => boolean;
  /** Attributes of the provider block this resource uses (`default_tags`, `default_labels`), when there is one. */
  readonly provider?: Readonly<Record<string, unknown>>;
  /**
   * A value as Terraform will read it, tokens resolved to their expressions
   * (`${random_password.origin.result}`), for rules that judge what a value references.
   */
  readonly expression: (value: unknown) => string;
  /** The block's Terraform address (`aws_lambda_function.x`), for rules that look for references to it. */
  readonly address?: string;
  /**
   * The other resources of the same stack with one of `types`, as synthesized (attributes as
   * Terraform expressions, via `expression`), for rules about relations (a workload and its alerts).
   */
  readonly resources?: (types: readonly string[]) => readonly StackResource[];
}

/** A resource of the stack under check, for relation rules. */
export interface StackResource {
  readonly address: string;
  readonly type: string;
  /** The whole block as Terraform reads it: references resolved to `${type.name.attribute}`. */
  readonly text: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface Rule<Id extends string = string> {
  /** Checkov id where Checkov has the same check (`CKV_AWS_51`), else `BP_<CLOUD>_<n>`. */
  readonly id: Id;
  /** One line: what must hold. */
  readonly description: string;
  /** What to change, in the words of the cdktf props (Terraform names in parentheses where they differ). */
  readonly fix: string;
  /** `error` fails synth; `warning` prints. */
  readonly level: Level;
  /** Terraform types the rule reads (see `RuleInput.type`); `aws_*` matches every type with that prefix, `*` every block. */
  readonly appliesTo: readonly string[];
  /** What is wrong, in one short phrase (`image_tag_mutability is "MUTABLE"`), or `undefined` when compliant. */
  readonly check: (input: RuleInput) => string | undefined;
}

/** Declares a rule; keeps its id a literal type so suppressions of unknown ids fail to compile. */
export function defineRule<const Id extends string>(rule: Rule<Id>): Rule<Id> {
  return rule;
}

/** True when the value as a whole is a token (a reference, a variable, a dynamic block): nothing to judge. */
export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/** True when the value is plain data: no unresolved token anywhere in it. */
export function isKnown(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Token.isUnresolved(value)) return false;
  if (Array.isArray(value)) return value.every(isKnown);
  if (typeof value === "object") return Object.values(value).every(isKnown);
  return true;
}

/**
 * A nested block as a list: cdktf writes single blocks as objects and repeated ones as arrays.
 * Empty when the whole block is a token (a dynamic block, a variable); tokens inside stay as they are.
 */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null || Token.isUnresolved(value)) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null);
}

/** The first block of `attributes[name]`, or an empty one. */
export function block(attributes: Readonly<Record<string, unknown>>, name: string): Record<string, unknown> {
  return blocks(attributes[name])[0] ?? {};
}

/** A string map attribute (`tags`, `labels`), empty when unset or unknown. */
export function stringMap(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null || typeof value !== "object" || Array.isArray(value)) return {};
  return Token.isUnresolved(value) ? {} : (value as Record<string, unknown>);
}

/** A value for a message: strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Every string anywhere in a value, with its dotted path (`bindings.0.text`). */
export function strings(value: unknown, path = ""): [string, string][] {
  // One list filled in place: the policy runs this over every block, and a list per level was garbage.
  const found: [string, string][] = [];
  collectStrings(value, path, found);
  return found;
}

function collectStrings(value: unknown, path: string, found: [string, string][]): void {
  if (typeof value === "string") found.push([path, value]);
  else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collectStrings(value[i], path ? `${path}.${i}` : String(i), found);
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      if (key !== "//") collectStrings((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, found);
    }
  }
}

// Names that say "this is a secret": ORIGIN_SECRET, DB_PASSWORD, API_KEY, GITLAB_TOKEN...
const SECRET_NAME = /secret|passw(or)?d|token|private_?key|api_?key|access_?key|credential/i;
// ...unless they name or locate one: ORIGIN_SECRET_HEADER, DB_PASSWORD_SECRET_ARN, TOKEN_URL.
const NAMES_A_SECRET = /_(header|name|names|id|arn|url|uri|path|file|version|parameter)$/i;

/** Whether a variable or binding name says it holds a secret value. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NAMES_A_SECRET.test(name);
}

/** Which of `keys` none of the maps has, in `keys` order. */
export function missingKeys(keys: readonly string[], ...maps: Record<string, unknown>[]): string[] {
  return keys.filter((key) => !maps.some((map) => Object.hasOwn(map, key)));
}
