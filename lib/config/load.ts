/**
 * Validates `environments/index.ts`: every environment file, with the company
 * settings filled in, against the schema, and the set as a whole (each name
 * equal to its file's, no name twice). Throws one ConfigError listing every
 * problem, each line starting with the file to edit:
 * `environments/<file>.ts: <env>.<field.path>: <what is wrong>`.
 */
import { type BootstrapConfig, checkBootstrap } from "./bootstrap";
import { type CompanyConfig, checkCompany, withCompanyDefaults } from "./company";
import { allowedKeysIn, ConfigError, formatIssues } from "./errors";
import { type EnvironmentConfig, environmentSchema } from "./schema";

/** Environment inputs by file: key `qa` is `environments/qa.ts`, in pipeline order. */
export type EnvironmentFiles = Readonly<Record<string, unknown>>;

/** Files of `environments/` that are not environments: no environment may take their name. */
export const RESERVED_ENVIRONMENT_NAMES = ["bootstrap", "company", "index"] as const;

/** The file an environment lives in, as error messages name it. */
export function environmentFile(key: string): string {
  return `environments/${key}.ts`;
}

function nameOf(input: unknown): string | undefined {
  const name = (input as { name?: unknown } | null)?.name;
  return typeof name === "string" && name.length > 0 ? name : undefined;
}

/** Every problem of `files` (validated against `company`), or their configs in file order. */
export function checkEnvironments(
  files: EnvironmentFiles,
  company: CompanyConfig,
): { readonly configs?: EnvironmentConfig[]; readonly problems: string[] } {
  const problems: string[] = [];
  const configs: EnvironmentConfig[] = [];
  const entries = Object.entries(files);
  if (entries.length === 0) problems.push("environments/index.ts: lists no environment; add at least one");
  const fileByName = new Map<string, string>();
  for (const [key, input] of entries) {
    const file = environmentFile(key);
    const name = nameOf(input);
    const label = name ?? key;
    const other = name === undefined ? undefined : fileByName.get(name);
    if ((RESERVED_ENVIRONMENT_NAMES as readonly string[]).includes(key)) {
      problems.push(`${file}: ${label}: "${key}" is reserved for environments/${key}.ts itself; choose another name`);
    } else if (other !== undefined) {
      problems.push(`${file}: ${label}.name: "${name}" is also the name in ${other}; environment names must be unique`);
    } else if (name !== undefined && name !== key) {
      problems.push(`${file}: ${label}.name: is "${name}"; it must equal the file name ("${key}")`);
    }
    if (name !== undefined && other === undefined) fileByName.set(name, file);
    const result = environmentSchema.safeParse(withCompanyDefaults(input, company));
    if (result.success) {
      configs.push({ ...result.data, company });
    } else {
      const lines = formatIssues(label, result.error.issues, (path) => allowedKeysIn(environmentSchema, path));
      problems.push(...lines.map((line) => `${file}: ${line}`));
    }
  }
  // Only among valid, uniquely named environments: otherwise a name problem shows twice.
  if (problems.length === 0) problems.push(...duplicateDomains(configs));
  return problems.length > 0 ? { problems } : { configs, problems };
}

/** Two environments on one hostname would take each other's Worker route and DNS records. */
function duplicateDomains(configs: readonly EnvironmentConfig[]): string[] {
  const fileByDomain = new Map<string, string>();
  const problems: string[] = [];
  for (const config of configs) {
    const domain = config.cloudflare.domain;
    const other = fileByDomain.get(domain);
    if (other === undefined) fileByDomain.set(domain, environmentFile(config.name));
    else {
      problems.push(
        `${environmentFile(config.name)}: ${config.name}.cloudflare.domain: "${domain}" is also the domain of ${other}; set a domain of its own`,
      );
    }
  }
  return problems;
}

/** Validates every environment file against the company settings; throws one ConfigError. */
export function loadEnvironments(files: EnvironmentFiles, company: CompanyConfig): EnvironmentConfig[] {
  const { configs, problems } = checkEnvironments(files, company);
  if (configs === undefined) throw new ConfigError(problems);
  return configs;
}

/**
 * Validates the company settings, the environments and the bootstrap config
 * together, so one run lists every problem of all three; throws one ConfigError.
 */
export function loadConfiguration(
  files: EnvironmentFiles,
  companyInput: unknown,
  bootstrapInput?: unknown,
): { configs: EnvironmentConfig[]; bootstrap?: BootstrapConfig } {
  const company = checkCompany(companyInput);
  // Without valid company settings every environment would fail for the company's reasons: report those alone.
  if (company.config === undefined) throw new ConfigError(company.problems, "company settings");
  const environments = checkEnvironments(files, company.config);
  const checked =
    bootstrapInput === undefined
      ? { problems: [] }
      : checkBootstrap(bootstrapInput, environments.configs, company.config);
  const problems = [...environments.problems, ...checked.problems];
  if (environments.configs === undefined || problems.length > 0) {
    throw new ConfigError(problems, checked.problems.length > 0 ? "configuration" : undefined);
  }
  return { configs: environments.configs, bootstrap: "config" in checked ? checked.config : undefined };
}
