/** Rules for every provider: secrets in outputs, literals, provider blocks and workload settings. */
import { secretOutputsSensitive } from "./bp-common-1-secret-outputs-sensitive";
import { noCredentialLiterals } from "./bp-common-2-no-credential-literals";
import { noProviderCredentials } from "./bp-common-3-no-provider-credentials";
import { noSecretInWorkloadSettings } from "./bp-common-4-no-secret-in-workload-settings";
import { noRandomValuesInSettings } from "./bp-common-5-no-random-values-in-settings";
import { productionEnvironmentProtected } from "./bp-common-6-production-environment-protected";

export const commonRules = [
  secretOutputsSensitive,
  noCredentialLiterals,
  noProviderCredentials,
  noSecretInWorkloadSettings,
  noRandomValuesInSettings,
  productionEnvironmentProtected,
] as const;
