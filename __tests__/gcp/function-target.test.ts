import { gcpWorkloadAccounts } from "../../lib/gcp/identity";
import { FUNCTION_ENTRY_POINT, FUNCTION_RUNTIME } from "../../lib/gcp/workload";
import { all, fakeBundle, idOf, only, synthGcp } from "./helpers";

/** The test environment's project: where bootstrap made the workload's accounts. */
const PROJECT = synthGcp().settings.project;

type Fn = {
  name: string;
  build_config: {
    runtime: string;
    entry_point: string;
    service_account: string;
    source: { storage_source: { bucket: string; object: string } };
  };
  service_config: Record<string, unknown> & {
    environment_variables: Record<string, string>;
    secret_environment_variables?: { key: string; secret: string; version: string }[];
  };
  depends_on: string[];
};

describe("GCP FunctionTarget", () => {
  it("runs the GCP bundle on Node 22 with the workload entry point", () => {
    const { json } = synthGcp();
    const fn = only(json, "google_cloudfunctions2_function") as unknown as Fn;
    expect(FUNCTION_RUNTIME).toBe("nodejs22");
    expect(fn.build_config.runtime).toBe("nodejs22");
    expect(fn.build_config.entry_point).toBe(FUNCTION_ENTRY_POINT);
    expect(fn.build_config.entry_point).toBe("workload");
  });

  it("uploads the bundle as an object named by its SHA-256, so a code change changes the plan", () => {
    const v1 = fakeBundle("code v1");
    const v2 = fakeBundle("code v2");
    const first = synthGcp({ bundle: v1 }).json;
    const object = only(first, "google_storage_bucket_object");
    expect(object.name).toBe(`${v1.sha256}.zip`);
    expect(object.source).toBe(
      `assets/gcp-function_bundle_${String(object.source).split("_bundle_")[1].split("/")[0]}/${v1.sha256}/gcp.zip`,
    );
    const fn = only(first, "google_cloudfunctions2_function") as unknown as Fn;
    const objectId = idOf(first, "google_storage_bucket_object", () => true);
    const bucketId = idOf(first, "google_storage_bucket", () => true);
    expect(fn.build_config.source.storage_source).toEqual({
      bucket: `\${google_storage_bucket.${bucketId}.name}`,
      object: `\${google_storage_bucket_object.${objectId}.name}`,
    });
    expect(only(synthGcp({ bundle: v1 }).json, "google_storage_bucket_object").name).toBe(`${v1.sha256}.zip`);
    expect(only(synthGcp({ bundle: v2 }).json, "google_storage_bucket_object").name).toBe(`${v2.sha256}.zip`);
  });

  it("keeps the source bucket private, uniform, versioned, and prunes old zips", () => {
    const bucket = only(synthGcp().json, "google_storage_bucket");
    expect(bucket).toEqual(
      expect.objectContaining({
        location: "europe-west1",
        uniform_bucket_level_access: true,
        public_access_prevention: "enforced",
        versioning: { enabled: true },
        force_destroy: true,
      }),
    );
    expect(bucket.lifecycle_rule).toEqual([
      { action: { type: "Delete" }, condition: { days_since_noncurrent_time: 30, with_state: "ARCHIVED" } },
    ]);
    expect(bucket).not.toHaveProperty("lifecycle");
  });

  it("protects the source bucket in production", () => {
    const bucket = only(synthGcp({ env: { protect: true } }).json, "google_storage_bucket");
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("sizes the function from the spec", () => {
    const { json, spec, settings } = synthGcp({
      env: { service: { memoryMb: 768, timeoutSeconds: 45, minInstances: 2, maxInstances: 9 } },
    });
    const fn = only(json, "google_cloudfunctions2_function") as unknown as Fn;
    expect(fn.service_config).toEqual(
      expect.objectContaining({
        available_memory: "768Mi",
        available_cpu: "1",
        timeout_seconds: 45,
        min_instance_count: 2,
        max_instance_count: 9,
        max_instance_request_concurrency: 80,
        ingress_settings: "ALLOW_ALL",
      }),
    );
    expect(fn.service_config.environment_variables).toEqual({
      LOG_EXECUTION_ID: "true",
      ...spec.environmentVariables,
      SERVICE_NAME: spec.name,
      SERVICE_VERSION: spec.version,
      SERVICE_ENVIRONMENT: spec.environment,
      // Cloud Functions sets no region variable: without this the workload reported "unknown".
      REGION: settings.region,
      CLOUD: "gcp",
    });
    expect(fn.service_config).not.toHaveProperty("secret_environment_variables");
  });

  it("runs and builds as dedicated service accounts bootstrap made, never the default compute account", () => {
    const { json } = synthGcp();
    const fn = only(json, "google_cloudfunctions2_function") as unknown as Fn;
    const email = (id: string) => `${id}@${PROJECT}.iam.gserviceaccount.com`;
    expect(fn.service_config.service_account_email).toBe(email("shop-test-fn"));
    expect(fn.build_config.service_account).toBe(`projects/${PROJECT}/serviceAccounts/${email("shop-test-fn-build")}`);
    // The stack makes no account and grants no project role: bootstrap does (lib/bootstrap/workload/gcp.ts).
    expect(json.resource?.google_service_account).toBeUndefined();
    expect(json.resource?.google_project_iam_member).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(
      /-compute@developer\.gserviceaccount\.com|@cloudbuild\.gserviceaccount\.com/,
    );
  });

  it("has bootstrap grant the build account the function builder role and read of the source bucket: the stack grants nothing", () => {
    const { json } = synthGcp();
    const accounts = gcpWorkloadAccounts({ service: "shop", environment: "test" });
    expect(accounts.functionBuild.projectRoles).toEqual(["roles/run.builder"]);
    // The runtime identity calls no Google API: no project role at all.
    expect(accounts.functionRuntime.projectRoles).toEqual([]);
    // Object read on the environment's buckets, `shop-test-...` (bootstrap's name condition), the source bucket among them.
    expect(accounts.functionBuild.resourceRoles).toEqual({ "roles/storage.objectViewer": "buckets" });
    expect(String(only(json, "google_storage_bucket").name)).toMatch(/^shop-test-/);
    expect(all(json, "google_storage_bucket_iam_member")).toEqual([]);
    expect(Object.keys(json.resource ?? {}).filter((type) => /_iam_(member|binding|policy)$/.test(type))).toEqual([
      "google_cloud_run_v2_service_iam_member",
    ]);
  });

  it("grants public invocation on the function's Cloud Run service only when publicInvoker is on", () => {
    const isFunctionInvoker = (m: Record<string, unknown>) =>
      String(m.name).includes("google_cloudfunctions2_function");
    const open = all(synthGcp().json, "google_cloud_run_v2_service_iam_member").filter(isFunctionInvoker);
    expect(open).toEqual([
      expect.objectContaining({
        role: "roles/run.invoker",
        member: "allUsers",
        location: "europe-west1",
        name: expect.stringMatching(/^\$\{google_cloudfunctions2_function\.[^.]+\.service_config\[0\]\.service\}$/),
      }),
    ]);
    const closed = synthGcp({ settings: { publicInvoker: false } }).json;
    expect(all(closed, "google_cloud_run_v2_service_iam_member").filter(isFunctionInvoker)).toEqual([]);
  });

  it("exposes the function's HTTPS service URI as its endpoint", () => {
    const { json } = synthGcp();
    expect(json.output?.["function-endpoint"].value).toMatch(
      /^\$\{google_cloudfunctions2_function\.[^.]+\.service_config\[0\]\.uri\}$/,
    );
  });

  it("passes the origin secret through Secret Manager, read by the runtime account through bootstrap's grant", () => {
    const { json } = synthGcp({ originSecret: true });
    const fn = only(json, "google_cloudfunctions2_function") as unknown as Fn;
    const secretId = idOf(json, "google_secret_manager_secret", (s) => s.secret_id === "shop-test-fn-origin-secret");
    expect(fn.service_config.secret_environment_variables).toEqual([
      {
        key: "ORIGIN_SECRET",
        project_id: "blueprint-test-01",
        secret: `\${google_secret_manager_secret.${secretId}.secret_id}`,
        version: "latest",
      },
    ]);
    expect(fn.service_config.environment_variables).not.toHaveProperty("ORIGIN_SECRET");
    const versions = all(json, "google_secret_manager_secret_version");
    expect(versions).toContainEqual(
      expect.objectContaining({
        secret: `\${google_secret_manager_secret.${secretId}.id}`,
        secret_data: expect.stringMatching(/^\$\{var\.origin-secret\}$/),
      }),
    );
    // Read through bootstrap's secret accessor on `shop-test-...` (lib/bootstrap/workload/gcp.ts): no grant here.
    expect(gcpWorkloadAccounts({ service: "shop", environment: "test" }).functionRuntime.resourceRoles).toEqual({
      "roles/secretmanager.secretAccessor": "secrets",
    });
    expect(all(json, "google_secret_manager_secret_iam_member")).toEqual([]);
    expect(all(json, "google_project_service").map((s) => s.service)).toContain("secretmanager.googleapis.com");
  });

  it("reads the spec's secret names from existing secrets of the same id", () => {
    const { json } = synthGcp({ spec: { secretNames: ["API_KEY"] } });
    const fn = only(json, "google_cloudfunctions2_function") as unknown as Fn;
    expect(fn.service_config.secret_environment_variables).toEqual([
      { key: "API_KEY", project_id: "blueprint-test-01", secret: "API_KEY", version: "latest" },
    ]);
    expect(all(json, "google_secret_manager_secret")).toEqual([]);
    // Bootstrap's accessor names the service's secretNames (lib/bootstrap/workload/gcp.ts): the stack grants nothing.
    expect(all(json, "google_secret_manager_secret_iam_member")).toEqual([]);
  });

  it("rejects a spec GCP cannot run, naming every problem", () => {
    expect(() => synthGcp({ spec: { memoryMb: 64, minInstances: 5, maxInstances: 2, healthPath: "healthz" } })).toThrow(
      /service\.memoryMb: 64 must be a whole number of MB, at least 128\n.*service\.minInstances: 5 is greater than maxInstances \(2\)\n.*SERVICE\.healthPath: "healthz"/,
    );
    expect(() => synthGcp({ spec: { secretNames: ["not-an-env-name"] } })).toThrow(
      /SERVICE\.secretNames: "not-an-env-name" is not a variable name/,
    );
    expect(() => synthGcp({ spec: { timeoutSeconds: 4000 } })).toThrow(
      /service\.timeoutSeconds: 4000 is above the maximum of 3600 on Cloud Functions/,
    );
  });
});
