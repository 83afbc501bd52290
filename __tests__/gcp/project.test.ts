import { TerraformStack } from "cdktf";
import { gcpWorkloadAccounts, ServiceIdentity } from "../../lib/gcp/identity";
import { ProjectLogRetention } from "../../lib/gcp/logs";
import { testApp } from "../helpers/environments";
import { all, only, synthGcp } from "./helpers";

describe("GCP project setup", () => {
  it("enables each API the targets need once, and never disables it on destroy", () => {
    const services = all(synthGcp().json, "google_project_service");
    expect(services.map((s) => s.service).sort()).toEqual([
      "artifactregistry.googleapis.com",
      "cloudbuild.googleapis.com",
      "cloudfunctions.googleapis.com",
      "cloudresourcemanager.googleapis.com",
      "iam.googleapis.com",
      "logging.googleapis.com",
      "run.googleapis.com",
      "storage.googleapis.com",
    ]);
    for (const service of services) {
      expect(service).toEqual(
        expect.objectContaining({
          project: "blueprint-test-01",
          disable_on_destroy: false,
          disable_dependent_services: false,
        }),
      );
    }
  });

  it("creates service accounts after the IAM API is on", () => {
    const { json } = synthGcp();
    for (const account of all(json, "google_service_account")) {
      expect(account.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/project-services_iam_/)]));
    }
  });

  it("keeps logs for the spec's retention in the project's _Default bucket", () => {
    const { json } = synthGcp({
      env: { service: { memoryMb: 256, timeoutSeconds: 10, minInstances: 0, maxInstances: 2, logRetentionDays: 45 } },
    });
    expect(only(json, "google_logging_project_bucket_config")).toEqual(
      expect.objectContaining({
        project: "blueprint-test-01",
        location: "global",
        bucket_id: "_Default",
        retention_days: 45,
      }),
    );
  });

  it("refuses a retention Cloud Logging does not accept", () => {
    expect(() => synthGcp({ spec: { logRetentionDays: 3653 } })).toThrow(/Cloud Logging keeps logs 1 to 3650 days/);
  });

  it("refuses two retentions in one project", () => {
    const stack = new TerraformStack(testApp(), "logs");
    ProjectLogRetention.of(stack, "p-one-0001", 30, []);
    expect(ProjectLogRetention.of(stack, "p-one-0001", 30, [])).toBeDefined();
    expect(() => ProjectLogRetention.of(stack, "p-one-0001", 60, [])).toThrow(/project-wide/);
  });

  it("never grants basic roles", () => {
    const stack = new TerraformStack(testApp(), "identity");
    const identity = new ServiceIdentity(stack, "id", {
      project: "p-one-0001",
      accountId: "shop-dev-fn",
      displayName: "x",
    });
    for (const role of ["roles/owner", "roles/editor", "roles/viewer", "*"]) {
      expect(() => identity.grantProjectRole(role)).toThrow(/refusing to grant/);
    }
    expect(() => new ServiceIdentity(stack, "short", { project: "p", accountId: "abc", displayName: "x" })).toThrow(
      /6-30 lowercase/,
    );
  });

  it("grants no project role: bootstrap grants the function build account its one (lib/bootstrap/workload/gcp.ts)", () => {
    expect(all(synthGcp({ originSecret: true }).json, "google_project_iam_member")).toEqual([]);
    const accounts = Object.values(gcpWorkloadAccounts({ service: "shop", environment: "test" }));
    expect(accounts.flatMap((a) => a.projectRoles)).toEqual(["roles/run.builder"]);
  });
});
