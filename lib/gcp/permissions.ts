/**
 * GCP's permission map and role table.
 *
 * `GCP_PERMISSIONS`: per resource type the stacks synthesize (environment and
 * bootstrap), the IAM permissions google 6.50 calls to refresh it (plan) and
 * to create, update and delete it (deploy), as the API reference lists them
 * per method (https://cloud.google.com/iam/docs/permissions-reference).
 *
 * `GCP_ROLE_TABLE`: the permissions of every predefined role bootstrap
 * grants (lib/bootstrap/gcp.ts), as Google documents them
 * (https://cloud.google.com/iam/docs/roles-permissions), version of
 * `GCP_ROLE_SOURCE.date`; taken from the iann0036/iam-dataset scrape of those
 * pages at that date. Refresh it when bootstrap grants a new role: the
 * coverage test names a role missing from the table.
 */

import { documentedEntry, type Grant, type GrantSource, type PermissionMap } from "../permissions/coverage";

const iamMember = (collection: string): { plan: string[]; deploy: string[] } => ({
  plan: [`${collection}.getIamPolicy`],
  deploy: [`${collection}.setIamPolicy`],
});

/** A resource its API reads with `get` and writes with `create`, `update` and `delete` (and `more`, in that order). */
const crud = (collection: string, ...more: string[]): { plan: string[]; deploy: string[] } => ({
  plan: [`${collection}.get`],
  deploy: [`${collection}.create`, `${collection}.update`, `${collection}.delete`, ...more],
});

export const GCP_PERMISSIONS: PermissionMap = {
  google_artifact_registry_repository: crud("artifactregistry.repositories"),
  google_cloud_run_v2_service: {
    ...crud("run.services", "iam.serviceAccounts.actAs"),
    note: "actAs: the service runs as the workload's own service account",
  },
  google_cloud_run_v2_service_iam_member: {
    ...iamMember("run.services"),
    note: "the one grant the deploy account makes: run.invoker for allUsers (publicInvoker), held on the environment's own services only (bootstrap's invoker role); disabling the invoker check needs the same permission (https://cloud.google.com/run/docs/authenticating/public)",
  },
  google_cloudfunctions2_function: {
    ...crud("cloudfunctions.functions", "iam.serviceAccounts.actAs"),
    note: "actAs for the runtime and build service accounts; the source object is read by the build account",
  },
  google_logging_project_bucket_config: crud("logging.buckets"),
  google_monitoring_alert_policy: crud("monitoring.alertPolicies"),
  google_monitoring_custom_service: crud("monitoring.services"),
  google_monitoring_dashboard: crud("monitoring.dashboards"),
  google_monitoring_notification_channel: crud("monitoring.notificationChannels"),
  google_monitoring_slo: crud("monitoring.slos"),
  google_monitoring_uptime_check_config: crud("monitoring.uptimeCheckConfigs"),
  google_project_iam_member: {
    plan: ["resourcemanager.projects.getIamPolicy"],
    deploy: ["resourcemanager.projects.setIamPolicy"],
  },
  google_project_service: {
    plan: ["serviceusage.services.get", "serviceusage.services.list"],
    deploy: ["serviceusage.services.enable", "serviceusage.services.disable"],
  },
  google_secret_manager_secret: crud("secretmanager.secrets"),
  google_secret_manager_secret_iam_member: iamMember("secretmanager.secrets"),
  google_secret_manager_secret_version: {
    plan: ["secretmanager.versions.get", "secretmanager.versions.access"],
    deploy: ["secretmanager.versions.add", "secretmanager.versions.destroy", "secretmanager.versions.enable"],
    note: "refresh reads the payload into secret_data: a data read",
  },
  google_service_account: crud("iam.serviceAccounts"),
  google_storage_bucket: crud("storage.buckets"),
  google_storage_bucket_iam_member: iamMember("storage.buckets"),
  google_storage_bucket_object: {
    plan: ["storage.objects.get"],
    deploy: ["storage.objects.create", "storage.objects.delete"],
  },
  // Bootstrap only (applied by an administrator, docs/bootstrap.md).
  google_iam_workload_identity_pool: crud("iam.googleapis.com/workloadIdentityPools"),
  google_iam_workload_identity_pool_provider: crud("iam.googleapis.com/workloadIdentityPoolProviders"),
  google_service_account_iam_member: iamMember("iam.serviceAccounts"),
  google_project_iam_custom_role: crud("iam.roles", "iam.roles.undelete"),
};

/** Where the role table comes from. */
export const GCP_ROLE_SOURCE: GrantSource = {
  doc: "https://cloud.google.com/iam/docs/roles-permissions",
  date: "2026-08-22",
};

const words = (text: string): readonly string[] => text.split(/\s+/).filter((w) => w !== "");

