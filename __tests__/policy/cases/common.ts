import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { TerraformOutput } from "cdktf";
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
];
