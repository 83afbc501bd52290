/** IAM member helpers shared by the GCP rules. */

/** Principals that mean "anyone on the internet" or "any Google account". */
export const PUBLIC_MEMBERS = new Set(["allUsers", "allAuthenticatedUsers"]);

/** Default service accounts GCP creates with broad (Editor) rights: Compute Engine's and App Engine's. */
export const DEFAULT_SERVICE_ACCOUNT =
  /^(serviceAccount:)?(\d+-compute@developer|[a-z0-9-]+@appspot)\.gserviceaccount\.com$/;

/** The members of an `_iam_member` (member) or `_iam_binding` (members) resource, known strings only. */
export function membersOf(attributes: Readonly<Record<string, unknown>>): string[] {
  const raw = attributes.members ?? [attributes.member];
  return (Array.isArray(raw) ? raw : []).filter((m): m is string => typeof m === "string");
}

/** What is wrong with a project grant of one of `roles` that has no IAM condition, or undefined. */
export function unconditionedGrant(
  attributes: Readonly<Record<string, unknown>>,
  roles: ReadonlySet<string>,
): string | undefined {
  const role = attributes.role;
  if (typeof role !== "string" || !roles.has(role) || attributes.condition !== undefined) return undefined;
  return `role is ${JSON.stringify(role)} without a condition`;
}
