import type { ITerraformDependable } from "cdktf";

/** What the AWS and GCP workload identities of one environment take (Azure's come from its names, NameInputs). */
export interface WorkloadIdentitiesProps<Provider> {
  readonly provider: Provider;
  /** ServiceSpec name: the identities are `<service>-<environment>-*`. */
  readonly service: string;
  readonly environment: string;
  /** What the identities need first: AWS, the permissions boundary its roles carry; GCP, the IAM API. */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The one loop the three clouds' workload identities share: one identity per
 * kind of the cloud's table (AWS roles, Azure identities, GCP accounts), made
 * in the table's order, and the record of them by kind.
 */
export function oneByKind<Kind extends string, Entry, Made>(
  table: Readonly<Record<Kind, Entry>>,
  make: (kind: Kind, entry: Entry) => Made,
): Readonly<Record<Kind, Made>> {
  const made = {} as Record<Kind, Made>;
  for (const [kind, entry] of Object.entries(table) as [Kind, Entry][]) made[kind] = make(kind, entry);
  return made;
}
