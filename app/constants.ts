/**
 * Constants the workload (app/) and the infrastructure code (lib/) share.
 * Neutral: imports nothing, so app/ needs nothing from lib/, and a bundle
 * that takes one constant (the edge Worker) takes nothing else with it.
 * lib/service.ts and lib/release.ts re-export them for lib/'s own readers.
 */

/** The workload itself: what does not change between environments or companies (lib/service.ts builds the spec from it). */
export const SERVICE = {
  version: "1.0.0",
  healthPath: "/healthz",
  containerPort: 8080,
  environmentVariables: { LOG_LEVEL: "info" },
  secretNames: [] as string[],
} as const;

/**
 * Largest request body the workload and the edge accept, per environment
 * (`maxBodyBytes` in environments/<name>.ts): sized for a JSON API. Larger
 * requests get 413 before anything is buffered. Targets pass it to the
 * workload as `MAX_BODY_BYTES`.
 */
export const BODY_LIMIT = { envVar: "MAX_BODY_BYTES", defaultBytes: 1024 * 1024 } as const;

/** Environment variables every target gets from the release (`GET /` reports them; lib/release.ts). */
export const RELEASE_ENV = { id: "RELEASE_ID", digest: "IMAGE_DIGEST" } as const;

/**
 * Azure Functions reads its secrets from Key Vault itself, with its
 * user-assigned identity (docs/choices.md, "The Azure function reads Key
 * Vault itself"): for a secret variable NAME the function target sets
 * `NAME` + `uriSuffix` to the secret's versionless URI, and `clientIdEnvVar`
 * to the identity's client id (the App Service token endpoint needs it to
 * pick a user-assigned identity).
 */
export const AZURE_KEY_VAULT_ENV = { uriSuffix: "_KEYVAULT_URI", clientIdEnvVar: "AZURE_CLIENT_ID" } as const;
