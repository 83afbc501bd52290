/** Rules for every provider: secrets in outputs, literals and provider blocks. */
import { secretOutputsSensitive } from "./bp-common-1-secret-outputs-sensitive";
import { noCredentialLiterals } from "./bp-common-2-no-credential-literals";
import { noProviderCredentials } from "./bp-common-3-no-provider-credentials";

export const commonRules = [secretOutputsSensitive, noCredentialLiterals, noProviderCredentials] as const;
