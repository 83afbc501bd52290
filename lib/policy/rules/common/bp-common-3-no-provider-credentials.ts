import { defineRule } from "../../rule";

// Provider and backend arguments that carry credentials. Each provider reads them from its
// environment variables (AWS_*, ARM_*, GOOGLE_*, CLOUDFLARE_API_TOKEN, TF_HTTP_*) instead.
const CREDENTIAL_ARGUMENTS = new Set([
  "access_key",
  "secret_key",
  "token",
  "client_secret",
  "client_certificate",
  "client_certificate_password",
  "oidc_token",
  "credentials",
  "access_token",
  "api_token",
  "api_key",
  "api_user_service_key",
  "password",
  "sas_token",
]);

export const noProviderCredentials = defineRule({
  id: "BP_COMMON_3",
  description: "Providers and backends get credentials from the environment, never from the configuration",
  fix: "remove the argument and export the provider's environment variable (or use CI OIDC) instead",
  level: "error",
  appliesTo: ["provider.*", "backend.*"],
  check: ({ attributes }) => {
    const set = Object.keys(attributes).filter((key) => CREDENTIAL_ARGUMENTS.has(key) && attributes[key] !== undefined);
    return set.length === 0 ? undefined : `sets ${set.join(", ")}`;
  },
});
