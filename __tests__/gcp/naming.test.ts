import {
  bucketName,
  fitName,
  RULES,
  repositoryId,
  revisionName,
  runServiceName,
  secretId,
  serviceAccountId,
  stableJson,
} from "../../lib/gcp/naming";
import { all, only, synthGcp, synthGcpFresh } from "./helpers";

// The longest names the config allows: a 16-character service, a 20-character environment.
const LONG = { service: "abcdefghijklmnop", environment: "qrstuvwxyzabcdefghij" };
const SHORT = { service: "shop", environment: "dev" };

describe("GCP names", () => {
  it("derives readable names from service and environment", () => {
    expect(serviceAccountId(SHORT, "fn")).toBe("shop-dev-fn");
    expect(runServiceName(SHORT, "run")).toBe("shop-dev-run");
    expect(repositoryId(SHORT)).toBe("shop-dev");
    expect(secretId(SHORT, "run-origin-secret")).toBe("shop-dev-run-origin-secret");
    expect(bucketName(SHORT, "blueprint-dev-000001", "fn-src")).toMatch(/^shop-dev-fn-src-[0-9a-f]{8}$/);
  });

  it("keeps every name valid with the longest service and environment names", () => {
    for (const role of ["fn", "fn-build", "run"]) {
      const id = serviceAccountId(LONG, role);
      expect(id).toMatch(RULES.serviceAccountId);
      expect(id.length).toBeGreaterThanOrEqual(6);
      expect(id.length).toBeLessThanOrEqual(30);
    }
    for (const kind of ["fn", "run"] as const) expect(runServiceName(LONG, kind).length).toBeLessThanOrEqual(49);
    expect(bucketName(LONG, "a-very-long-project-id-0001", "fn-src")).toMatch(RULES.bucket);
    expect(bucketName(LONG, "a-very-long-project-id-0001", "fn-src").length).toBeLessThanOrEqual(63);
    expect(repositoryId(LONG)).toMatch(RULES.repository);
    const service = runServiceName(LONG, "run");
    expect(revisionName(service, { image: "x" })).toMatch(RULES.revision);
    expect(revisionName(service, { image: "x" }).length).toBeLessThanOrEqual(63);
  });

  it("shortens with a hash of the full name, so long names that share a start stay distinct", () => {
    const a = serviceAccountId(LONG, "fn");
    const b = serviceAccountId(LONG, "fn-build");
    expect(a).not.toBe(b);
    expect(fitName("x".repeat(40), 30)).toMatch(/^x{23}-[0-9a-f]{6}$/);
    expect(fitName("ab--cd-", 30)).toBe("ab-cd");
  });

  it("is stable across calls and unique per project for buckets", () => {
    expect(bucketName(SHORT, "p-one-0001", "fn-src")).toBe(bucketName(SHORT, "p-one-0001", "fn-src"));
    expect(bucketName(SHORT, "p-one-0001", "fn-src")).not.toBe(bucketName(SHORT, "p-two-0002", "fn-src"));
  });

  it("refuses bucket names Cloud Storage reserves", () => {
    expect(() => bucketName({ service: "google-app", environment: "dev" }, "p-one-0001", "fn-src")).toThrow(
      /may not start with "goog" or contain "google"/,
    );
  });

  it("fingerprints values independently of key order", () => {
    expect(stableJson({ b: 1, a: { d: 2, c: 3 } })).toBe(stableJson({ a: { c: 3, d: 2 }, b: 1 }));
    expect(revisionName("svc", { a: 1, b: 2 })).toBe(revisionName("svc", { b: 2, a: 1 }));
    expect(revisionName("svc", { a: 1 })).not.toBe(revisionName("svc", { a: 2 }));
  });

  it("synthesizes valid names for a long service and environment", () => {
    const { json } = synthGcp({ env: { name: LONG.environment }, spec: { name: LONG.service } });
    for (const account of all(json, "google_service_account")) {
      expect(account.account_id).toMatch(RULES.serviceAccountId);
    }
    expect(only(json, "google_storage_bucket").name).toMatch(RULES.bucket);
    expect(only(json, "google_cloudfunctions2_function").name).toMatch(RULES.runService);
    const run = only(json, "google_cloud_run_v2_service");
    expect(run.name).toMatch(RULES.runService);
    expect((run.template as { revision: string }).revision).toMatch(RULES.revision);
    // The repository is bootstrap's; the stack names it in gcp_registry_url.
    expect(String(json.output?.gcp_registry_url.value).split("/").at(-1)).toMatch(RULES.repository);
  });

  it("gives the same names on every synth", () => {
    const names = () => {
      const { json } = synthGcpFresh();
      return [
        ...all(json, "google_service_account").map((a) => a.account_id),
        only(json, "google_storage_bucket").name,
        (only(json, "google_cloud_run_v2_service").template as { revision: string }).revision,
      ];
    };
    expect(names()).toEqual(names());
  });
});
