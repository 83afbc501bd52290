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
const BASIC_CREDENTIAL = /\bBasic\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/gi;
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:([^\s@/]+)@[^\s@]/gi;

const CREDENTIAL_PATTERNS: readonly [string, RegExp | ((text: string) => boolean)][] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=\s]{64,}/],
  ["a Google service account key", /"private_key_id"\s*:\s*"[0-9a-f]{20,}"/],
  ["a Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["a Google OAuth client secret", /\bGOCSPX-[0-9A-Za-z_-]{28}\b/],
  ["a GitLab token", /\bgl(pat|dt|rt|cbt|ptt|ft|imt|agent|oas|soat)-[0-9A-Za-z_-]{20,}/],
  ["a GitHub token", /\bgh[pousr]_[0-9A-Za-z]{36,}\b/],
  ["a Slack token", /\bxox[abposr]-[0-9A-Za-z-]{10,}/],
  ["a Slack webhook URL", /hooks\.slack\.com\/services\/T[0-9A-Z]+\/B[0-9A-Z]+\/[0-9A-Za-z]{16,}/],
  ["an Azure storage key", /AccountKey=[A-Za-z0-9+/]{40,}={0,2}/],
  ["a JSON Web Token (e.g. an OIDC token)", /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  // Payment and SaaS API keys with documented prefixes.
  ["a Stripe secret key", /\b[rs]k_(live|test)_[0-9A-Za-z]{16,}/],
  ["an npm token", /\bnpm_[0-9A-Za-z]{36}\b/],
  ["a SendGrid API key", /\bSG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}/],
  ["an OpenAI or Anthropic API key", /\bsk-(proj-|ant-(api|admin)\d*-)?[0-9A-Za-z_-]{32,}/],
  // An Authorization header value written into configuration.
  ["a bearer token", /\bBearer\s+[0-9A-Za-z._~+/-]{16,}=*/i],
  ["a basic-auth credential", hasBasicCredential],
  ["a password in a URL", hasUrlPassword],
];

/** `Basic <base64 of user:password>`: decoded, it holds a colon. */
function hasBasicCredential(text: string): boolean {
  for (const [, encoded] of text.matchAll(BASIC_CREDENTIAL)) {
    if (Buffer.from(encoded, "base64").toString("latin1").includes(":")) return true;
  }
  return false;
}

/** `scheme://user:password@host`, unless the password is a Terraform reference (judged as a reference instead). */
function hasUrlPassword(text: string): boolean {
  for (const [, password] of text.matchAll(URL_PASSWORD)) {
    if (!password.includes("${")) return true;
  }
  return false;
}

/**
 * Matches wherever one of the patterns above might (every one of them as an alternative, case
 * ignored): one pass over a string instead of one per pattern; the policy tests every string of
 * every block, and almost none holds a credential.
 */
const ANY_CREDENTIAL = new RegExp(
  [
    ...CREDENTIAL_PATTERNS.flatMap(([, pattern]) => (pattern instanceof RegExp ? [pattern] : [])),
    BASIC_CREDENTIAL,
    URL_PASSWORD,
  ]
    .map((pattern) => `(?:${pattern.source})`)
    .join("|"),
  "i",
);

/** What kind of credential `text` contains, or `undefined`. */
export function credentialIn(text: string): string | undefined {
  if (!ANY_CREDENTIAL.test(text)) return undefined;
  return CREDENTIAL_PATTERNS.find(([, pattern]) =>
    typeof pattern === "function" ? pattern(text) : pattern.test(text),
  )?.[0];
}

/**
 * Whether a setting's value looks generated rather than written: long, one
 * token of base64/base62-like characters, with lower case, upper case and
 * digits, and close to the entropy of random text. Hex (digests, commit ids),
 * paths, URLs, names and references do not.
 */
export function looksRandom(value: string): boolean {
  if (value.length < 24 || value.includes("${") || !/^[A-Za-z0-9+/=_~.-]+$/.test(value)) return false;
  if (value.startsWith("/") || /^[0-9a-f]+$/i.test(value)) return false;
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) return false;
  return shannonEntropy(value) >= 4;
}

/** Bits per character of `text`'s own character distribution. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
