/**
 * Logs for both Azure targets: one workspace-based Log Analytics workspace per
 * environment (Container Apps send console and system logs there) and
 * Application Insights on top of it for the function. Retention comes from
 * ServiceSpec.logRetentionDays, raised to the smallest value Azure accepts.
 */
import { ApplicationInsights } from "@cdktf/provider-azurerm/lib/application-insights";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";
import { type AzurePlacement, placedIn } from "./placement";
import { appInsightsRetentionDays, workspaceRetentionDays } from "./sizing";

export interface AzureLogsProps extends AzurePlacement {
  readonly workspaceName: string;
  readonly applicationInsightsName: string;
  /** Days logs are kept (ServiceSpec.logRetentionDays). */
  readonly retentionDays: number;
}

export class AzureLogs extends Construct {
  readonly workspace: LogAnalyticsWorkspace;
  readonly applicationInsights: ApplicationInsights;

  constructor(scope: Construct, id: string, props: AzureLogsProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) {
      throw new ConstructError(
        "BPE_AZURE_7",
        this.node.path,
        `retentionDays must be a positive whole number, got ${props.retentionDays}`,
      );
    }
    this.workspace = new LogAnalyticsWorkspace(this, "workspace", {
      name: props.workspaceName,
      ...placedIn(props),
      sku: "PerGB2018",
      retentionInDays: workspaceRetentionDays(props.retentionDays),
      // Local (shared key) auth stays on: the Container Apps environment links to the workspace with its shared key.
    });
    this.applicationInsights = new ApplicationInsights(this, "insights", {
      name: props.applicationInsightsName,
      ...placedIn(props),
      applicationType: "web",
      workspaceId: this.workspace.id,
      retentionInDays: appInsightsRetentionDays(props.retentionDays),
      // Ingestion needs an Entra ID token (Monitoring Metrics Publisher), not the instrumentation key.
      localAuthenticationDisabled: true,
    });
  }
}
