import { defineRule } from "../../rule";
import { ALERT_TYPES, WORKLOAD_TYPES } from "./alerts";

export const workloadAlerted = defineRule({
  id: "BP_OPS_1",
  description: "Every workload target is watched by at least one alert",
  fix: "create the cloud's monitoring for the target (lib/<cloud>/monitoring.ts), or suppress with the reason the environment wants no alerts (monitoring.silenced)",
  level: "error",
  appliesTo: [...WORKLOAD_TYPES],
  check: ({ address, attributes, resources }) => {
    if (address === undefined || resources === undefined) return undefined;
    // Alerts name a workload by reference (`${aws_lambda_function.x.function_name}`) or, in metric
    // filters, by its literal name (`resource.label."service_name"="shop-prod-run"`).
    const name = typeof attributes.name === "string" ? attributes.name : undefined;
    const named =
      name === undefined ? undefined : new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`);
    const watched = resources(ALERT_TYPES).some(
      (alert) => alert.text.includes(`${address}.`) || named?.test(alert.text) === true,
    );
    return watched ? undefined : `no alert (${ALERT_TYPES.join(", ")}) refers to ${address}`;
  },
});
