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
import { Aspects, type IAspect, TerraformResource } from "cdktf";
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
  // Holds everything else of the environment (bootstrap creates it).
  "azurerm_resource_group",
  // GitLab: an environment's deployment history and its approval rules (bootstrap creates them).
  // The project itself (bootstrap adopts it for its CI/CD settings): its repository, issues and history.
  "gitlab_project",
  "gitlab_project_environment",
  "gitlab_project_protected_environment",
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

/**
 * Resource types the stacks create that lose nothing when destroyed: they are
 * rebuilt from code, or hold a value Terraform generates and rewrites in the
 * same apply. Every type the stacks synthesize is in this set or in
 * `STATEFUL_TYPES`; a test fails on one that is in neither, so a new type is
 * classified by a reviewer, not by default.
 */
export const STATELESS_TYPES: ReadonlySet<string> = new Set([
  // AWS: network, compute, routing, identity, wiring
  "aws_acm_certificate",
  "aws_acm_certificate_validation",
  "aws_apigatewayv2_api",
  "aws_apigatewayv2_integration",
  "aws_apigatewayv2_route",
  "aws_apigatewayv2_stage",
  "aws_appautoscaling_policy",
  "aws_appautoscaling_target",
  "aws_default_security_group",
  "aws_ecr_lifecycle_policy",
  "aws_ecs_cluster",
  "aws_ecs_service",
  "aws_ecs_task_definition",
  "aws_eip",
  "aws_iam_openid_connect_provider",
  "aws_iam_policy",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_role_policy_attachment",
  "aws_internet_gateway",
  "aws_kms_alias",
  "aws_lambda_alias",
  "aws_lambda_function",
  "aws_lambda_permission",
  "aws_lambda_provisioned_concurrency_config",
  "aws_lb",
  "aws_lb_listener",
  "aws_lb_listener_rule",
  "aws_lb_target_group",
  "aws_nat_gateway",
  "aws_route",
  "aws_route_table",
  "aws_route_table_association",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
  "aws_security_group",
  // The origin secret: generated, rewritten by the same apply that replaces it.
  "aws_ssm_parameter",
  "aws_subnet",
  "aws_vpc",
  "aws_vpc_security_group_egress_rule",
  "aws_vpc_security_group_ingress_rule",
  // Azure: compute and wiring (the package blob is uploaded again by every apply)
  "azuread_application",
  "azuread_application_federated_identity_credential",
  "azuread_application_flexible_federated_identity_credential",
  "azuread_service_principal",
  "azurerm_container_app",
  "azurerm_container_app_environment",
  "azurerm_function_app_flex_consumption",
  // The origin secret in Key Vault: generated, rewritten by the same apply that replaces it.
  "azurerm_key_vault_secret",
  // Bootstrap's CanNotDelete lock on a protected environment's group: itself a protection, no data.
  "azurerm_management_lock",
  "azurerm_role_assignment",
  "azurerm_role_definition",
  "azurerm_service_plan",
  "azurerm_storage_blob",
  "azurerm_storage_container",
  "azurerm_user_assigned_identity",
  // GCP: compute, identity, wiring (the source zip is uploaded again by every apply)
  "google_cloud_run_v2_service",
  "google_cloud_run_v2_service_iam_member",
  "google_cloudfunctions2_function",
  "google_iam_workload_identity_pool",
  "google_iam_workload_identity_pool_provider",
  "google_project_iam_custom_role",
  "google_project_iam_member",
  "google_project_service",
  "google_secret_manager_secret_iam_member",
  "google_secret_manager_secret_version",
  "google_service_account",
  "google_service_account_iam_member",
  "google_storage_bucket_iam_member",
  "google_storage_bucket_object",
  // Cloudflare, GitLab, random
  "cloudflare_dns_record",
  "cloudflare_workers_custom_domain",
  "cloudflare_workers_script",
  "cloudflare_zone_setting",
  "gitlab_project_variable",
  "random_password",
  // Operations (lib/<cloud>/monitoring.ts): alerts, routes, checks, dashboards, SLOs; rebuilt from code,
  // their history stays in each cloud's metrics.
  "aws_cloudwatch_dashboard",
  "aws_cloudwatch_composite_alarm",
  "aws_cloudwatch_metric_alarm",
  "aws_route53_health_check",
  "aws_sns_topic",
  "aws_sns_topic_subscription",
  "azurerm_application_insights_standard_web_test",
  "azurerm_application_insights_workbook",
  "azurerm_monitor_action_group",
  "azurerm_monitor_data_collection_rule",
  "azurerm_monitor_data_collection_rule_association",
  "azurerm_monitor_metric_alert",
  "azurerm_monitor_scheduled_query_rules_alert_v2",
  "cloudflare_healthcheck",
  "cloudflare_notification_policy",
  "cloudflare_notification_policy_webhooks",
  "google_monitoring_alert_policy",
  "google_monitoring_custom_service",
  "google_monitoring_dashboard",
  "google_monitoring_notification_channel",
  "google_monitoring_slo",
  "google_monitoring_uptime_check_config",
]);

