/** Cloudflare pack. */
import { dnsRecordComment } from "./bp-cf-1-dns-record-comment";
import { zoneMinTls } from "./bp-cf-2-zone-min-tls";
import { zoneSslStrict } from "./bp-cf-3-zone-ssl-strict";
import { zoneAlwaysHttps } from "./bp-cf-4-zone-always-https";
import { workerNoPlainTextSecrets } from "./bp-cf-5-worker-no-plain-text-secrets";
import { workerSecretNotLiteral } from "./bp-cf-6-worker-secret-not-literal";
import { workerObservability } from "./bp-cf-7-worker-observability";

export const cloudflareRules = [
  dnsRecordComment,
  zoneMinTls,
  zoneSslStrict,
  zoneAlwaysHttps,
  workerNoPlainTextSecrets,
  workerSecretNotLiteral,
  workerObservability,
] as const;
