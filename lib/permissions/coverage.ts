/**
 * The permission check, for every cloud at once: does an identity's grants
 * (the roles and policies bootstrap gives it, each expanded to the
 * permissions the cloud documents for it) cover what each resource type of a
 * synthesized stack needs? Like an IAM policy generator (iamlive, Policy
 * Sentry), but run at synth and test time against a map written down per
 * cloud (`lib/<cloud>/permissions.ts`), so an apply never learns it first.
 *
 * The data lives in the cloud folders; this file only matches strings:
 * - a permission is a string as the cloud writes it (`lambda:CreateFunction`,
 *   `run.services.create`, `Microsoft.Web/sites/write`, Cloudflare's
 *   `DNS Write`); Azure data actions carry a `data:` prefix so a control-plane
 *   `*` never matches them (Azure keeps them apart too);
 * - a grant is a list of statements, each allowing patterns (`*` matches any
 *   run of characters, as in AWS and Azure) except some (AWS `NotAction`,
 *   Azure `notActions`);
 * - matching ignores case (AWS and Azure action names are case-insensitive;
 *   GCP's and Cloudflare's are written one way only).
 * Resource scoping (ARN patterns, IAM conditions, assignment scopes) is not
 * modelled: the check answers "may this identity call this at all", and the
 * scope is each bootstrap file's own tests.
 */
import { ConstructError } from "../contract/errors";

/** The two CI identities of an environment on a cloud. */
export type Purpose = "plan" | "deploy";

/** What one resource type needs. */
export interface ResourceNeeds {
  /** To refresh it (every plan, drift job and apply): reads, including data-plane reads of secrets and blobs. */
  readonly plan: readonly string[];
  /** To create, update and delete it, beyond `plan` (an apply refreshes too). */
  readonly deploy: readonly string[];
  /** Why an entry is what it is, when that is not obvious (a provider call, an issue). @default - none */
  readonly note?: string;
}

/** Resource types (`aws_lambda_function`, `data.azurerm_resource_group`) to their needs. */
export type PermissionMap = Readonly<Record<string, ResourceNeeds>>;

/** One statement of a grant: what it allows, minus what it excepts. */
export interface GrantStatement {
  readonly allow: readonly string[];
  /** @default - none */
  readonly except?: readonly string[];
}

/** A role or policy as the cloud documents it. */
export interface Grant {
  /** Its name (`roles/run.admin`, `Reader`, `arn:aws:iam::aws:policy/ReadOnlyAccess`). */
  readonly name: string;
  readonly statements: readonly GrantStatement[];
}

/** Where a role table came from: the page that documents it and the date of that version. */
export interface GrantSource {
  readonly doc: string;
  /** The date of the documented version (update date, or when it was read). */
  readonly date: string;
}

const patternCache = new Map<string, RegExp>();

/** The prefix of a data-plane permission (Azure data actions); only patterns with the same prefix match it. */
/**
 * The entry `key` of a cloud's table of documented roles or managed policies; throws for one the
 * table does not have (add it from the cloud's documentation first), so no grant goes unchecked.
 * @param table - its name and file, for the message
 */
export function documentedEntry<T>(entries: Readonly<Record<string, T>>, key: string, table: string): T {
  const entry = entries[key];
  if (entry === undefined) {
    throw new ConstructError(
      "BPE_PERMISSIONS_1",
      undefined,
      `${key} is not in ${table}: add its documented permissions`,
    );
  }
  return entry;
}

export const DATA_PLANE = "data:";

/** A pattern as a regular expression's source (`*` any run of characters). */
const patternSource = (pattern: string): string =>
  pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");

