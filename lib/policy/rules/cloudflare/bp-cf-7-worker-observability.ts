import { block, defineRule, isKnown } from "../../rule";

export const workerObservability = defineRule({
  id: "BP_CF_7",
  description: "Workers keep logs (Workers observability)",
  fix: "set observability: { enabled: true }",
  level: "warning",
  appliesTo: ["cloudflare_workers_script", "cloudflare_worker"],
  check: ({ attributes }) => {
    const enabled = block(attributes, "observability").enabled;
    return !isKnown(enabled) || enabled === true ? undefined : "observability.enabled is not true";
  },
});
