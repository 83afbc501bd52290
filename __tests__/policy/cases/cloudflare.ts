import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { WorkersScript, type WorkersScriptConfig } from "@cdktf/provider-cloudflare/lib/workers-script";
import { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import type { TerraformStack } from "cdktf";
import { passwordResult } from "../helpers";
import type { RuleCase } from "./types";

const zoneId = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
// The provider types `value` as a map, but most settings take a plain string.
const setting = (s: TerraformStack, settingId: string, value: string) =>
  new ZoneSetting(s, "subject", { zoneId, settingId, value: value as unknown as Record<string, string> });
const worker = (patch: Partial<WorkersScriptConfig> = {}): WorkersScriptConfig => ({
  accountId: "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0",
  scriptName: "shop-edge",
  content: "export default { fetch() { return new Response('ok') } }",
  mainModule: "worker.js",
  observability: { enabled: true },
  ...patch,
});
const record = { zoneId, name: "api.test.example.net", type: "CNAME", content: "x.example.net", ttl: 1 };

export const cloudflareCases: RuleCase[] = [
  {
    rule: "BP_CF_1",
    fail: (s) => new DnsRecord(s, "subject", { ...record, comment: " " }),
    // StandardTagsAspect writes the comment.
    pass: (s) => new DnsRecord(s, "subject", record),
  },
  {
    rule: "BP_CF_2",
    fail: (s) => setting(s, "min_tls_version", "1.0"),
    pass: [(s) => setting(s, "min_tls_version", "1.2"), (s) => setting(s, "tls_1_3", "on")],
  },
  {
    rule: "BP_CF_3",
    fail: [(s) => setting(s, "ssl", "full"), (s) => setting(s, "ssl", "flexible")],
    pass: (s) => setting(s, "ssl", "strict"),
  },
  {
    rule: "BP_CF_4",
    fail: (s) => setting(s, "always_use_https", "off"),
    pass: (s) => setting(s, "always_use_https", "on"),
  },
  {
    rule: "BP_CF_5",
    fail: [
      (s) =>
        new WorkersScript(
          s,
          "subject",
          worker({ bindings: [{ name: "ORIGIN_SECRET", type: "plain_text", text: "x" }] }),
        ),
      (s) =>
        new WorkersScript(
          s,
          "subject",
          worker({ bindings: [{ name: "ORIGIN_HEADER", type: "plain_text", text: passwordResult(s) }] }),
        ),
    ],
    pass: (s) =>
      new WorkersScript(
        s,
        "subject",
        worker({
          bindings: [
            { name: "ORIGIN_SECRET", type: "secret_text", text: passwordResult(s) },
            { name: "ROUTES", type: "plain_text", text: '{"aws.function":20}' },
            { name: "ORIGIN_SECRET_HEADER", type: "plain_text", text: "x-origin-secret" },
          ],
        }),
      ),
  },
  {
    rule: "BP_CF_6",
    fail: (s) =>
      new WorkersScript(
        s,
        "subject",
        worker({ bindings: [{ name: "ORIGIN_SECRET", type: "secret_text", text: "typed-into-the-code" }] }),
      ),
    pass: (s) =>
      new WorkersScript(
        s,
        "subject",
        worker({ bindings: [{ name: "ORIGIN_SECRET", type: "secret_text", text: passwordResult(s) }] }),
      ),
  },
  {
    rule: "BP_CF_7",
    fail: (s) => new WorkersScript(s, "subject", worker({ observability: undefined })),
    pass: (s) => new WorkersScript(s, "subject", worker()),
  },
];
