/**
 * Production protections, switched by the environment's `protect` flag.
 *
 * With `protect: true`:
 * - every stateful resource (registries, storage, log stores, secrets, keys,
 *   databases) gets `lifecycle { prevent_destroy = true }`: a plan that would
 *   destroy or replace one fails, and lifting it is a reviewed code change;
 * - every resource with a deletion-protection argument gets it turned on (and
 *   `force_destroy`-style arguments off), so even a targeted API call refuses.
 *
 * With `protect: false`, arguments whose provider default is "protected"
 * (Cloud Run v2 and Cloud SQL `deletion_protection` default to true) are set
 * to false explicitly, so a dev environment can be destroyed and the choice
 * is visible in the JSON. Values a construct sets itself are kept, except that
 * `protect: true` always wins.
 */
import { type IAspect, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";

/** Resources whose destruction loses data: images, objects, logs, secrets, keys, rows. */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  // AWS
  "aws_ecr_repository",
  "aws_s3_bucket",
  "aws_cloudwatch_log_group",
  "aws_dynamodb_table",
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_efs_file_system",
  "aws_kms_key",
  "aws_secretsmanager_secret",
  // Azure
  "azurerm_container_registry",
  "azurerm_storage_account",
  "azurerm_log_analytics_workspace",
  "azurerm_application_insights",
  "azurerm_key_vault",
  // GCP
  "google_artifact_registry_repository",
  "google_storage_bucket",
  "google_logging_project_bucket_config",
  "google_secret_manager_secret",
  "google_kms_key_ring",
  "google_kms_crypto_key",
  "google_sql_database_instance",
  "google_bigquery_dataset",
  // Cloudflare
  "cloudflare_workers_kv_namespace",
  "cloudflare_r2_bucket",
  "cloudflare_d1_database",
]);

/** Arguments that make the provider (or the cloud) refuse deletion, with their protected value. */
export const DELETION_PROTECTION: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  aws_lb: { enable_deletion_protection: true },
  aws_alb: { enable_deletion_protection: true },
  aws_cloudwatch_log_group: { deletion_protection_enabled: true },
  aws_dynamodb_table: { deletion_protection_enabled: true },
  aws_db_instance: { deletion_protection: true },
  aws_rds_cluster: { deletion_protection: true },
  aws_ecr_repository: { force_delete: false },
  aws_s3_bucket: { force_destroy: false },
  azurerm_key_vault: { purge_protection_enabled: true },
  google_cloud_run_v2_service: { deletion_protection: true },
  google_cloud_run_v2_job: { deletion_protection: true },
  google_sql_database_instance: { deletion_protection: true },
  google_secret_manager_secret: { deletion_protection: true },
  google_bigquery_table: { deletion_protection: true },
  google_storage_bucket: { force_destroy: false },
  google_bigquery_dataset: { delete_contents_on_destroy: false },
};

/** Arguments the provider protects by default; without `protect` they are set to false, explicitly. */
const PROTECTED_BY_DEFAULT: Readonly<Record<string, readonly string[]>> = {
  google_cloud_run_v2_service: ["deletion_protection"],
  google_cloud_run_v2_job: ["deletion_protection"],
  google_sql_database_instance: ["deletion_protection"],
};

export interface ProductionProtectionsProps {
  /** The environment's `protect` flag. */
  readonly protect: boolean;
}

export class ProductionProtectionsAspect implements IAspect {
  constructor(private readonly props: ProductionProtectionsProps) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const type = node.terraformResourceType;
    if (this.props.protect) {
      if (STATEFUL_TYPES.has(type)) node.lifecycle = { ...node.lifecycle, preventDestroy: true };
      for (const [argument, value] of Object.entries(DELETION_PROTECTION[type] ?? {}))
        node.addOverride(argument, value);
      return;
    }
    const attributes = synthesizedAttributes(node);
    for (const argument of PROTECTED_BY_DEFAULT[type] ?? []) {
      if (attributes[argument] === undefined) node.addOverride(argument, false);
    }
  }
}

function synthesizedAttributes(node: TerraformResource): Record<string, unknown> {
  const synthesized = node.toTerraform() as { resource: Record<string, Record<string, Record<string, unknown>>> };
  return synthesized.resource[node.terraformResourceType]?.[node.friendlyUniqueId] ?? {};
}