/** Whether `permission` matches `pattern` (`*` any run of characters, case ignored; planes never cross). */
export function matches(pattern: string, permission: string): boolean {
  if (pattern.startsWith(DATA_PLANE) !== permission.startsWith(DATA_PLANE)) return false;
  let regex = patternCache.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^${patternSource(pattern)}$`, "i");
    patternCache.set(pattern, regex);
  }
  return regex.test(permission);
}

/** Matches what one of `patterns` matches (as `matches` does), per plane; undefined for no pattern of that plane. */
interface AnyOf {
  readonly control: RegExp | undefined;
  readonly data: RegExp | undefined;
}
function anyOf(patterns: readonly string[]): AnyOf {
  const of = (plane: readonly string[]) =>
    plane.length === 0 ? undefined : new RegExp(`^(?:${plane.map(patternSource).join("|")})$`, "i");
  return {
    control: of(patterns.filter((p) => !p.startsWith(DATA_PLANE))),
    data: of(patterns.filter((p) => p.startsWith(DATA_PLANE))),
  };
}
const anyMatches = (any: AnyOf, permission: string): boolean =>
  (permission.startsWith(DATA_PLANE) ? any.data : any.control)?.test(permission) ?? false;

// One expression per statement, not one test per pattern: synth checks every permission a stack's
// resource types need against every grant, and most tests fail (~3% of a shipped-stacks synth).
const compiledStatements = new WeakMap<GrantStatement, { readonly allow: AnyOf; readonly except: AnyOf }>();

/** Whether one statement allows `permission`. */
function statementAllows(statement: GrantStatement, permission: string): boolean {
  let compiled = compiledStatements.get(statement);
  if (compiled === undefined) {
    compiled = { allow: anyOf(statement.allow), except: anyOf(statement.except ?? []) };
    compiledStatements.set(statement, compiled);
  }
  return anyMatches(compiled.allow, permission) && !anyMatches(compiled.except, permission);
}

/** Whether one of a grant's statements allows `permission`. */
function grantAllows(grant: Grant, permission: string): boolean {
  return grant.statements.some((s) => statementAllows(s, permission));
}

/** The grants among `grants` that allow `permission`. */
export function grantsAllowing(grants: readonly Grant[], permission: string): Grant[] {
  return grants.filter((grant) => grantAllows(grant, permission));
}

/** Resource types Terraform computes itself, calling no API: no identity needs anything for them. */
export const LOCAL_PERMISSIONS: PermissionMap = {
  random_password: { plan: [], deploy: [], note: "generated by the random provider inside Terraform" },
};

/** One gap: a resource type the identity cannot handle, and why. */
export interface CoverageGap {
  readonly resourceType: string;
  /** `unmapped`: the cloud's map has no entry; `missing`: the listed permissions are granted by nothing. */
  readonly kind: "unmapped" | "missing";
  readonly permissions: readonly string[];
}

/**
 * Every gap of an identity of `purpose` over `resourceTypes`: types with no
 * entry in `map`, and permissions none of `grants` allows (for deploy, the
 * plan permissions too: an apply refreshes first).
 */
export function coverageGaps(
  resourceTypes: Iterable<string>,
  map: PermissionMap,
  grants: readonly Grant[],
  purpose: Purpose,
): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  for (const type of [...new Set(resourceTypes)].sort()) {
    const needs = map[type];
    if (needs === undefined) {
      gaps.push({ resourceType: type, kind: "unmapped", permissions: [] });
      continue;
    }
    const wanted = purpose === "plan" ? needs.plan : [...needs.plan, ...needs.deploy];
    // The first grant that allows a permission settles it (synth runs this for every stack's types).
    const missing = wanted.filter((permission) => !grants.some((grant) => grantAllows(grant, permission)));
    if (missing.length > 0) gaps.push({ resourceType: type, kind: "missing", permissions: missing });
  }
  return gaps;
}

/** One line per gap, naming the resource type: what a failing test or a review prints. */
export function describeGaps(identity: string, gaps: readonly CoverageGap[]): string[] {
  return gaps.map((gap) =>
    gap.kind === "unmapped"
      ? `${identity}: ${gap.resourceType} has no entry in the cloud's permission map (lib/<cloud>/permissions.ts)`
      : `${identity}: ${gap.resourceType} needs ${gap.permissions.join(", ")}, which no granted role allows`,
  );
}

/**
 * Grants that no needed permission of `resourceTypes` uses: a role bootstrap
 * gives that this stack does not need (a candidate for removal, or a map
 * entry that is missing a permission).
 */
export function unusedGrants(
  resourceTypes: Iterable<string>,
  map: PermissionMap,
  grants: readonly Grant[],
  purpose: Purpose,
): string[] {
  const wanted = [...new Set(resourceTypes)].flatMap((type) => {
    const needs = map[type];
    if (needs === undefined) return [];
    return purpose === "plan" ? needs.plan : [...needs.plan, ...needs.deploy];
  });
  return grants
    .filter((grant) => !wanted.some((permission) => grant.statements.some((s) => statementAllows(s, permission))))
    .map((grant) => grant.name);
}

/** The resource and data source types of a synthesized stack (`cdk.tf.json`), data sources as `data.<type>`. */
export function stackResourceTypes(json: {
  readonly resource?: Readonly<Record<string, unknown>>;
  readonly data?: Readonly<Record<string, unknown>>;
}): string[] {
  return [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {}).map((type) => `data.${type}`)].sort();
}

/** The provider prefix of a resource type (`aws`, `azurerm`, `google`, `cloudflare`, `random`, ...). */
export function providerOf(resourceType: string): string {
  return resourceType.replace(/^data\./, "").split("_")[0];
}
