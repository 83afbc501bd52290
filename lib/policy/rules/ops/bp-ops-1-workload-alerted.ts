import { defineRule } from "../../rule";
import { ALERT_TYPES, alertsOf, WORKLOAD_TYPES } from "./alerts";

export const workloadAlerted = defineRule({
  id: "BP_OPS_1",
  description: "Every workload target is watched by at least one alert",
  fix: "create the cloud's monitoring for the target (lib/<cloud>/monitoring.ts), or suppress with the reason the environment wants no alerts (monitoring.silenced)",
  level: "error",
  appliesTo: [...WORKLOAD_TYPES],
  check: ({ address, attributes, resources }) => {
    if (address === undefined || resources === undefined) return undefined;
    const watched = alertsOf(address, attributes, resources).length > 0;
    return watched ? undefined : `no alert (${ALERT_TYPES.join(", ")}) refers to ${address}`;
  },
});
