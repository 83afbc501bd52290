/**
 * Nothing secret is ever synthesized: the real synth (cdktf.json's app command,
 * which `npm run synth` and the cdktf CLI run) with fake credentials in every
 * variable the providers, the state backend and CI read. None may appear in
 * the output folder, in any file, in any encoding JSON gives it, nor in what
 * the app prints; and every output that carries a secret is marked sensitive.
 * The app runs as `cdktf deploy <env>` runs it (a child of the CLI's process,
 * CDKTF_OUTDIR set), the one run of the whole app in a process of the fast
 * tier (helpers/shipped-app.ts, run once for every test that reads the shipped
 * synth, helpers' shippedSynth): that run also shows the deploy hint
 * (tools/deploy-hint.test.ts checks its text) printed before Terraform would start.
 */
import { environments } from "../../environments";
import { credentialIn, secretReferences } from "../../lib/policy/rules/common/secrets";
import { SHIPPED_NAMES, type ShippedSynth, shippedSynth } from "../helpers/environments";
import { FAKE_SECRETS } from "../helpers/shipped-app";

/** The forms a value can take in a file: as is, inside a JSON string, and a distinctive fragment of it. */
function forms(value: string): string[] {
  const inJson = JSON.stringify(value).slice(1, -1);
  return [...new Set([value, inJson, value.slice(5, 25)])];
}

describe("no secret is synthesized", () => {
  let deploy: ShippedSynth;
  /** Every file the app wrote, by path relative to its output folder. */
  let files: Record<string, string>;
  beforeAll(() => {
    deploy = shippedSynth();
    if (deploy.code !== 0) throw new Error(`the app exited ${deploy.code}: ${deploy.err.join("\n")}`);
    files = Object.fromEntries(
      Object.entries(deploy.files).map(([path, base64]) => [path, Buffer.from(base64, "base64").toString("utf8")]),
    );
  });

  it("prints what the machine misses before Terraform starts (the deploy hint), and no secret", () => {
    const env = SHIPPED_NAMES[0];
    const stdout = deploy.out.join("\n");
    expect(stdout).toContain(`cdktf deploy ${env}: Terraform will stop on what this machine is missing:`);
    expect(stdout).toContain("terraform or tofu: not on PATH");
    expect(stdout).toContain(`npm run doctor -- ${env}`);
    for (const [variable, value] of Object.entries(FAKE_SECRETS)) {
      for (const form of forms(value)) {
        if (`${stdout}${deploy.err.join("\n")}`.includes(form))
          throw new Error(`the app printed the value of ${variable}`);
      }
    }
  });

  it("writes the stacks it should", () => {
    const stacks = [...Object.keys(environments), "bootstrap"].map((name) => `stacks/${name}/cdk.tf.json`);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["manifest.json", ...stacks]));
  });

  it.each(Object.keys(FAKE_SECRETS))("no file contains %s", (variable) => {
    for (const [path, text] of Object.entries(files)) {
      for (const form of forms(FAKE_SECRETS[variable])) {
        if (text.includes(form)) throw new Error(`${path} contains the value of ${variable}`);
      }
    }
  });

  it("marks every output that carries a secret sensitive", () => {
    const stacks = Object.keys(files).filter((path) => /^stacks\/[^/]+\/cdk\.tf\.json$/.test(path));
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      const json = JSON.parse(files[stack]) as {
        output?: Record<string, { value: unknown; sensitive?: boolean }>;
      };
      for (const [name, output] of Object.entries(json.output ?? {})) {
        const references = secretReferences(JSON.stringify(output.value));
        if (references.length > 0 && output.sensitive !== true) {
          throw new Error(`${stack}: output ${name} carries ${references.join(", ")} but is not sensitive`);
        }
      }
    }
  });

  it("recognizes the secret references that output check relies on", () => {
    // Terraform interpolation text, as resolved tokens read in cdk.tf.json.
    const ref = (address: string) => `\${${address}}`;
    expect(secretReferences(ref("random_password.origin.result"))).toEqual(["random_password.origin.result"]);
    expect(secretReferences(JSON.stringify({ k: ref("azurerm_storage_account.st.primary_access_key") }))).toEqual([
      "azurerm_storage_account.st.primary_access_key",
    ]);
    expect(secretReferences(ref("data.google_secret_manager_secret_version.s.secret_data"))).toEqual([
      "data.google_secret_manager_secret_version.s.secret_data",
    ]);
    expect(secretReferences(ref("cloudflare_api_token.t.value"))).toEqual(["cloudflare_api_token.t.value"]);
    const harmless = `${ref("aws_lambda_function.f.arn")} ${ref("google_secret_manager_secret.s.secret_id")}`;
    expect(secretReferences(harmless)).toEqual([]);
  });
});

describe("credentialIn", () => {
  // One sample per kind, built in pieces so no scanner mistakes this file for a leak.
  const samples: [string, string][] = [
    ["an AWS access key id", `${"AKIA"}IOSFODNN7EXAMPLE`],
    ["a private key", `-----BEGIN ${"RSA PRIVATE"} KEY-----\n${"A".repeat(64)}`],
    ["a Google service account key", `"private_key_id": "${"a".repeat(40)}"`],
    ["a Google API key", `${"AIza"}${"B".repeat(35)}`],
    ["a Google OAuth client secret", `${"GOCSPX"}-${"c".repeat(28)}`],
    ["a GitLab token", `${"glpat"}-${"d".repeat(20)}`],
    ["a GitHub token", `${"ghp"}_${"e".repeat(36)}`],
    ["a Slack token", `${"xoxb"}-${"1".repeat(10)}`],
    ["a Slack webhook URL", `https://hooks.slack.com/services/T0AB12/B0CD34/${"f".repeat(16)}`],
    ["an Azure storage key", `${"AccountKey"}=${"g".repeat(40)}`],
    ["a JSON Web Token (e.g. an OIDC token)", `${"eyJ"}${"h".repeat(10)}.${"eyJ"}${"i".repeat(10)}.${"j".repeat(10)}`],
    ["a Stripe secret key", `${"sk_live"}_${"k".repeat(16)}`],
    ["an npm token", `${"npm"}_${"l".repeat(36)}`],
    ["a SendGrid API key", `${"SG"}.${"m".repeat(16)}.${"n".repeat(16)}`],
    ["an OpenAI or Anthropic API key", `${"sk"}-${"o".repeat(32)}`],
    ["a bearer token", `${"Bearer"} ${"p".repeat(16)}`],
    ["a basic-auth credential", `Basic ${Buffer.from("admin:hunter2hunter2").toString("base64")}`],
    ["a password in a URL", `postgres://app:${"s3cr3t"}@db.internal:5432/app`],
  ];

  it.each(samples)("finds %s, alone or inside other text", (kind, sample) => {
    expect(credentialIn(sample)).toBe(kind);
    expect(credentialIn(`value: ${sample} (end)`)).toBe(kind);
  });

  it("finds nothing in ordinary settings and references", () => {
    for (const text of [
      "https://api.example.net/v1/items",
      "Basic authentication is off",
      `${"$"}{aws_iam_role.r.arn}`,
    ]) {
      expect(credentialIn(text)).toBeUndefined();
    }
  });
});
