import { RULES } from "../../lib/gcp/naming";
import { resourcesOf, shippedEnvironments, synthEnvironment } from "../helpers/environments";
import { all, idOf, only, synthGcp, synthGcpFresh } from "./helpers";

type Probe = { http_get: { path: string; port: number }; period_seconds: number; timeout_seconds: number };
type Container = {
  image: string;
  ports: { container_port: number };
  env: { name: string; value?: string; value_source?: { secret_key_ref: { secret: string; version: string } } }[];
  resources: { limits: Record<string, string>; cpu_idle: boolean; startup_cpu_boost: boolean };
  startup_probe: Probe & { failure_threshold: number };
  liveness_probe: Probe & { failure_threshold: number };
};
type Run = {
  name: string;
  deletion_protection: boolean;
  ingress: string;
  depends_on: string[];
  template: {
    revision: string;
    service_account: string;
    timeout: string;
    max_instance_request_concurrency: number;
    scaling: { min_instance_count: number; max_instance_count: number };
    containers: Container[];
  };
  traffic: { type: string; revision: string; percent: number; tag?: string }[];
};

const run = (json: ReturnType<typeof synthGcp>["json"]) => only(json, "google_cloud_run_v2_service") as unknown as Run;
const REGISTRY = "europe-west1-docker.pkg.dev/blueprint-test-01/shop-test";

