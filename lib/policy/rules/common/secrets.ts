/** What a secret looks like, as a Terraform reference and as a literal. Shared by the rules about secrets. */

// Resources whose `value` attribute is the secret itself.
const VALUE_IS_SECRET = new Set(["azurerm_key_vault_secret", "cloudflare_api_token", "cloudflare_account_token"]);
// Attribute names that hold secrets (providers mark these sensitive).
const SECRET_ATTRIBUTE =
  /password|secret|private_key|access_key|connection_string|shared_key|instrumentation_key|token/;
// ...unless they only name or locate one: secret_id, secret_arn, key_vault_secret_name, token_versions.
const IDENTIFIER_ATTRIBUTE = /_(id|ids|arn|name|names|version|versions|url|uri)$/;

function isSecretReference(reference: string): boolean {
  const [type, , attribute] = reference.replace(/^data\./, "").split(".");
  if (attribute === undefined) return false;
  if (type === "random_password") return attribute === "result" || attribute === "bcrypt_hash";
  if (VALUE_IS_SECRET.has(type)) return attribute === "value";
  return SECRET_ATTRIBUTE.test(attribute) && !IDENTIFIER_ATTRIBUTE.test(attribute);
}

/**
 * The references to secret values in a Terraform expression, e.g.
 * `random_password.origin.result` in `${random_password.origin.result}`.
 */
export function secretReferences(expression: string): string[] {
  const references = expression.match(/\b(data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*\.[a-z_][\w]*/g) ?? [];
  return [...new Set(references.filter(isSecretReference))];
}

/** Credentials with a recognizable shape; a match in cdk.tf.json is a leaked secret. */
const CREDENTIAL_PATTERNS: readonly [string, RegExp][] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=\s]{64,}/],
  ["a Google service account key", /"private_key_id"\s*:\s*"[0-9a-f]{20,}"/],
  ["a Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["a GitLab token", /\bgl(pat|dt|rt|cbt|ptt|ft|imt|agent|oas|soat)-[0-9A-Za-z_-]{20,}/],
  ["a GitHub token", /\bgh[pousr]_[0-9A-Za-z]{36,}\b/],
  ["a Slack token", /\bxox[abposr]-[0-9A-Za-z-]{10,}/],
  ["an Azure storage key", /AccountKey=[A-Za-z0-9+/]{40,}={0,2}/],
  ["a JSON Web Token (e.g. an OIDC token)", /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
];

/** What kind of credential `text` contains, or `undefined`. */
export function credentialIn(text: string): string | undefined {
  return CREDENTIAL_PATTERNS.find(([, pattern]) => pattern.test(text))?.[0];
}
