/**
 * Azure's limits table: the documented platform limits the Azure targets
 * depend on, each with the page that states it (checked 2026-12-06).
 * validation.ts (ServiceSpec) and the targets (their own props) check against
 * it at synth; the azurerm binding accepts more than the platform in places
 * (a startup probe failure threshold up to 30: the Container Apps API takes 10).
 */
import type { LimitsTable } from "../contract/limits";

const PROBE_DOC =
  "https://learn.microsoft.com/en-us/dotnet/api/azure.resourcemanager.appcontainers.models.containerappprobe";
const FLEX_DOC = "https://learn.microsoft.com/en-us/azure/azure-functions/flex-consumption-plan";

/** Container Apps health probes (startup, readiness, liveness): the API's ranges. */
export const CONTAINER_APP_PROBE_LIMITS = {
  failureCountThreshold: { by: "Container Apps", min: 1, max: 10, doc: PROBE_DOC },
  successCountThreshold: { by: "Container Apps", min: 1, max: 10, doc: PROBE_DOC },
  intervalSeconds: { by: "Container Apps", min: 1, max: 240, doc: PROBE_DOC },
  timeout: { by: "Container Apps", min: 1, max: 240, doc: PROBE_DOC },
  initialDelay: { by: "Container Apps", min: 0, max: 60, doc: PROBE_DOC },
} as const satisfies LimitsTable;

export const AZURE_PLATFORM_LIMITS = {
  /** Flex Consumption instance sizes. */
  flexInstanceMemoryMb: {
    by: "Flex Consumption",
    oneOf: [512, 2048, 4096],
    doc: `${FLEX_DOC}#instance-memory`,
  },
  /**
   * Flex Consumption's maximum instance count: currently 1 to 1000. Older
   * pages and the quickstart template still say 40 (the earlier floor).
   */
  flexMaximumInstanceCount: {
    by: "Flex Consumption",
    min: 1,
    max: 1000,
    doc: "https://learn.microsoft.com/en-us/azure/azure-functions/event-driven-scaling#limit-scale-out",
  },
  /** Memory of one container on the consumption profile, in MB (0.5 to 4 GiB, 1 vCPU per 2 GiB). */
  containerMemoryMb: {
    by: "Container Apps consumption",
    min: 512,
    max: 4096,
    doc: "https://learn.microsoft.com/en-us/azure/container-apps/containers#allocations",
  },
  /** Replicas of one revision, as the azurerm 4.55 binding accepts them. */
  containerReplicas: {
    by: "Container Apps",
    min: 0,
    max: 300,
    doc: "https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/container_app#max_replicas-1",
  },
  /** The HTTP front end of a Function App ends a request after 230 s, whatever the function timeout. */
  functionHttpRequestSeconds: {
    by: "Azure Functions",
    max: 230,
    doc: "https://learn.microsoft.com/en-us/azure/azure-functions/functions-scale#timeout",
  },
  /** Container Apps ingress ends a request after 240 s; there is no setting for it. */
  containerIngressRequestSeconds: {
    by: "Container Apps ingress",
    max: 240,
    doc: "https://learn.microsoft.com/en-us/azure/container-apps/ingress-overview",
  },
} as const satisfies LimitsTable;
