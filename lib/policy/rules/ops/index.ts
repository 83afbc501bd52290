/** Operations pack: workloads have alerts, alerts reach someone. */
import { workloadAlerted } from "./bp-ops-1-workload-alerted";
import { alertRouted } from "./bp-ops-2-alert-routed";

export const opsRules = [workloadAlerted, alertRouted] as const;
