/**
 * `npm run doctor [-- <env>...]`: what `cdktf deploy <env>` needs on this
 * machine, each missing piece with what to do about it. Reads only names and
 * files: it never prints a value, and never calls a cloud.
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import type { Cloud, EnvironmentConfig } from "../lib/config/schema";
import { stateCloud } from "../lib/config/state";

/** What doctor may look at; the CLI passes the real machine, tests a stand-in. */
export interface Probe {
  /** The process environment (names are checked, values never printed). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `process.version`, e.g. `v20.19.0`. */
  readonly nodeVersion: string;
  /** Absolute path of `command` on PATH, or undefined. */
  which(command: string): string | undefined;
  /** First line of `<binary> version`, or undefined when it fails. */
  version(binary: string): string | undefined;
  /** Whether a file exists (and is not empty). */
  exists(path: string): boolean;
  /** The user's home folder. */
  readonly home: string;
  /** The repository root. */
  readonly root: string;
}

export interface Check {
  readonly ok: boolean;
  /** What was checked and what was found. */
  readonly what: string;
  /** What to do when it failed. */
  readonly fix?: string;
  /** Not verifiable from here: shown, not failing. */
  readonly unknown?: boolean;
}

/** The machine as it is: PATH lookups, `<binary> version`, files. */
export function realProbe(root: string): Probe {
  const env = process.env;
  return {
    env,
    nodeVersion: process.version,
    home: homedir(),
    root,
    which(command) {
      for (const dir of (env.PATH ?? "").split(delimiter)) {
        const path = join(dir, command);
        if (dir !== "" && existsSync(path) && statSync(path).isFile()) return path;
      }
      return undefined;
    },
    version(binary) {
      try {
        const out = execFileSync(binary, ["version"], {
          encoding: "utf8",
          timeout: 20_000,
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...env, CHECKPOINT_DISABLE: "1" },
        });
        return out.split("\n")[0].trim();
      } catch {
        return undefined;
      }
    },
    exists: (path) => existsSync(path) && statSync(path).size > 0,
  };
}

/** @returns 0 when every named environment can be deployed from here. */
const set = (probe: Probe, name: string) => (probe.env[name] ?? "") !== "";
const allSet = (probe: Probe, names: readonly string[]) => names.every((name) => set(probe, name));

/** `v20.19.0` >= `20.19`? */
export function versionAtLeast(version: string, minimum: string): boolean {
  const have = version.replace(/^v/, "").split(".").map(Number);
  const need = minimum.split(".").map(Number);
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) > need[i];
  }
  return true;
}

export function nodeCheck(probe: Probe, minimum: string): Check {
  const ok = versionAtLeast(probe.nodeVersion, minimum);
  return {
    ok,
    what: `Node ${probe.nodeVersion} (package.json needs >= ${minimum})`,
    fix: ok ? undefined : `install Node ${minimum} or newer (e.g. \`nvm install 20\`)`,
  };
}

/** tofu or terraform, as cdktf picks it: TERRAFORM_BINARY_NAME, else terraform. */
export function binaryCheck(probe: Probe): Check {
  const chosen = probe.env.TERRAFORM_BINARY_NAME;
  const candidates = chosen !== undefined && chosen !== "" ? [chosen] : ["terraform", "tofu"];
  for (const binary of candidates) {
    const path = probe.which(binary);
    if (path === undefined) continue;
    const version = probe.version(binary);
    const hint =
      binary === "tofu" && chosen !== "tofu" ? "; cdktf runs terraform unless TERRAFORM_BINARY_NAME=tofu is set" : "";
    if (binary === "tofu" && chosen !== "tofu") {
      return {
        ok: false,
        what: `tofu at ${path} (${version ?? "version unknown"})`,
        fix: `export TERRAFORM_BINARY_NAME=tofu${hint}`,
      };
    }
    return {
      ok: version !== undefined,
      what: `${binary} at ${path}: ${version ?? "`version` failed"}`,
      fix: version === undefined ? `check that \`${binary} version\` runs` : undefined,
    };
  }
  return {
    ok: false,
    what: `${candidates.join(" or ")}: not on PATH`,
    fix: "install OpenTofu (https://opentofu.org/docs/intro/install/) and export TERRAFORM_BINARY_NAME=tofu, or install Terraform",
  };
}