/** Permissions of each predefined role bootstrap grants, as documented at `GCP_ROLE_SOURCE.date`. */
export const GCP_ROLE_TABLE: Readonly<Record<string, readonly string[]>> = {
  "roles/artifactregistry.reader": words(`
    artifactregistry.attachments.get artifactregistry.attachments.list artifactregistry.dockerimages.get
    artifactregistry.dockerimages.list artifactregistry.files.download artifactregistry.files.get
    artifactregistry.files.list artifactregistry.locations.get artifactregistry.locations.list
    artifactregistry.mavenartifacts.get artifactregistry.mavenartifacts.list artifactregistry.npmpackages.get
    artifactregistry.npmpackages.list artifactregistry.packages.get artifactregistry.packages.list
    artifactregistry.projectconfigs.get artifactregistry.projectsettings.get artifactregistry.pythonpackages.get
    artifactregistry.pythonpackages.list artifactregistry.repositories.downloadArtifacts
    artifactregistry.repositories.exportArtifacts artifactregistry.repositories.get
    artifactregistry.repositories.list artifactregistry.repositories.listEffectiveTags
    artifactregistry.repositories.listTagBindings artifactregistry.repositories.readViaVirtualRepository
    artifactregistry.rules.get artifactregistry.rules.list artifactregistry.tags.get artifactregistry.tags.list
    artifactregistry.versions.get artifactregistry.versions.list resourcemanager.projects.get
  `),
  // The reader's permissions plus the uploads and tag writes of a push.
  "roles/artifactregistry.writer": words(`
    artifactregistry.aptartifacts.create artifactregistry.attachments.create artifactregistry.attachments.get
    artifactregistry.attachments.list artifactregistry.dockerimages.get artifactregistry.dockerimages.list
    artifactregistry.files.download artifactregistry.files.get artifactregistry.files.list
    artifactregistry.kfpartifacts.create artifactregistry.locations.get artifactregistry.locations.list
    artifactregistry.mavenartifacts.get artifactregistry.mavenartifacts.list artifactregistry.npmpackages.get
    artifactregistry.npmpackages.list artifactregistry.packages.get artifactregistry.packages.list
    artifactregistry.projectconfigs.get artifactregistry.projectsettings.get artifactregistry.pythonpackages.get
    artifactregistry.pythonpackages.list artifactregistry.repositories.downloadArtifacts
    artifactregistry.repositories.exportArtifacts artifactregistry.repositories.get
    artifactregistry.repositories.list artifactregistry.repositories.listEffectiveTags
    artifactregistry.repositories.listTagBindings artifactregistry.repositories.readViaVirtualRepository
    artifactregistry.repositories.uploadArtifacts artifactregistry.rules.get artifactregistry.rules.list
    artifactregistry.tags.create artifactregistry.tags.get artifactregistry.tags.list artifactregistry.tags.update
    artifactregistry.versions.get artifactregistry.versions.list artifactregistry.yumartifacts.create
    resourcemanager.projects.get
  `),
  "roles/browser": words(`
    resourcemanager.folders.get resourcemanager.folders.list resourcemanager.organizations.get
    resourcemanager.projects.get resourcemanager.projects.getIamPolicy resourcemanager.projects.list
  `),
  "roles/cloudfunctions.viewer": words(`
    cloudasset.assets.searchAllResources cloudbuild.builds.get cloudbuild.builds.list cloudbuild.locations.get
    cloudbuild.locations.list cloudbuild.operations.get cloudbuild.operations.list cloudfunctions.functions.get
    cloudfunctions.functions.getIamPolicy cloudfunctions.functions.list cloudfunctions.locations.list
    cloudfunctions.operations.get cloudfunctions.operations.list eventarc.channelConnections.get
    eventarc.channelConnections.getIamPolicy eventarc.channelConnections.list
    eventarc.channelConnections.listEffectiveTags eventarc.channelConnections.listTagBindings
    eventarc.channels.get eventarc.channels.getIamPolicy eventarc.channels.list
    eventarc.channels.listEffectiveTags eventarc.channels.listTagBindings eventarc.enrollments.get
    eventarc.enrollments.getIamPolicy eventarc.enrollments.list eventarc.googleApiSources.get
    eventarc.googleApiSources.getIamPolicy eventarc.googleApiSources.list eventarc.googleChannelConfigs.get
    eventarc.kafkaSources.get eventarc.kafkaSources.getIamPolicy eventarc.kafkaSources.list
    eventarc.locations.get eventarc.locations.list eventarc.messageBuses.get eventarc.messageBuses.getIamPolicy
    eventarc.messageBuses.list eventarc.messageBuses.use eventarc.multiProjectSources.collectGoogleApiEvents
    eventarc.operations.get eventarc.operations.list eventarc.pipelines.get eventarc.pipelines.getIamPolicy
    eventarc.pipelines.list eventarc.providers.get eventarc.providers.list eventarc.triggers.get
    eventarc.triggers.getIamPolicy eventarc.triggers.list eventarc.triggers.listEffectiveTags
    eventarc.triggers.listTagBindings recommender.cloudFunctionsPerformanceInsights.get
    recommender.cloudFunctionsPerformanceInsights.list recommender.cloudFunctionsPerformanceRecommendations.get
    recommender.cloudFunctionsPerformanceRecommendations.list recommender.locations.get
    recommender.locations.list recommender.runServiceCostInsights.get recommender.runServiceCostInsights.list
    recommender.runServiceCostRecommendations.get recommender.runServiceCostRecommendations.list
    recommender.runServiceIdentityInsights.get recommender.runServiceIdentityInsights.list
    recommender.runServiceIdentityRecommendations.get recommender.runServiceIdentityRecommendations.list
    recommender.runServicePerformanceInsights.get recommender.runServicePerformanceInsights.list
    recommender.runServicePerformanceRecommendations.get recommender.runServicePerformanceRecommendations.list
    recommender.runServiceSecurityInsights.get recommender.runServiceSecurityInsights.list
    recommender.runServiceSecurityRecommendations.get recommender.runServiceSecurityRecommendations.list
    remotebuildexecution.blobs.get resourcemanager.projects.get resourcemanager.projects.list
    run.configurations.get run.configurations.list run.executions.get run.executions.list run.instances.get
    run.instances.getIamPolicy run.instances.list run.jobs.get run.jobs.getIamPolicy run.jobs.list
    run.jobs.listEffectiveTags run.jobs.listTagBindings run.locations.list run.operations.get run.operations.list
    run.prompts.get run.revisions.get run.revisions.list run.routes.get run.routes.list run.services.get
    run.services.getIamPolicy run.services.list run.services.listEffectiveTags run.services.listTagBindings
    run.tasks.get run.tasks.list run.workerpools.get run.workerpools.getIamPolicy run.workerpools.list
    serviceusage.consumerpolicy.analyze serviceusage.consumerpolicy.get serviceusage.effectivepolicy.get
    serviceusage.groups.list serviceusage.groups.listExpandedMembers serviceusage.groups.listMembers
    serviceusage.quotas.get serviceusage.services.get serviceusage.services.list serviceusage.values.test
  `),
  "roles/iam.serviceAccountViewer": words(`
    iam.serviceAccountKeys.get iam.serviceAccountKeys.list iam.serviceAccounts.get
    iam.serviceAccounts.getIamPolicy iam.serviceAccounts.list iam.serviceAccounts.listEffectiveTags
    iam.serviceAccounts.listTagBindings resourcemanager.projects.get resourcemanager.projects.list
  `),
  "roles/logging.viewer": words(`
    logging.buckets.get logging.buckets.list logging.exclusions.get logging.exclusions.list logging.links.get
    logging.links.list logging.locations.get logging.locations.list logging.logEntries.list
    logging.logMetrics.get logging.logMetrics.list logging.logScopes.get logging.logScopes.list
    logging.logServiceIndexes.list logging.logServices.list logging.logs.list logging.operations.get
    logging.operations.list logging.queries.getShared logging.queries.listShared logging.queries.usePrivate
    logging.sinks.get logging.sinks.list logging.usage.get logging.views.get logging.views.list
    observability.scopes.get resourcemanager.projects.get
  `),
  "roles/monitoring.viewer": words(`
    cloudnotifications.activities.list monitoring.alertPolicies.get monitoring.alertPolicies.list
    monitoring.alertPolicies.listEffectiveTags monitoring.alertPolicies.listTagBindings monitoring.alerts.get
    monitoring.alerts.list monitoring.dashboards.get monitoring.dashboards.list
    monitoring.dashboards.listEffectiveTags monitoring.dashboards.listTagBindings monitoring.groups.get
    monitoring.groups.list monitoring.metricDescriptors.get monitoring.metricDescriptors.list
    monitoring.monitoredResourceDescriptors.get monitoring.monitoredResourceDescriptors.list
    monitoring.notificationChannelDescriptors.get monitoring.notificationChannelDescriptors.list
    monitoring.notificationChannels.get monitoring.notificationChannels.list monitoring.services.get
    monitoring.services.list monitoring.slos.get monitoring.slos.list monitoring.snoozes.get
    monitoring.snoozes.list monitoring.timeSeries.list monitoring.uptimeCheckConfigs.get
    monitoring.uptimeCheckConfigs.list opsconfigmonitoring.resourceMetadata.list resourcemanager.projects.get
    resourcemanager.projects.list stackdriver.projects.get stackdriver.resourceMetadata.list
  `),
  "roles/run.viewer": words(`
    recommender.locations.get recommender.locations.list recommender.runServiceCostInsights.get
    recommender.runServiceCostInsights.list recommender.runServiceCostRecommendations.get
    recommender.runServiceCostRecommendations.list recommender.runServiceIdentityInsights.get
    recommender.runServiceIdentityInsights.list recommender.runServiceIdentityRecommendations.get
    recommender.runServiceIdentityRecommendations.list recommender.runServicePerformanceInsights.get
    recommender.runServicePerformanceInsights.list recommender.runServicePerformanceRecommendations.get
    recommender.runServicePerformanceRecommendations.list recommender.runServiceSecurityInsights.get
    recommender.runServiceSecurityInsights.list recommender.runServiceSecurityRecommendations.get
    recommender.runServiceSecurityRecommendations.list resourcemanager.projects.get resourcemanager.projects.list
    run.configurations.get run.configurations.list run.executions.get run.executions.list run.instances.get
    run.instances.getIamPolicy run.instances.list run.jobs.get run.jobs.getIamPolicy run.jobs.list
    run.jobs.listEffectiveTags run.jobs.listTagBindings run.locations.list run.operations.get run.operations.list
    run.prompts.get run.revisions.get run.revisions.list run.routes.get run.routes.list run.services.get
    run.services.getIamPolicy run.services.list run.services.listEffectiveTags run.services.listTagBindings
    run.tasks.get run.tasks.list run.workerpools.get run.workerpools.getIamPolicy run.workerpools.list
  `),
  "roles/secretmanager.viewer": words(`
    resourcemanager.projects.get resourcemanager.projects.list secretmanager.locations.get
    secretmanager.locations.list secretmanager.secrets.get secretmanager.secrets.getIamPolicy
    secretmanager.secrets.list secretmanager.secrets.listEffectiveTags secretmanager.secrets.listTagBindings
    secretmanager.versions.get secretmanager.versions.list
  `),
  "roles/serviceusage.serviceUsageViewer": words(`
    monitoring.timeSeries.list serviceusage.consumerpolicy.analyze serviceusage.consumerpolicy.get
    serviceusage.contentsecuritypolicy.get serviceusage.effectivemcppolicy.get serviceusage.effectivepolicy.get
    serviceusage.groups.list serviceusage.groups.listExpandedMembers serviceusage.groups.listMembers
    serviceusage.mcppolicy.get serviceusage.operations.get serviceusage.quotas.get serviceusage.services.get
    serviceusage.services.list serviceusage.values.test
  `),
  "roles/secretmanager.secretAccessor": words(`
    resourcemanager.projects.get resourcemanager.projects.list secretmanager.versions.access
  `),
  "roles/storage.bucketViewer": words(`
    storage.buckets.get storage.buckets.list
  `),
  "roles/storage.objectViewer": words(`
    resourcemanager.projects.get resourcemanager.projects.list storage.folders.get storage.folders.list
    storage.managedFolders.get storage.managedFolders.list storage.objects.get storage.objects.list
  `),
  "roles/artifactregistry.admin": words(`
    artifactregistry.aptartifacts.create artifactregistry.attachments.create artifactregistry.attachments.delete
    artifactregistry.attachments.get artifactregistry.attachments.list artifactregistry.dockerimages.get
    artifactregistry.dockerimages.list artifactregistry.files.delete artifactregistry.files.download
    artifactregistry.files.get artifactregistry.files.list artifactregistry.files.update
    artifactregistry.files.upload artifactregistry.kfpartifacts.create artifactregistry.locations.get
    artifactregistry.locations.list artifactregistry.mavenartifacts.get artifactregistry.mavenartifacts.list
    artifactregistry.npmpackages.get artifactregistry.npmpackages.list artifactregistry.packages.delete
    artifactregistry.packages.get artifactregistry.packages.list artifactregistry.packages.update
    artifactregistry.projectconfigs.get artifactregistry.projectconfigs.update
    artifactregistry.projectsettings.get artifactregistry.projectsettings.update
    artifactregistry.pythonpackages.get artifactregistry.pythonpackages.list artifactregistry.repositories.create
    artifactregistry.repositories.createTagBinding artifactregistry.repositories.delete
    artifactregistry.repositories.deleteArtifacts artifactregistry.repositories.deleteTagBinding
    artifactregistry.repositories.downloadArtifacts artifactregistry.repositories.exportArtifacts
    artifactregistry.repositories.get artifactregistry.repositories.getIamPolicy
    artifactregistry.repositories.list artifactregistry.repositories.listEffectiveTags
    artifactregistry.repositories.listTagBindings artifactregistry.repositories.readViaVirtualRepository
    artifactregistry.repositories.setIamPolicy artifactregistry.repositories.update
    artifactregistry.repositories.uploadArtifacts artifactregistry.rules.create artifactregistry.rules.delete
    artifactregistry.rules.get artifactregistry.rules.list artifactregistry.rules.update
    artifactregistry.tags.create artifactregistry.tags.delete artifactregistry.tags.get
    artifactregistry.tags.list artifactregistry.tags.update artifactregistry.versions.delete
    artifactregistry.versions.get artifactregistry.versions.list artifactregistry.versions.update
    artifactregistry.yumartifacts.create cloudkms.keyHandles.create cloudkms.keyHandles.get
    cloudkms.keyHandles.list cloudkms.operations.get cloudkms.projects.showEffectiveAutokeyConfig
    resourcemanager.projects.get
  `),
  "roles/cloudfunctions.admin": words(`
    artifactregistry.attachments.get artifactregistry.attachments.list artifactregistry.dockerimages.get
    artifactregistry.dockerimages.list artifactregistry.files.download artifactregistry.files.get
    artifactregistry.files.list artifactregistry.locations.get artifactregistry.locations.list
    artifactregistry.mavenartifacts.get artifactregistry.mavenartifacts.list artifactregistry.npmpackages.get
    artifactregistry.npmpackages.list artifactregistry.packages.get artifactregistry.packages.list
    artifactregistry.projectconfigs.get artifactregistry.projectsettings.get artifactregistry.pythonpackages.get
    artifactregistry.pythonpackages.list artifactregistry.repositories.downloadArtifacts
    artifactregistry.repositories.exportArtifacts artifactregistry.repositories.get
    artifactregistry.repositories.list artifactregistry.repositories.listEffectiveTags
    artifactregistry.repositories.listTagBindings artifactregistry.repositories.readViaVirtualRepository
    artifactregistry.rules.get artifactregistry.rules.list artifactregistry.tags.get artifactregistry.tags.list
    artifactregistry.versions.get artifactregistry.versions.list cloudasset.assets.searchAllResources
    cloudbuild.builds.get cloudbuild.builds.list cloudbuild.locations.get cloudbuild.locations.list
    cloudbuild.operations.get cloudbuild.operations.list cloudfunctions.functions.call
    cloudfunctions.functions.create cloudfunctions.functions.delete cloudfunctions.functions.generationUpgrade
    cloudfunctions.functions.get cloudfunctions.functions.getIamPolicy cloudfunctions.functions.invoke
    cloudfunctions.functions.list cloudfunctions.functions.setIamPolicy cloudfunctions.functions.sourceCodeGet
    cloudfunctions.functions.sourceCodeSet cloudfunctions.functions.update cloudfunctions.locations.list
    cloudfunctions.operations.get cloudfunctions.operations.list eventarc.channelConnections.create
    eventarc.channelConnections.createTagBinding eventarc.channelConnections.delete
    eventarc.channelConnections.deleteTagBinding eventarc.channelConnections.get
    eventarc.channelConnections.getIamPolicy eventarc.channelConnections.list
    eventarc.channelConnections.listEffectiveTags eventarc.channelConnections.listTagBindings
    eventarc.channelConnections.publish eventarc.channelConnections.setIamPolicy eventarc.channels.attach
    eventarc.channels.create eventarc.channels.createTagBinding eventarc.channels.delete
    eventarc.channels.deleteTagBinding eventarc.channels.get eventarc.channels.getIamPolicy
    eventarc.channels.list eventarc.channels.listEffectiveTags eventarc.channels.listTagBindings
    eventarc.channels.publish eventarc.channels.setIamPolicy eventarc.channels.undelete eventarc.channels.update
    eventarc.enrollments.create eventarc.enrollments.delete eventarc.enrollments.get
    eventarc.enrollments.getIamPolicy eventarc.enrollments.list eventarc.enrollments.setIamPolicy
    eventarc.enrollments.update eventarc.events.receiveAuditLogWritten eventarc.events.receiveEvent
    eventarc.googleApiSources.create eventarc.googleApiSources.delete eventarc.googleApiSources.get
    eventarc.googleApiSources.getIamPolicy eventarc.googleApiSources.list eventarc.googleApiSources.setIamPolicy
    eventarc.googleApiSources.update eventarc.googleChannelConfigs.get eventarc.googleChannelConfigs.update
    eventarc.kafkaSources.create eventarc.kafkaSources.delete eventarc.kafkaSources.get
    eventarc.kafkaSources.getIamPolicy eventarc.kafkaSources.list eventarc.kafkaSources.setIamPolicy
    eventarc.locations.get eventarc.locations.list eventarc.messageBuses.create eventarc.messageBuses.delete
    eventarc.messageBuses.get eventarc.messageBuses.getIamPolicy eventarc.messageBuses.list
    eventarc.messageBuses.publish eventarc.messageBuses.setIamPolicy eventarc.messageBuses.update
    eventarc.messageBuses.use eventarc.multiProjectSources.collectGoogleApiEvents eventarc.operations.cancel
    eventarc.operations.delete eventarc.operations.get eventarc.operations.list eventarc.pipelines.create
    eventarc.pipelines.delete eventarc.pipelines.get eventarc.pipelines.getIamPolicy eventarc.pipelines.list
    eventarc.pipelines.setIamPolicy eventarc.pipelines.update eventarc.providers.get eventarc.providers.list
    eventarc.triggers.create eventarc.triggers.createTagBinding eventarc.triggers.delete
    eventarc.triggers.deleteTagBinding eventarc.triggers.get eventarc.triggers.getIamPolicy
    eventarc.triggers.list eventarc.triggers.listEffectiveTags eventarc.triggers.listTagBindings
    eventarc.triggers.setIamPolicy eventarc.triggers.undelete eventarc.triggers.update
    recommender.cloudFunctionsPerformanceInsights.get recommender.cloudFunctionsPerformanceInsights.list
    recommender.cloudFunctionsPerformanceInsights.update recommender.cloudFunctionsPerformanceRecommendations.get
    recommender.cloudFunctionsPerformanceRecommendations.list
    recommender.cloudFunctionsPerformanceRecommendations.update recommender.locations.get
    recommender.locations.list recommender.runServiceCostInsights.get recommender.runServiceCostInsights.list
    recommender.runServiceCostInsights.update recommender.runServiceCostRecommendations.get
    recommender.runServiceCostRecommendations.list recommender.runServiceCostRecommendations.update
    recommender.runServiceIdentityInsights.get recommender.runServiceIdentityInsights.list
    recommender.runServiceIdentityInsights.update recommender.runServiceIdentityRecommendations.get
    recommender.runServiceIdentityRecommendations.list recommender.runServiceIdentityRecommendations.update
    recommender.runServicePerformanceInsights.get recommender.runServicePerformanceInsights.list
    recommender.runServicePerformanceInsights.update recommender.runServicePerformanceRecommendations.get
    recommender.runServicePerformanceRecommendations.list recommender.runServicePerformanceRecommendations.update
    recommender.runServiceSecurityInsights.get recommender.runServiceSecurityInsights.list
    recommender.runServiceSecurityInsights.update recommender.runServiceSecurityRecommendations.get
    recommender.runServiceSecurityRecommendations.list recommender.runServiceSecurityRecommendations.update
    remotebuildexecution.blobs.get resourcemanager.projects.get resourcemanager.projects.getIamPolicy
    resourcemanager.projects.list run.configurations.get run.configurations.list run.executions.cancel
    run.executions.delete run.executions.get run.executions.list run.instances.create run.instances.delete
    run.instances.get run.instances.getIamPolicy run.instances.invoke run.instances.list
    run.instances.setIamPolicy run.instances.sshRead run.instances.sshRoot run.instances.start run.instances.stop
    run.instances.update run.jobs.create run.jobs.createTagBinding run.jobs.delete run.jobs.deleteTagBinding
    run.jobs.get run.jobs.getIamPolicy run.jobs.list run.jobs.listEffectiveTags run.jobs.listTagBindings
    run.jobs.run run.jobs.runWithOverrides run.jobs.setIamPolicy run.jobs.sshRead run.jobs.sshRoot
    run.jobs.update run.locations.list run.locations.uploadSource run.operations.delete run.operations.get
    run.operations.list run.prompts.get run.revisions.delete run.revisions.get run.revisions.list run.routes.get
    run.routes.invoke run.routes.list run.services.create run.services.createTagBinding run.services.delete
    run.services.deleteTagBinding run.services.get run.services.getIamPolicy run.services.list
    run.services.listEffectiveTags run.services.listTagBindings run.services.setIamPolicy run.services.sshRead
    run.services.sshRoot run.services.update run.tasks.get run.tasks.list run.workerpools.create
    run.workerpools.delete run.workerpools.get run.workerpools.getIamPolicy run.workerpools.list
    run.workerpools.setIamPolicy run.workerpools.sshRead run.workerpools.sshRoot run.workerpools.update
    serviceusage.consumerpolicy.analyze serviceusage.consumerpolicy.get serviceusage.effectivepolicy.get
    serviceusage.groups.list serviceusage.groups.listExpandedMembers serviceusage.groups.listMembers
    serviceusage.quotas.get serviceusage.services.get serviceusage.services.list serviceusage.values.test
  `),
  "roles/logging.configWriter": words(`
    logging.buckets.create logging.buckets.createTagBinding logging.buckets.delete
    logging.buckets.deleteTagBinding logging.buckets.get logging.buckets.list logging.buckets.listEffectiveTags
    logging.buckets.listTagBindings logging.buckets.undelete logging.buckets.update logging.exclusions.create
    logging.exclusions.delete logging.exclusions.get logging.exclusions.list logging.exclusions.update
    logging.links.create logging.links.delete logging.links.get logging.links.list logging.locations.get
    logging.locations.list logging.logMetrics.create logging.logMetrics.delete logging.logMetrics.get
    logging.logMetrics.list logging.logMetrics.update logging.logScopes.create logging.logScopes.delete
    logging.logScopes.get logging.logScopes.list logging.logScopes.update logging.logServiceIndexes.list
    logging.logServices.list logging.logs.list logging.notificationRules.create logging.notificationRules.delete
    logging.notificationRules.get logging.notificationRules.list logging.notificationRules.update
    logging.operations.cancel logging.operations.get logging.operations.list logging.settings.get
    logging.settings.update logging.sinks.create logging.sinks.delete logging.sinks.get logging.sinks.list
    logging.sinks.update logging.sqlAlerts.create logging.sqlAlerts.update logging.views.create
    logging.views.delete logging.views.get logging.views.getIamPolicy logging.views.list logging.views.update
    observability.scopes.get resourcemanager.projects.get resourcemanager.projects.list
  `),
  "roles/monitoring.alertPolicyEditor": words(`
    monitoring.alertPolicies.create monitoring.alertPolicies.createTagBinding monitoring.alertPolicies.delete
    monitoring.alertPolicies.deleteTagBinding monitoring.alertPolicies.get monitoring.alertPolicies.list
    monitoring.alertPolicies.listEffectiveTags monitoring.alertPolicies.listTagBindings
    monitoring.alertPolicies.update
  `),
  "roles/monitoring.dashboardEditor": words(`
    monitoring.dashboards.create monitoring.dashboards.createTagBinding monitoring.dashboards.delete
    monitoring.dashboards.deleteTagBinding monitoring.dashboards.get monitoring.dashboards.list
    monitoring.dashboards.listEffectiveTags monitoring.dashboards.listTagBindings monitoring.dashboards.update
  `),
  "roles/monitoring.notificationChannelEditor": words(`
    monitoring.notificationChannelDescriptors.get monitoring.notificationChannelDescriptors.list
    monitoring.notificationChannels.create monitoring.notificationChannels.delete
    monitoring.notificationChannels.get monitoring.notificationChannels.list
    monitoring.notificationChannels.sendVerificationCode monitoring.notificationChannels.update
    monitoring.notificationChannels.verify
  `),
  "roles/monitoring.servicesEditor": words(`
    monitoring.services.create monitoring.services.delete monitoring.services.get monitoring.services.list
    monitoring.services.update monitoring.slos.create monitoring.slos.delete monitoring.slos.get
    monitoring.slos.list monitoring.slos.update
  `),
  "roles/monitoring.uptimeCheckConfigEditor": words(`
    monitoring.uptimeCheckConfigs.create monitoring.uptimeCheckConfigs.delete monitoring.uptimeCheckConfigs.get
    monitoring.uptimeCheckConfigs.list monitoring.uptimeCheckConfigs.update
  `),
  "roles/run.admin": words(`
    recommender.locations.get recommender.locations.list recommender.runServiceCostInsights.get
    recommender.runServiceCostInsights.list recommender.runServiceCostInsights.update
    recommender.runServiceCostRecommendations.get recommender.runServiceCostRecommendations.list
    recommender.runServiceCostRecommendations.update recommender.runServiceIdentityInsights.get
    recommender.runServiceIdentityInsights.list recommender.runServiceIdentityInsights.update
    recommender.runServiceIdentityRecommendations.get recommender.runServiceIdentityRecommendations.list
    recommender.runServiceIdentityRecommendations.update recommender.runServicePerformanceInsights.get
    recommender.runServicePerformanceInsights.list recommender.runServicePerformanceInsights.update
    recommender.runServicePerformanceRecommendations.get recommender.runServicePerformanceRecommendations.list
    recommender.runServicePerformanceRecommendations.update recommender.runServiceSecurityInsights.get
    recommender.runServiceSecurityInsights.list recommender.runServiceSecurityInsights.update
    recommender.runServiceSecurityRecommendations.get recommender.runServiceSecurityRecommendations.list
    recommender.runServiceSecurityRecommendations.update resourcemanager.projects.get
    resourcemanager.projects.list run.configurations.get run.configurations.list run.executions.cancel
    run.executions.delete run.executions.get run.executions.list run.instances.create run.instances.delete
    run.instances.get run.instances.getIamPolicy run.instances.invoke run.instances.list
    run.instances.setIamPolicy run.instances.sshRead run.instances.sshRoot run.instances.start run.instances.stop
    run.instances.update run.jobs.create run.jobs.createTagBinding run.jobs.delete run.jobs.deleteTagBinding
    run.jobs.get run.jobs.getIamPolicy run.jobs.list run.jobs.listEffectiveTags run.jobs.listTagBindings
    run.jobs.run run.jobs.runWithOverrides run.jobs.setIamPolicy run.jobs.sshRead run.jobs.sshRoot
    run.jobs.update run.locations.list run.locations.uploadSource run.operations.delete run.operations.get
    run.operations.list run.prompts.get run.revisions.delete run.revisions.get run.revisions.list run.routes.get
    run.routes.invoke run.routes.list run.services.create run.services.createTagBinding run.services.delete
    run.services.deleteTagBinding run.services.get run.services.getIamPolicy run.services.list
    run.services.listEffectiveTags run.services.listTagBindings run.services.setIamPolicy run.services.sshRead
    run.services.sshRoot run.services.update run.tasks.get run.tasks.list run.workerpools.create
    run.workerpools.delete run.workerpools.get run.workerpools.getIamPolicy run.workerpools.list
    run.workerpools.setIamPolicy run.workerpools.sshRead run.workerpools.sshRoot run.workerpools.update
  `),
  "roles/serviceusage.serviceUsageAdmin": words(`
    cloudquotas.quotas.get cloudquotas.quotas.update monitoring.timeSeries.list
    serviceusage.consumerpolicy.analyze serviceusage.consumerpolicy.get serviceusage.consumerpolicy.update
    serviceusage.contentsecuritypolicy.get serviceusage.contentsecuritypolicy.update
    serviceusage.effectivemcppolicy.get serviceusage.effectivepolicy.get serviceusage.groups.list
    serviceusage.groups.listExpandedMembers serviceusage.groups.listMembers serviceusage.mcppolicy.get
    serviceusage.mcppolicy.update serviceusage.operations.get serviceusage.quotas.get serviceusage.quotas.update
    serviceusage.services.disable serviceusage.services.enable serviceusage.services.get
    serviceusage.services.list serviceusage.services.use serviceusage.values.test
  `),
  "roles/iam.serviceAccountAdmin": words(`
    iam.serviceAccountApiKeyBindings.create iam.serviceAccountApiKeyBindings.delete
    iam.serviceAccountApiKeyBindings.undelete iam.serviceAccounts.create iam.serviceAccounts.createTagBinding
    iam.serviceAccounts.delete iam.serviceAccounts.deleteTagBinding iam.serviceAccounts.disable
    iam.serviceAccounts.enable iam.serviceAccounts.get iam.serviceAccounts.getIamPolicy iam.serviceAccounts.list
    iam.serviceAccounts.listEffectiveTags iam.serviceAccounts.listTagBindings iam.serviceAccounts.setIamPolicy
    iam.serviceAccounts.undelete iam.serviceAccounts.update resourcemanager.projects.get
    resourcemanager.projects.list
  `),
  "roles/iam.serviceAccountUser": words(`
    iam.serviceAccounts.actAs iam.serviceAccounts.get iam.serviceAccounts.list resourcemanager.projects.get
    resourcemanager.projects.list
  `),
  "roles/secretmanager.admin": words(`
    cloudkms.keyHandles.create cloudkms.keyHandles.get cloudkms.keyHandles.list cloudkms.operations.get
    cloudkms.projects.showEffectiveAutokeyConfig resourcemanager.projects.get resourcemanager.projects.list
    secretmanager.locations.get secretmanager.locations.list secretmanager.secrets.create
    secretmanager.secrets.createTagBinding secretmanager.secrets.delete secretmanager.secrets.deleteTagBinding
    secretmanager.secrets.enableManagedRotation secretmanager.secrets.get secretmanager.secrets.getIamPolicy
    secretmanager.secrets.list secretmanager.secrets.listEffectiveTags secretmanager.secrets.listTagBindings
    secretmanager.secrets.rotate secretmanager.secrets.setIamPolicy secretmanager.secrets.update
    secretmanager.versions.access secretmanager.versions.add secretmanager.versions.destroy
    secretmanager.versions.disable secretmanager.versions.enable secretmanager.versions.get
    secretmanager.versions.list
  `),
  "roles/storage.admin": words(`
    cloudaicompanion.instances.completeTask cloudkms.keyHandles.create cloudkms.keyHandles.get
    cloudkms.keyHandles.list cloudkms.operations.get cloudkms.projects.showEffectiveAutokeyConfig
    firebase.projects.get monitoring.metricDescriptors.list monitoring.monitoredResourceDescriptors.list
    monitoring.timeSeries.create monitoring.timeSeries.list orgpolicy.policy.get
    recommender.iamPolicyInsights.get recommender.iamPolicyInsights.list recommender.iamPolicyInsights.update
    recommender.iamPolicyRecommendations.get recommender.iamPolicyRecommendations.list
    recommender.iamPolicyRecommendations.update recommender.storageBucketSoftDeleteInsights.get
    recommender.storageBucketSoftDeleteInsights.list recommender.storageBucketSoftDeleteInsights.update
    recommender.storageBucketSoftDeleteRecommendations.get
    recommender.storageBucketSoftDeleteRecommendations.list
    recommender.storageBucketSoftDeleteRecommendations.update resourcemanager.hierarchyNodes.listEffectiveTags
    resourcemanager.projects.get resourcemanager.projects.list storage.anywhereCaches.create
    storage.anywhereCaches.disable storage.anywhereCaches.get storage.anywhereCaches.list
    storage.anywhereCaches.pause storage.anywhereCaches.resume storage.anywhereCaches.update
    storage.bucketOperations.cancel storage.bucketOperations.get storage.bucketOperations.list
    storage.buckets.create storage.buckets.createTagBinding storage.buckets.delete
    storage.buckets.deleteTagBinding storage.buckets.enableObjectRetention storage.buckets.get
    storage.buckets.getIamPolicy storage.buckets.getIpFilter storage.buckets.getObjectInsights
    storage.buckets.list storage.buckets.listEffectiveTags storage.buckets.listTagBindings
    storage.buckets.relocate storage.buckets.restore storage.buckets.setIamPolicy storage.buckets.setIpFilter
    storage.buckets.update storage.buckets.viewIntelligenceDetails storage.featureConfigs.create
    storage.featureConfigs.delete storage.featureConfigs.get storage.featureConfigs.list
    storage.featureConfigs.update storage.folders.create storage.folders.delete storage.folders.get
    storage.folders.list storage.folders.rename storage.intelligenceConfigs.get
    storage.intelligenceConfigs.update storage.managedFolders.create storage.managedFolders.delete
    storage.managedFolders.get storage.managedFolders.getIamPolicy storage.managedFolders.list
    storage.managedFolders.setIamPolicy storage.multipartUploads.abort storage.multipartUploads.create
    storage.multipartUploads.list storage.multipartUploads.listParts storage.objects.create
    storage.objects.createContext storage.objects.delete storage.objects.deleteContext storage.objects.get
    storage.objects.getIamPolicy storage.objects.list storage.objects.move
    storage.objects.overrideUnlockedRetention storage.objects.restore storage.objects.setIamPolicy
    storage.objects.setRetention storage.objects.update storage.objects.updateContext
    storagebatchoperations.bucketOperations.get storagebatchoperations.bucketOperations.list
    storagebatchoperations.jobs.cancel storagebatchoperations.jobs.create storagebatchoperations.jobs.delete
    storagebatchoperations.jobs.get storagebatchoperations.jobs.list storagebatchoperations.locations.get
    storagebatchoperations.locations.list storagebatchoperations.operations.cancel
    storagebatchoperations.operations.delete storagebatchoperations.operations.get
    storagebatchoperations.operations.list
  `),
  "roles/resourcemanager.projectIamAdmin": words(`
    iam.policybindings.get iam.policybindings.list resourcemanager.projects.createPolicyBinding
    resourcemanager.projects.deletePolicyBinding resourcemanager.projects.get
    resourcemanager.projects.getIamPolicy resourcemanager.projects.searchPolicyBindings
    resourcemanager.projects.setIamPolicy resourcemanager.projects.updatePolicyBinding
  `),
  "roles/run.builder": words(`
    artifactregistry.repositories.deleteArtifacts artifactregistry.repositories.downloadArtifacts
    artifactregistry.repositories.uploadArtifacts logging.logEntries.create source.repos.get storage.objects.get
  `),
  "roles/iam.roleAdmin": words(`
    iam.roles.create iam.roles.createTagBinding iam.roles.delete iam.roles.deleteTagBinding iam.roles.get
    iam.roles.list iam.roles.listEffectiveTags iam.roles.listTagBindings iam.roles.undelete iam.roles.update
    resourcemanager.projects.get resourcemanager.projects.getIamPolicy
  `),
  "roles/iam.workloadIdentityPoolAdmin": words(`
    iam.googleapis.com/workloadIdentityPoolManagedIdentities.create
    iam.googleapis.com/workloadIdentityPoolManagedIdentities.delete
    iam.googleapis.com/workloadIdentityPoolManagedIdentities.get
    iam.googleapis.com/workloadIdentityPoolManagedIdentities.getAttestationRules
    iam.googleapis.com/workloadIdentityPoolManagedIdentities.list
    iam.googleapis.com/workloadIdentityPoolManagedIdentities.setAttestationRules
    iam.googleapis.com/workloadIdentityPoolManagedIdentities.undelete
    iam.googleapis.com/workloadIdentityPoolManagedIdentities.update
    iam.googleapis.com/workloadIdentityPoolNamespaces.create
    iam.googleapis.com/workloadIdentityPoolNamespaces.delete
    iam.googleapis.com/workloadIdentityPoolNamespaces.get iam.googleapis.com/workloadIdentityPoolNamespaces.list
    iam.googleapis.com/workloadIdentityPoolNamespaces.undelete
    iam.googleapis.com/workloadIdentityPoolNamespaces.update
    iam.googleapis.com/workloadIdentityPoolProviderKeys.create
    iam.googleapis.com/workloadIdentityPoolProviderKeys.delete
    iam.googleapis.com/workloadIdentityPoolProviderKeys.get
    iam.googleapis.com/workloadIdentityPoolProviderKeys.list
    iam.googleapis.com/workloadIdentityPoolProviderKeys.undelete
    iam.googleapis.com/workloadIdentityPoolProviders.create
    iam.googleapis.com/workloadIdentityPoolProviders.delete iam.googleapis.com/workloadIdentityPoolProviders.get
    iam.googleapis.com/workloadIdentityPoolProviders.list
    iam.googleapis.com/workloadIdentityPoolProviders.undelete
    iam.googleapis.com/workloadIdentityPoolProviders.update iam.googleapis.com/workloadIdentityPools.create
    iam.googleapis.com/workloadIdentityPools.delete iam.googleapis.com/workloadIdentityPools.get
    iam.googleapis.com/workloadIdentityPools.getAttestationRules
    iam.googleapis.com/workloadIdentityPools.getIamPolicy iam.googleapis.com/workloadIdentityPools.list
    iam.googleapis.com/workloadIdentityPools.setAttestationRules
    iam.googleapis.com/workloadIdentityPools.setIamPolicy iam.googleapis.com/workloadIdentityPools.undelete
    iam.googleapis.com/workloadIdentityPools.update iam.workloadIdentityPools.createPolicyBinding
    iam.workloadIdentityPools.deletePolicyBinding iam.workloadIdentityPools.searchPolicyBindings
    iam.workloadIdentityPools.updatePolicyBinding resourcemanager.projects.get resourcemanager.projects.list
  `),
};

/** A predefined role as a grant (throws for a role the table does not have: add it from the docs first). */
export function gcpRoleGrant(role: string): Grant {
  const permissions = documentedEntry(GCP_ROLE_TABLE, role, "GCP_ROLE_TABLE (lib/gcp/permissions.ts)");
  return { name: role, statements: [{ allow: permissions }] };
}
