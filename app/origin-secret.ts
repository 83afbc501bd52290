/**
 * The origin secret's names and shape, shared by the workload (app/), the
 * Terraform that generates the value (lib/edge/origin-secret.ts) and the edge
 * Worker that sends it. Neutral: imports nothing, so app/ needs nothing from
 * lib/ to know what a real secret looks like.
 */

/** Where the secret travels: the workload's variable and the request header the edge sets. */
export const ORIGIN_SECRET = { envVar: "ORIGIN_SECRET", header: "x-origin-secret" } as const;

/**
 * Length Terraform generates (random_password, letters and digits only). A
 * shorter value is not the generated one (a placeholder, a truncated copy), so
 * the workload and the Worker refuse it rather than accept a guessable secret.
 */
export const ORIGIN_SECRET_LENGTH = 48;

/**
 * What a platform hands over when a secret reference did not resolve, or a
 * template was never rendered: the reference text instead of the value. Each
 * is predictable from the synthesized configuration, so accepting it would let
 * anyone who can read cdktf.out past the origin check.
 */
const UNRESOLVED_REFERENCES: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  // App Service / Functions Key Vault and App Configuration references.
  { name: "an Azure Key Vault reference", pattern: /@Microsoft\.KeyVault\s*\(/i },
  { name: "an Azure App Configuration reference", pattern: /@Microsoft\.AppConfiguration\s*\(/i },
  { name: "an Azure Key Vault secret URL", pattern: /\.vault\.azure\.net\//i },
  { name: "a Container Apps secret reference", pattern: /^secretref:/i },
  // CloudFormation dynamic references ({{resolve:ssm-secure:...}}, {{resolve:secretsmanager:...}}).
  { name: "a CloudFormation dynamic reference", pattern: /\{\{\s*resolve:/i },
  // Terraform / shell / CI interpolation left unrendered (${...}, $(...)), and Mustache-style templates.
  { name: "an unrendered $-brace interpolation", pattern: /\$\{/ },
  { name: "an unrendered $(...) substitution", pattern: /\$\(/ },
  { name: "an unrendered {{...}} template", pattern: /\{\{[^}]*\}\}/ },
  // ARNs of SSM parameters and Secrets Manager secrets.
  { name: "an AWS secret ARN", pattern: /^arn:aws[a-z-]*:(ssm|secretsmanager):/i },
  // Secret Manager resource names (projects/<p>/secrets/<s>[/versions/<v>]) and sm:// URLs.
  { name: "a GCP Secret Manager name", pattern: /(^|\/)projects\/[^/]+\/secrets\/[^/]+/i },
  { name: "a secret manager URL", pattern: /^(sm|gcpsm|secretsmanager|ssm|vault|op):\/\//i },
];

/**
 * Why `value` cannot be the origin secret, or undefined when it can. The
 * reason names the problem, never the value: it goes to the logs.
 */
export function originSecretProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return `${ORIGIN_SECRET.envVar} is not set`;
  const reference = UNRESOLVED_REFERENCES.find((r) => r.pattern.test(value));
  if (reference !== undefined) return `${ORIGIN_SECRET.envVar} is ${reference.name}, not a value: it did not resolve`;
  if (value.length < ORIGIN_SECRET_LENGTH) {
    return `${ORIGIN_SECRET.envVar} is ${value.length} characters, shorter than the ${ORIGIN_SECRET_LENGTH} generated`;
  }
  return undefined;
}
