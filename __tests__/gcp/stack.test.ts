import { environmentConfig, resourcesOf, synthEnvironment } from "../helpers/environments";

const gcpOnly = {
  clouds: ["gcp"],
  aws: undefined,
  azure: undefined,
  weights: { "gcp.function": 60, "gcp.container": 40 },
};

describe("EnvironmentStack with GCP", () => {
  it("adds the function and container origins when GCP is enabled", () => {
    const { stack, json } = synthEnvironment(environmentConfig(gcpOnly));
    expect(stack.origins.map((o) => o.id)).toEqual(["gcp.function", "gcp.container"]);
    for (const origin of stack.origins) expect(origin.endpoint).toEqual(expect.any(String));
    expect(Object.keys(resourcesOf(json, "google_cloudfunctions2_function"))).toHaveLength(1);
    expect(Object.keys(resourcesOf(json, "google_cloud_run_v2_service"))).toHaveLength(1);
  });

  it("uploads the stack's own GCP bundle", () => {
    const { stack, json } = synthEnvironment(environmentConfig(gcpOnly));
    const [object] = Object.values(resourcesOf(json, "google_storage_bucket_object"));
    expect(object.name).toBe(`${stack.bundles.gcp.sha256}.zip`);
  });

  it("creates no GCP resource when GCP is off", () => {
    const { stack, json } = synthEnvironment(
      environmentConfig({ clouds: ["aws"], azure: undefined, gcp: undefined, weights: { "aws.function": 100 } }),
    );
    expect(stack.origins.filter((o) => o.id.startsWith("gcp."))).toEqual([]);
    expect(Object.keys(json.resource ?? {}).filter((type) => type.startsWith("google_"))).toEqual([]);
  });
});
