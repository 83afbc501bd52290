/**
 * Azure's limits for ServiceSpec, on top of the generic rules in
 * lib/contract/spec-validation.ts: what Flex Consumption and Container Apps
 * accept (from the documented table in limits.ts), and the app settings the
 * Function App owns.
 */
import type { TargetKind } from "../config/schema";
import type { SpecLimits } from "../contract/spec-validation";
import type { ServiceSpec } from "../service";
import { AZURE_PLATFORM_LIMITS as LIMITS } from "./limits";
import { assertSecretNames } from "./secrets";

/** App settings the Function App target sets itself, besides the workload contract's variables. */
export const FUNCTION_APP_SETTINGS = [
  "AzureWebJobsStorage",
  "AzureWebJobsStorage__accountName",
  "AzureWebJobsStorage__credential",
  "AzureWebJobsStorage__clientId",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "AzureFunctionsJobHost__functionTimeout",
  "WORKLOAD_PACKAGE_SHA256",
  "FUNCTIONS_WORKER_RUNTIME",
] as const;

/** Secret names must map onto distinct Key Vault and Container Apps secret names. */
function secretNameProblems(spec: ServiceSpec): [keyof ServiceSpec, string][] {
  try {
    assertSecretNames(spec.secretNames);
    return [];
  } catch (error) {
    return [["secretNames", (error as Error).message]];
  }
}

export const AZURE_LIMITS: Readonly<Record<TargetKind, SpecLimits>> = {
  function: {
    numbers: {
      memoryMb: { by: "Flex Consumption", max: Math.max(...LIMITS.flexInstanceMemoryMb.oneOf) },
      maxInstances: LIMITS.flexMaximumInstanceCount,
    },
    reservedVariables: { by: "the Function App", names: FUNCTION_APP_SETTINGS },
    extra: secretNameProblems,
  },
  container: {
    numbers: {
      memoryMb: { by: LIMITS.containerMemoryMb.by, max: LIMITS.containerMemoryMb.max },
      maxInstances: LIMITS.containerReplicas,
    },
    extra: secretNameProblems,
  },
};
