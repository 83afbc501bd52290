/**
 * Queries over a synthesized stack's Terraform JSON, shared by every test:
 * one place for "the only resource of this type", "every resource of this
 * type", "the logical id of the one that matches", "what this reference
 * points to".
 */

export interface TerraformJson {
  terraform: { backend?: Record<string, Record<string, unknown>>; required_providers?: Record<string, unknown> };
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  variable?: Record<string, Record<string, unknown>>;
}

type Attributes = Record<string, unknown>;

/** All resources of one Terraform type, by logical id. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Attributes> {
  return json.resource?.[type] ?? {};
}

/** Every resource of `type`, as a list. */
export function all(json: TerraformJson, type: string): Attributes[] {
  return Object.values(resourcesOf(json, type));
}

/** The only resource of `type` (that passes `where`); fails the test when there are none or several. */
export function only(json: TerraformJson, type: string, where: (r: Attributes) => boolean = () => true): Attributes {
  const found = all(json, type).filter(where);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** Logical id of the resource of `type` whose attributes match `where` (fails when none does). */
export function idOf(json: TerraformJson, type: string, where: (r: Attributes) => boolean): string {
  const entry = Object.entries(resourcesOf(json, type)).find(([, r]) => where(r));
  if (entry === undefined) throw new Error(`no ${type} matches`);
  return entry[0];
}

/** `type.id` of the resource of `type` whose attributes match `where`, as references name it. */
export function refOf(json: TerraformJson, type: string, where: (r: Attributes) => boolean): string {
  return `${type}.${idOf(json, type, where)}`;
}

/** `${type.id.attribute}` of the only resource of `type`. */
export function ref(json: TerraformJson, type: string, attribute: string): string {
  const ids = Object.keys(resourcesOf(json, type));
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return `\${${type}.${ids[0]}.${attribute}}`;
}

/** The resource a `${type.id.attribute}` reference points to, with the attribute named. */
export function referenced(
  json: TerraformJson,
  reference: unknown,
): { type: string; resource: Attributes; attribute: string } {
  const match = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z0-9_]+)\}$/.exec(String(reference));
  if (match === null) throw new Error(`not a single reference: ${String(reference)}`);
  const resource = json.resource?.[match[1]]?.[match[2]];
  if (resource === undefined) throw new Error(`dangling reference ${String(reference)}`);
  return { type: match[1], resource, attribute: match[3] };
}
