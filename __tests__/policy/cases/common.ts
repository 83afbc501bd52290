import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { TerraformOutput, type TerraformStack } from "cdktf";
import { fakeResource, passwordResult } from "../helpers";
import type { RuleCase } from "./types";

export const commonCases: RuleCase[] = [
  {
    rule: "BP_COMMON_1",
    fail: [
      (s) => new TerraformOutput(s, "subject", { value: passwordResult(s) }),
      (s) =>
        new TerraformOutput(s, "subject", {
          value: {
            url: "https://x",
            key: fakeResource(s, "sa", "azurerm_storage_account").getStringAttribute("primary_access_key"),
          },
        }),
    ],
    pass: [
      (s) => new TerraformOutput(s, "subject", { value: passwordResult(s), sensitive: true }),
      (s) =>
        new TerraformOutput(s, "subject", {
          value: fakeResource(s, "secret", "google_secret_manager_secret").getStringAttribute("secret_id"),
        }),
    ],
  },
  {
    rule: "BP_COMMON_2",
    fail: [
      (s) => new TerraformOutput(s, "subject", { value: `${"AKIA"}IOSFODNN7EXAMPLE` }),
      (s) => new TerraformOutput(s, "subject", { value: { token: `${"glpat"}-abcdefghijklmnopqrstuvwxyz` } }),
    ],
    pass: (s) => new TerraformOutput(s, "subject", { value: "https://shop.example.net" }),
  },
  {
    rule: "BP_COMMON_3",
    fail: [
      (s) => new AwsProvider(s, "subject", { region: "eu-west-1", alias: "keys", secretKey: "x", accessKey: "y" }),
      (s) => new CloudflareProvider(s, "subject", { alias: "token", apiToken: "z" }),
    ],
    pass: (s) => new AwsProvider(s, "subject", { region: "eu-west-1", alias: "plain" }),
  },
  {
    rule: "BP_COMMON_4",
    fail: [
      (s) => settings(s, "aws_lambda_function", "environment", { variables: { ORIGIN_SECRET: passwordResult(s) } }),
      (s) => settings(s, "azurerm_function_app_flex_consumption", "app_settings", { TOKEN: passwordResult(s) }),
      (s) =>
        settings(s, "azurerm_container_app", "template", {
          container: [{ name: "app", env: [{ name: "KEY", value: passwordResult(s) }] }],
        }),
      (s) =>
        settings(s, "google_cloud_run_v2_service", "template", {
          containers: [{ env: [{ name: "K", value: `${"AKIA"}IOSFODNN7EXAMPLE` }] }],
        }),
      (s) =>
        settings(s, "google_cloudfunctions2_function", "service_config", {
          environment_variables: {
            DB: fakeResource(s, "secret", "azurerm_key_vault_secret").getStringAttribute("value"),
          },
        }),
    ],
    pass: [
      (s) =>
        settings(s, "aws_lambda_function", "environment", {
          variables: { ORIGIN_SECRET_PARAMETER: "/svc/env/function/ORIGIN_SECRET", LOG_LEVEL: "info" },
        }),
      (s) =>
        settings(s, "azurerm_function_app_flex_consumption", "app_settings", {
          ORIGIN_SECRET: `@Microsoft.KeyVault(SecretUri=${fakeResource(s, "secret", "azurerm_key_vault_secret").getStringAttribute("versionless_id")})`,
        }),
      (s) =>
        settings(s, "google_cloud_run_v2_service", "template", {
          containers: [
            {
              env: [
                {
                  name: "ORIGIN_SECRET",
                  value_source: {
                    secret_key_ref: {
                      secret: fakeResource(s, "secret", "google_secret_manager_secret").getStringAttribute("secret_id"),
                    },
                  },
                },
              ],
            },
          ],
        }),
    ],
  },
];

/** A block of `type` whose `attribute` is `value`, as the rule reads it from cdk.tf.json. */
function settings(scope: TerraformStack, type: string, attribute: string, value: unknown): void {
  fakeResource(scope, "subject", type).addOverride(attribute, value);
}
