/**
 * The deploy account sets IAM on the environment's own Cloud Run services
 * only (bootstrap's invoker role, under `gcpNameCondition("services", ...)`):
 * every service the environment stack opens to the public must be named
 * within that condition, or its deploy is refused. A rename that leaves the
 * prefix fails here, not at apply.
 */
import { gcpOwnPrefix } from "../../lib/bootstrap/gcp";
import { gcpNameCondition } from "../../lib/gcp/identity";
import { gcpConditionHolds } from "../bootstrap/helpers";
import { referenced } from "../helpers/terraform";
import { all, type GcpStackOptions, synthGcp } from "./helpers";

/** The Cloud Run service each public invoker grant of the stack is on, by name. */
function invokedServices(options: GcpStackOptions) {
  const { json, spec, settings } = synthGcp(options);
  const services = all(json, "google_cloud_run_v2_service_iam_member").map((grant) => {
    const target = referenced(json, String(grant.name).replace(".service_config[0].service}", ".service_config}"));
    // A 2nd gen function is served by a Cloud Run service of the function's name
    // (https://cloud.google.com/run/docs/resource-model#functions).
    return { type: target.type, name: String(target.resource.name), location: String(grant.location) };
  });
  return { services, spec, project: settings.project };
}

const serviceResource = (project: string, location: string, name: string) => ({
  type: "run.googleapis.com/Service",
  // https://cloud.google.com/iam/docs/conditions-resource-attributes: projects/PROJECT/locations/LOCATION/services/SERVICE
  name: `projects/${project}/locations/${location}/services/${name}`,
});

describe("the public invoker's services and the deploy account's name condition", () => {
  it.each<[string, GcpStackOptions]>([
    ["the test environment", {}],
    // The longest names the spec and the config accept (16 and 20 characters).
    ["the longest names", { spec: { name: "s".repeat(16) }, env: { name: `e${"n".repeat(19)}` } }],
  ])("every service the stack opens is within the condition of %s", (_what, options) => {
    const { services, spec, project } = invokedServices(options);
    expect(services.map((s) => s.type).sort()).toEqual([
      "google_cloud_run_v2_service",
      "google_cloudfunctions2_function",
    ]);
    const own = gcpNameCondition("services", gcpOwnPrefix(spec.name, spec.environment, "services"));
    const other = gcpNameCondition("services", gcpOwnPrefix(spec.name, `x${spec.environment}`, "services"));
    for (const { name, location } of services) {
      const resource = serviceResource(project, location, name);
      expect({ name, own: gcpConditionHolds(own, resource) }).toEqual({ name, own: true });
      // Another environment's condition (`x<env>`, whose prefix none of these names start with) does not reach it.
      expect({ name, other: gcpConditionHolds(other, resource) }).toEqual({ name, other: false });
    }
  });
});
