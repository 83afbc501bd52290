/** Rules for every provider: secrets in outputs, literals, provider blocks and workload settings. */
import { secretOutputsSensitive } from "./bp-common-1-secret-outputs-sensitive";
import { noCredentialLiterals } from "./bp-common-2-no-credential-literals";
import { noProviderCredentials } from "./bp-common-3-no-provider-credentials";
import { noSecretInWorkloadSettings } from "./bp-common-4-no-secret-in-workload-settings";

export const commonRules = [
  secretOutputsSensitive,
  noCredentialLiterals,
  noProviderCredentials,
  noSecretInWorkloadSettings,
] as const;