/** Credentials each cloud's provider reads: variables, or the CLI's login files. */
export function credentialCheck(probe: Probe, cloud: Cloud | "cloudflare"): Check {
  const home = (...parts: string[]) => join(probe.home, ...parts);
  switch (cloud) {
    case "aws": {
      const sources: [string, boolean][] = [
        ["AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", allSet(probe, ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])],
        ["AWS_PROFILE", set(probe, "AWS_PROFILE")],
        [
          "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE",
          allSet(probe, ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"]),
        ],
        ["~/.aws/credentials", probe.exists(home(".aws", "credentials"))],
        ["~/.aws/config (aws sso login)", probe.exists(home(".aws", "config"))],
      ];
      return found(
        "AWS",
        sources,
        "set AWS_PROFILE (after `aws sso login`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      );
    }
    case "azure": {
      const client = set(probe, "ARM_CLIENT_ID");
      const sources: [string, boolean][] = [
        ["ARM_CLIENT_ID and ARM_CLIENT_SECRET", client && set(probe, "ARM_CLIENT_SECRET")],
        ["ARM_CLIENT_ID and ARM_USE_OIDC", client && set(probe, "ARM_USE_OIDC")],
        ["ARM_USE_MSI", set(probe, "ARM_USE_MSI")],
        ["az login (~/.azure/azureProfile.json)", probe.exists(home(".azure", "azureProfile.json"))],
      ];
      return found("Azure", sources, "run `az login`, or set ARM_CLIENT_ID and ARM_CLIENT_SECRET (and ARM_TENANT_ID)");
    }
    case "gcp": {
      const file = probe.env.GOOGLE_APPLICATION_CREDENTIALS;
      const sources: [string, boolean][] = [
        ["GOOGLE_APPLICATION_CREDENTIALS", file !== undefined && file !== "" && probe.exists(file)],
        ["GOOGLE_CREDENTIALS", set(probe, "GOOGLE_CREDENTIALS")],
        [
          "gcloud auth application-default login",
          probe.exists(home(".config", "gcloud", "application_default_credentials.json")),
        ],
      ];
      return found(
        "GCP",
        sources,
        "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a key file",
      );
    }
    case "cloudflare": {
      const sources: [string, boolean][] = [
        ["CLOUDFLARE_API_TOKEN", set(probe, "CLOUDFLARE_API_TOKEN")],
        ["CLOUDFLARE_API_KEY and CLOUDFLARE_EMAIL", allSet(probe, ["CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL"])],
      ];
      return found(
        "Cloudflare",
        sources,
        "export CLOUDFLARE_API_TOKEN (a token with Workers, DNS and zone settings edit rights)",
      );
    }
  }
}

function found(cloud: string, sources: readonly [string, boolean][], fix: string): Check {
  const hit = sources.find(([, ok]) => ok);
  return hit === undefined
    ? { ok: false, what: `${cloud} credentials: none found (${sources.map(([name]) => name).join("; ")})`, fix }
    : { ok: true, what: `${cloud} credentials: ${hit[0]}` };
}

/** What the environment's state backend needs beyond the cloud credentials. */
export function stateCheck(probe: Probe, env: EnvironmentConfig): Check {
  switch (env.backend.type) {
    case "local":
      return { ok: true, what: `state: local file terraform.${env.name}.tfstate` };
    case "http": {
      const missing = ["TF_HTTP_USERNAME", "TF_HTTP_PASSWORD"].filter((name) => !set(probe, name));
      const { host, projectId } = env.company.gitlab;
      return missing.length === 0
        ? {
            ok: true,
            what: `state: GitLab-managed on ${host} (project ${projectId}), TF_HTTP_USERNAME and TF_HTTP_PASSWORD set`,
          }
        : {
            ok: false,
            what: `state: GitLab-managed on ${host} (project ${projectId}); ${missing.join(" and ")} not set`,
            fix: `export TF_HTTP_USERNAME=<your GitLab user> TF_HTTP_PASSWORD=<personal access token with api scope> (the address is synthesized from environments/company.ts)`,
          };
    }
    case "cloud":
      return {
        ok: true,
        what: `state: the store bootstrap created in ${stateCloud(env, env.backend.cloud)}, through the cloud credentials above (the environment's own identities only)`,
      };
    default:
      return { ok: true, what: `state: ${env.backend.type} backend, through the cloud credentials above` };
  }
}

/**
 * The bootstrap stack creates what environments read (Azure resource groups,
 * CI identities); with its default local state, its state file shows it ran.
 */
export function bootstrapCheck(probe: Probe, bootstrapBackend: string): Check {
  if (bootstrapBackend !== "local") {
    return {
      ok: true,
      unknown: true,
      what: `bootstrap: state in the ${bootstrapBackend} backend, not checked from here`,
      fix: "`npx cdktf output bootstrap` shows its outputs once it is deployed",
    };
  }
  const file = join(probe.root, "terraform.bootstrap.tfstate");
  return probe.exists(file)
    ? { ok: true, what: "bootstrap: deployed (terraform.bootstrap.tfstate present)" }
    : {
        ok: false,
        what: "bootstrap: no terraform.bootstrap.tfstate, so its outputs are unknown",
        fix: "deploy it first, as an administrator: `npx cdktf deploy bootstrap` (docs/bootstrap.md)",
      };
}

/**
 * Values that only stand in for a company's own: the documentation domains
 * (RFC 2606: `example` under .com, .net or .org; .test, .example, .invalid), ids made of
 * one repeated character or a counting sequence, all-zero UUIDs and runs of
 * zeros. A deploy with one of them fails late (an account that is not yours, a
 * zone that does not exist), so doctor names the file and field first.
 */
export function isPlaceholder(value: string | number): boolean {
  const text = String(value).toLowerCase();
  if (/(^|\.)example\.(com|net|org)$|\.(test|example|invalid|localhost)$/.test(text)) return true;
  if (/^(.)\1+$/.test(text.replaceAll("-", ""))) return true;
  if (/^0{8}-0{4}-0{4}-0{4}-/.test(text)) return true;
  const hex = "0123456789abcdef";
  const plain = text.replaceAll("-", "");
  if (plain.length >= 8 && /^[0-9a-f]+$/.test(plain)) {
    const up = hex.repeat(4);
    const down = [...hex].reverse().join("").repeat(4);
    if (up.includes(plain) || down.includes(plain) || "1234567890".repeat(4).includes(plain)) return true;
  }
  // `blueprint-dev-000001`: a counter padded with zeros; `example/...`: the documentation's own group.
  return /-0{4,}\d?$/.test(text) || /^example\//.test(text) || /\/example\//.test(text);
}

/** Where a placeholder was found: the file to edit and the field. */
export interface PlaceholderField {
  readonly file: string;
  readonly field: string;
  readonly value: string | number | undefined;
}

/** The ids and names of the company, each environment and the bootstrap tenant, as doctor checks them. */
export function configuredIds(
  company: EnvironmentConfig["company"],
  envs: readonly EnvironmentConfig[],
  azureTenant?: string,
): PlaceholderField[] {
  const fields: PlaceholderField[] = [
    { file: "environments/company.ts", field: "company.domain", value: company.domain },
    { file: "environments/company.ts", field: "company.gitlab.projectPath", value: company.gitlab.projectPath },
    { file: "environments/company.ts", field: "company.gitlab.projectId", value: company.gitlab.projectId },
    { file: "environments/company.ts", field: "company.cloudflare.accountId", value: company.cloudflare.accountId },
    { file: "environments/company.ts", field: "company.cloudflare.zoneId", value: company.cloudflare.zoneId },
    { file: "environments/company.ts", field: "company.containerImage", value: company.containerImage },
  ];
  for (const env of envs) {
    const file = `environments/${env.name}.ts`;
    if (env.clouds.includes("aws"))
      fields.push({ file, field: `${env.name}.aws.accountId`, value: env.aws?.accountId });
    if (env.clouds.includes("azure")) {
      fields.push({ file, field: `${env.name}.azure.subscriptionId`, value: env.azure?.subscriptionId });
    }
    if (env.clouds.includes("gcp")) fields.push({ file, field: `${env.name}.gcp.project`, value: env.gcp?.project });
    if (env.cloudflare.domain !== company.domain) {
      fields.push({ file, field: `${env.name}.cloudflare.domain`, value: env.cloudflare.domain });
    }
  }
  if (azureTenant !== undefined) {
    fields.push({ file: "environments/bootstrap.ts", field: "bootstrap.azure.tenantId", value: azureTenant });
  }
  return fields;
}

/** One check per file: FAIL naming every placeholder still in it. */
export function placeholderChecks(fields: readonly PlaceholderField[]): Check[] {
  const byFile = new Map<string, PlaceholderField[]>();
  for (const field of fields) {
    if (field.value === undefined || !isPlaceholder(field.value)) continue;
    byFile.set(field.file, [...(byFile.get(field.file) ?? []), field]);
  }
  if (byFile.size === 0) return [{ ok: true, what: "ids and names: none looks like a placeholder" }];
  return [...byFile].map(([file, found]) => ({
    ok: false,
    what: `${file}: placeholder ${found.map((f) => `${f.field} (${f.value})`).join(", ")}`,
    fix: `replace ${found.length === 1 ? "it" : "them"} with your own (docs/forking.md, the fork checklist)`,
  }));
}

/** Every check for deploying `env`. */
export function environmentChecks(probe: Probe, env: EnvironmentConfig): Check[] {
  return [
    ...env.clouds.map((cloud) => credentialCheck(probe, cloud)),
    credentialCheck(probe, "cloudflare"),
    stateCheck(probe, env),
  ];
}

export function formatChecks(title: string, checks: readonly Check[]): string {
  const lines = checks.map((check) => {
    const mark = check.unknown ? "?   " : check.ok ? "ok  " : "FAIL";
    const fix = !check.ok || check.unknown ? (check.fix === undefined ? "" : `\n        -> ${check.fix}`) : "";
    return `  ${mark}  ${check.what}${fix}`;
  });
  return [title, ...lines].join("\n");
}
