/** Operations pack: workloads have alerts, alerts reach someone. */
import { workloadAlerted } from "./bp-ops-1-workload-alerted";
import { alertRouted } from "./bp-ops-2-alert-routed";
import { burnPairs } from "./bp-ops-3-burn-pairs";
import { routeReceiver } from "./bp-ops-4-route-receiver";

export const opsRules = [workloadAlerted, alertRouted, burnPairs, routeReceiver] as const;
