/**
 * Reads a Key Vault secret with one of the Function App's user-assigned
 * identities, over plain HTTP calls (global fetch, no Azure SDK in the zip):
 *
 * 1. a token for Key Vault from the App Service managed identity endpoint,
 *    `GET $IDENTITY_ENDPOINT?resource=https://vault.azure.net&api-version=2019-08-01&client_id=<id>`
 *    with the `X-IDENTITY-HEADER: $IDENTITY_HEADER` header
 *    (https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity#rest-endpoint-reference);
 * 2. the secret's current version, `GET <secret uri>?api-version=7.4` with
 *    `Authorization: Bearer <token>`
 *    (https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-secret/get-secret).
 *
 * The function does this itself instead of a `@Microsoft.KeyVault(...)` app
 * setting because Flex Consumption resolves references with the system
 * identity only in azurerm 4.55, which would need a role assignment made by
 * the environment stack (docs/choices.md).
 */

/** Token audience of Key Vault's data plane. */
const KEY_VAULT_RESOURCE = "https://vault.azure.net";
/** The App Service identity endpoint's version that takes `client_id` and the `X-IDENTITY-HEADER` header. */
const IDENTITY_API_VERSION = "2019-08-01";
const KEY_VAULT_API_VERSION = "7.4";
/** A hung endpoint must fail the request closed, not hold it until the function's timeout. */
const CALL_TIMEOUT_MS = 3000;

/** The token or the secret could not be read; the name (with the step) is what the fail-closed log shows. */
export class ManagedIdentityTokenError extends Error {
  override readonly name = "ManagedIdentityTokenError";
}
export class KeyVaultSecretError extends Error {
  override readonly name = "KeyVaultSecretError";
}

/** JSON from `url`, or a rejection with `fail` for any answer but 200 with a JSON body. */
async function getJson(
  url: string,
  headers: Record<string, string>,
  fail: (message: string) => Error,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(CALL_TIMEOUT_MS), redirect: "error" });
  } catch {
    throw fail("no answer");
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw fail(`answered ${response.status}`);
  }
  try {
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null) return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw fail("answered something other than a JSON object");
}

/** An access token for Key Vault, for the user-assigned identity `clientId`. */
async function keyVaultToken(clientId: string, env: NodeJS.ProcessEnv): Promise<string> {
  const endpoint = env.IDENTITY_ENDPOINT;
  const header = env.IDENTITY_HEADER;
  if (endpoint === undefined || endpoint === "" || header === undefined || header === "") {
    throw new ManagedIdentityTokenError("no IDENTITY_ENDPOINT / IDENTITY_HEADER: no managed identity endpoint");
  }
  const url = new URL(endpoint);
  url.searchParams.set("resource", KEY_VAULT_RESOURCE);
  url.searchParams.set("api-version", IDENTITY_API_VERSION);
  url.searchParams.set("client_id", clientId);
  const body = await getJson(
    url.href,
    { "X-IDENTITY-HEADER": header },
    (m) => new ManagedIdentityTokenError(`identity endpoint ${m}`),
  );
  const token = body.access_token;
  if (typeof token !== "string" || token === "") throw new ManagedIdentityTokenError("the answer holds no token");
  return token;
}

/**
 * The current value of the secret at `secretUri` (versionless:
 * `https://<vault>.vault.azure.net/secrets/<name>`), read with the
 * user-assigned identity `clientId`. Rejects when either call fails; the
 * caller fails closed and reads again on a later request.
 */
export async function readKeyVaultSecret(
  secretUri: string,
  clientId: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (clientId === undefined || clientId === "") {
    // Without it the endpoint would answer for the system identity, which the app does not have.
    throw new ManagedIdentityTokenError("no client id of the identity that reads Key Vault");
  }
  let url: URL;
  try {
    url = new URL(secretUri);
  } catch {
    throw new KeyVaultSecretError("the secret URI is not a URL");
  }
  if (!url.pathname.startsWith("/secrets/")) throw new KeyVaultSecretError("the URI names no Key Vault secret");
  const token = await keyVaultToken(clientId, env);
  url.searchParams.set("api-version", KEY_VAULT_API_VERSION);
  const body = await getJson(
    url.href,
    { Authorization: `Bearer ${token}` },
    (m) => new KeyVaultSecretError(`Key Vault ${m}`),
  );
  // Rejected rather than "no secret": the gate then reads again on the next request.
  if (typeof body.value !== "string") throw new KeyVaultSecretError("the answer holds no secret value");
  return body.value;
}