describe("GCP ContainerTarget", () => {
  describe("image and registry", () => {
    it("deploys the spec's image from the environment's Artifact Registry repository", () => {
      const { json } = synthGcp({ spec: { image: "ghcr.io/example/shop:1.2.3" } });
      expect(run(json).template.containers[0].image).toBe(`${REGISTRY}/shop:1.2.3`);
      const digest = `sha256:${"a".repeat(64)}`;
      expect(
        run(synthGcp({ spec: { image: `ghcr.io/example/shop@${digest}` } }).json).template.containers[0].image,
      ).toBe(`${REGISTRY}/shop@${digest}`);
      const inRegistry = "europe-west1-docker.pkg.dev/shared-images-01/team/shop:7";
      expect(run(synthGcp({ spec: { image: inRegistry } }).json).template.containers[0].image).toBe(inRegistry);
      expect(json.output?.gcp_registry_url.value).toBe(REGISTRY);
    });

    it("refuses an image without a version, since tags are immutable", () => {
      expect(() => synthGcp({ spec: { image: "ghcr.io/example/shop" } })).toThrow(/needs a tag or digest/);
      expect(() => synthGcp({ spec: { image: "ghcr.io/example/shop:latest" } })).toThrow(/uses "latest"/);
    });

    it("creates no repository: bootstrap's, named by the stack; a state from before forgets it", () => {
      const { json } = synthGcp({ env: { protect: true } });
      expect(json.resource?.google_artifact_registry_repository).toBeUndefined();
      expect((json as { removed?: unknown }).removed).toEqual([
        { from: expect.stringMatching(/^google_artifact_registry_repository\./), lifecycle: { destroy: false } },
      ]);
      // Nothing in the stack waits for a repository it does not make.
      expect(JSON.stringify(run(json).depends_on ?? [])).not.toContain("artifact_registry");
    });
  });

  describe("revision names", () => {
    it("names the revision after the service plus a hash of the template", () => {
      const { json, ct } = synthGcp();
      const { name, template } = run(json);
      expect(name).toBe("shop-test-run");
      expect(template.revision).toMatch(/^shop-test-run-[0-9a-f]{10}$/);
      expect(template.revision).toMatch(RULES.revision);
      expect(ct.revision).toBe(template.revision);
      expect(json.output?.gcp_container_revision.value).toBe(template.revision);
    });

    it("keeps the name when nothing changes and changes it with the image, sizes or variables", () => {
      const revision = (options: Parameters<typeof synthGcp>[0] = {}) => run(synthGcp(options).json).template.revision;
      const base = revision();
      expect(run(synthGcpFresh().json).template.revision).toBe(base);
      expect(revision({ spec: { image: "ghcr.io/example/shop:1.0.1" } })).not.toBe(base);
      expect(revision({ spec: { memoryMb: 1024 } })).not.toBe(base);
      expect(revision({ spec: { environmentVariables: { LOG_LEVEL: "debug" } } })).not.toBe(base);
      expect(revision({ spec: { healthPath: "/ready" } })).not.toBe(base);
      expect(revision({ originSecret: true })).not.toBe(base);
      // Traffic is not part of the template: a canary change keeps the revision.
      expect(revision({ env: { canaryPercent: 10 } })).toBe(base);
    });
  });

  it("probes the health path at startup and while live, on the container port", () => {
    const [container] = run(synthGcp().json).template.containers;
    expect(container.ports).toEqual({ container_port: 8080 });
    expect(container.startup_probe.http_get).toEqual({ path: "/healthz", port: 8080 });
    expect(container.liveness_probe.http_get).toEqual({ path: "/healthz", port: 8080 });
    for (const probe of [container.startup_probe, container.liveness_probe]) {
      expect(probe.timeout_seconds).toBeLessThanOrEqual(probe.period_seconds);
    }
    // Cloud Run allows a startup probe 240 s at most.
    expect(container.startup_probe.period_seconds * container.startup_probe.failure_threshold).toBeLessThanOrEqual(240);
  });

  it("scales, sizes and times out from the spec", () => {
    const { json } = synthGcp({
      env: { service: { memoryMb: 2048, timeoutSeconds: 60, minInstances: 1, maxInstances: 7 } },
    });
    const { template } = run(json);
    expect(template.scaling).toEqual({ min_instance_count: 1, max_instance_count: 7 });
    expect(template.max_instance_request_concurrency).toBe(80);
    expect(template.timeout).toBe("60s");
    expect(template.containers[0].resources).toEqual({
      limits: { cpu: "1", memory: "2048Mi" },
      cpu_idle: true,
      startup_cpu_boost: true,
    });
    expect(template.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: "LOG_LEVEL", value: "info" },
        { name: "SERVICE_VERSION", value: "1.0.0" },
      ]),
    );
  });

  it("runs as its own service account, made by bootstrap with no project roles", () => {
    const { json, settings } = synthGcp();
    expect(run(json).template.service_account).toBe(`shop-test-run@${settings.project}.iam.gserviceaccount.com`);
    expect(json.resource?.google_service_account).toBeUndefined();
    expect(json.resource?.google_project_iam_member).toBeUndefined();
  });

  describe("traffic", () => {
    const sum = (traffic: Run["traffic"]) => traffic.reduce((total, t) => total + t.percent, 0);

    it("sends everything to the new revision without a canary", () => {
      const { traffic, template } = run(synthGcp().json);
      expect(traffic).toEqual([
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: template.revision, percent: 100 },
      ]);
    });

    it("splits between the stable revision and the new one during a canary, summing to 100", () => {
      const stable = "shop-test-run-0123456789";
      const { json, ct } = synthGcp({ rollout: { newPercent: 10, stable } });
      const { traffic, template } = run(json);
      expect(traffic).toEqual([
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: stable, percent: 90, tag: "stable" },
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: template.revision, percent: 10, tag: "canary" },
      ]);
      expect(sum(traffic)).toBe(100);
      expect(ct.canary).toBe(true);
    });

    it("promote: everything to the new revision; rollback: everything back to the stable one", () => {
      const stable = "shop-test-run-0123456789";
      const promoted = run(synthGcp({ rollout: { newPercent: 100, stable } }).json);
      expect(promoted.traffic).toEqual([
        expect.objectContaining({ revision: promoted.template.revision, percent: 100 }),
      ]);
      const rolledBack = run(synthGcp({ rollout: { newPercent: 0, stable } }).json);
      expect(rolledBack.traffic).toEqual([expect.objectContaining({ revision: stable, percent: 100 })]);
      // The new revision's template stays: a rollback is a traffic change, not a new revision.
      expect(rolledBack.template.revision).toBe(promoted.template.revision);
    });

    it("sends everything to the new revision when it already is the stable one", () => {
      const revision = run(synthGcp().json).template.revision;
      const { json } = synthGcp({ rollout: { newPercent: 10, stable: revision } });
      expect(run(json).traffic).toEqual([expect.objectContaining({ revision, percent: 100 })]);
    });

    it("refuses a stable revision of another service", () => {
      expect(() => synthGcp({ rollout: { newPercent: 10, stable: "other-service-0123456789" } })).toThrow(
        /is not a revision of Cloud Run service "shop-test-run"/,
      );
    });
  });

  describe("deletion protection", () => {
    it("follows protect, never the provider's default", () => {
      expect(run(synthGcp({ env: { protect: false } }).json).deletion_protection).toBe(false);
      expect(run(synthGcp({ env: { protect: true } }).json).deletion_protection).toBe(true);
    });

    it("is on exactly in the protected shipped environments", () => {
      const onGcp = shippedEnvironments().filter((env) => env.clouds.includes("gcp"));
      // One protected and one unprotected environment cover both answers.
      for (const protect of [false, true]) {
        const env = onGcp.find((e) => e.protect === protect);
        if (env === undefined) continue;
        const { json } = synthEnvironment(env);
        const services = Object.values(resourcesOf(json, "google_cloud_run_v2_service"));
        expect([env.name, services.map((s) => s.deletion_protection)]).toEqual([env.name, [protect]]);
      }
    });
  });

  it("is publicly invocable only when publicInvoker is on", () => {
    const isServiceInvoker = (m: Record<string, unknown>) => String(m.name).includes("google_cloud_run_v2_service.");
    const { json } = synthGcp();
    const serviceId = idOf(json, "google_cloud_run_v2_service", () => true);
    expect(all(json, "google_cloud_run_v2_service_iam_member").filter(isServiceInvoker)).toEqual([
      expect.objectContaining({
        name: `\${google_cloud_run_v2_service.${serviceId}.name}`,
        role: "roles/run.invoker",
        member: "allUsers",
      }),
    ]);
    const closed = synthGcp({ settings: { publicInvoker: false } }).json;
    expect(all(closed, "google_cloud_run_v2_service_iam_member")).toEqual([]);
  });

  it("exposes the service's HTTPS URI as its endpoint, reachable from the internet", () => {
    const { json } = synthGcp();
    expect(json.output?.["container-endpoint"].value).toMatch(/^\$\{google_cloud_run_v2_service\.[^.]+\.uri\}$/);
    expect(run(json).ingress).toBe("INGRESS_TRAFFIC_ALL");
  });

  it("passes the origin secret as a Secret Manager reference, not a value", () => {
    const { json } = synthGcp({ originSecret: true });
    const secretId = idOf(json, "google_secret_manager_secret", (s) => s.secret_id === "shop-test-run-origin-secret");
    const env = run(json).template.containers[0].env;
    expect(env).toContainEqual({
      name: "ORIGIN_SECRET",
      value_source: {
        secret_key_ref: { secret: `\${google_secret_manager_secret.${secretId}.secret_id}`, version: "latest" },
      },
    });
    expect(env.find((e) => e.name === "ORIGIN_SECRET")).not.toHaveProperty("value");
    expect(run(json).depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^google_secret_manager_secret_version\./)]),
    );
    // The runtime account reads it through bootstrap's accessor on `<service>-<env>-...` secrets: no grant here.
    for (const secret of all(json, "google_secret_manager_secret"))
      expect(String(secret.secret_id)).toMatch(/^shop-test-/);
    expect(all(json, "google_secret_manager_secret_iam_member")).toEqual([]);
  });
});
