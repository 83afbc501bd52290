/** The GCP entry of the stack's cloud registry: provider, Cloud Functions 2nd gen, Cloud Run. */
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import type { CloudModule } from "../contract/cloud";
import { gcpLabels } from "../policy/tags";
import { ContainerTarget } from "./container-target";
import { FunctionTarget } from "./function-target";
import { GcpMonitoring } from "./monitoring";
import type { GcpSettings } from "./settings";
import { GCP_LIMITS } from "./validation";

export const gcpCloud: CloudModule<GcpSettings> = {
  limits: GCP_LIMITS,
  region: (settings) => settings.region,
  addProvider: (scope, settings, tags) => {
    const provider = new GoogleProvider(scope, "google", { project: settings.project, region: settings.region });
    // Not `defaultLabels`: cdktf snake-cases map keys in provider blocks (managed-by -> managed_by),
    // so the labels would not match the other clouds' tags. An override is written as given.
    provider.addOverride("default_labels", gcpLabels(tags));
    return provider;
  },
  addTargets: (scope, props) => [
    new FunctionTarget(scope, "gcp-function", props),
    new ContainerTarget(scope, "gcp-container", { ...props, rollout: props.rollouts?.container }),
  ],
  addMonitoring: (scope, props) => {
    new GcpMonitoring(scope, "gcp-monitoring", props);
  },
  // Cloud Functions replace their code in place (Cloud Run splits between revisions); uptime checks probe the
  // origins, a minute apart.
  edge: { splitKinds: ["function"], selfSplitKinds: [], probesOrigins: false, proberRank: 1 },
};