/** One argument's value with and without production protections. */
export interface ProtectionValues {
  /** With `protect: true`: the cloud or the provider refuses deletion. */
  readonly protected: boolean | number;
  /** Without it, on a workload target: destroy works (empty a bucket, skip the waiting period). */
  readonly unprotected: boolean | number;
}

/** Arguments that make the provider (or the cloud) refuse or delay deletion, with both values. */
export const DELETION_PROTECTION: Readonly<Record<string, Readonly<Record<string, ProtectionValues>>>> = {
  aws_lb: { enable_deletion_protection: { protected: true, unprotected: false } },
  aws_alb: { enable_deletion_protection: { protected: true, unprotected: false } },
  aws_cloudwatch_log_group: {
    deletion_protection_enabled: { protected: true, unprotected: false },
    // Kept in CloudWatch when Terraform destroys it.
    skip_destroy: { protected: true, unprotected: false },
  },
  aws_dynamodb_table: { deletion_protection_enabled: { protected: true, unprotected: false } },
  aws_db_instance: { deletion_protection: { protected: true, unprotected: false } },
  aws_rds_cluster: { deletion_protection: { protected: true, unprotected: false } },
  aws_ecr_repository: { force_delete: { protected: false, unprotected: true } },
  aws_s3_bucket: { force_destroy: { protected: false, unprotected: true } },
  // Days a deleted key can still be restored (7 is AWS's minimum, 30 its maximum).
  aws_kms_key: { deletion_window_in_days: { protected: 30, unprotected: 7 } },
  azurerm_key_vault: {
    purge_protection_enabled: { protected: true, unprotected: false },
    soft_delete_retention_days: { protected: 90, unprotected: 7 },
  },
  google_cloud_run_v2_service: { deletion_protection: { protected: true, unprotected: false } },
  google_cloud_run_v2_job: { deletion_protection: { protected: true, unprotected: false } },
  google_sql_database_instance: { deletion_protection: { protected: true, unprotected: false } },
  google_secret_manager_secret: { deletion_protection: { protected: true, unprotected: false } },
  google_bigquery_table: { deletion_protection: { protected: true, unprotected: false } },
  google_storage_bucket: { force_destroy: { protected: false, unprotected: true } },
  google_bigquery_dataset: { delete_contents_on_destroy: { protected: false, unprotected: true } },
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
  /**
   * Without `protect`, also write every argument's unprotected value, so the
   * scope destroys cleanly (workload targets: a dev environment's buckets and
   * registries are emptied, keys deleted after the shortest window).
   * @default false: only arguments the provider protects by default are written
   */
  readonly disposable?: boolean;
}

export class ProductionProtectionsAspect implements IAspect {
  constructor(private readonly props: ProductionProtectionsProps) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const type = node.terraformResourceType;
    const values = Object.entries(DELETION_PROTECTION[type] ?? {});
    if (this.props.protect) {
      if (STATEFUL_TYPES.has(type)) node.lifecycle = { ...node.lifecycle, preventDestroy: true };
      for (const [argument, value] of values) node.addOverride(argument, value.protected);
      return;
    }
    if (this.props.disposable === true) {
      for (const [argument, value] of values) node.addOverride(argument, value.unprotected);
      return;
    }
    const defaults = PROTECTED_BY_DEFAULT[type];
    if (defaults === undefined) return; // synthesizing every other resource here was ~4% of synth
    const attributes = synthesizedAttributes(node);
    for (const argument of defaults) {
      if (attributes[argument] === undefined) node.addOverride(argument, false);
    }
  }
}

/**
 * The one call a construct makes for production protections: every resource
 * under `scope` gets them (or, without `protect`, the values that let it be
 * destroyed), from the tables above. Workload targets and the stateful
 * constructs they share call it; EnvironmentStack's policy applies the same
 * tables to the whole stack.
 */
export function applyProtections(scope: IConstruct, protect: boolean): void {
  Aspects.of(scope).add(new ProductionProtectionsAspect({ protect, disposable: true }));
}

function synthesizedAttributes(node: TerraformResource): Record<string, unknown> {
  const synthesized = node.toTerraform() as { resource: Record<string, Record<string, Record<string, unknown>>> };
  return synthesized.resource[node.terraformResourceType]?.[node.friendlyUniqueId] ?? {};
}
