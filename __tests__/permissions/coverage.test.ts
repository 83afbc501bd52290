import { AWS_MANAGED_POLICY_TABLE, AWS_POLICY_SOURCES } from "../../lib/aws/permissions";
import { azureWorkloadIdentities } from "../../lib/azure/identity";
import { AZURE_ROLE_SOURCE, AZURE_ROLE_TABLE } from "../../lib/azure/permissions";
import { AZURE_ROLES } from "../../lib/bootstrap/azure";
import { GCP_ROLES, GCP_SCOPED_ROLES } from "../../lib/bootstrap/gcp";
import {
  BOOTSTRAP_PERMISSIONS,
  ENVIRONMENT_PERMISSIONS,
  environmentPermissionGaps,
  type ProviderPermissions,
  PUBLISH_PERMISSIONS,
} from "../../lib/bootstrap/permissions";
import { gcpWorkloadAccounts } from "../../lib/gcp/identity";
import { GCP_ROLE_SOURCE, GCP_ROLE_TABLE } from "../../lib/gcp/permissions";
import {
  coverageGaps,
  type Grant,
  grantsAllowing,
  matches,
  type Purpose,
  providerOf,
  stackResourceTypes,
} from "../../lib/permissions/coverage";
import type { PolicyReport } from "../../lib/policy/report";
import { formatSummary } from "../../lib/stacks/synth";
import { synthBootstrap } from "../bootstrap/helpers";
import {
  COMPANY,
  environmentConfig,
  shippedEnvironments,
  synthEnvironment,
  type TerraformJson,
} from "../helpers/environments";

const PURPOSES: readonly Purpose[] = ["plan", "deploy"];

describe("permission coverage of the shipped environments", () => {
  const stacks = new Map(shippedEnvironments().map((config) => [config.name, synthEnvironment(config).json]));
  // A fork may turn clouds off or stay on a free zone; an environment with every cloud on, on a Business
  // zone it owns (Cloudflare health checks and zone alerts), protected with its state in AWS (a fork
  // without AWS keeps it elsewhere), keeps each provider's grants under test.
  const everyCloud = synthEnvironment(
    environmentConfig({
      protect: true,
      deploy: { gate: "manual", tier: "production" },
      backend: { type: "cloud", cloud: "aws" },
      cloudflare: {
        accountId: COMPANY.cloudflare.accountId,
        zoneId: COMPANY.cloudflare.zoneId,
        plan: "business",
        zoneShared: false,
        domain: `every-cloud.${COMPANY.domain}`,
      },
    }),
  ).json;
  /** Every resource type of every shipped environment and of the every-cloud one, as one stack. */
  const union = {
    // The state backends too (aws_state_backend: a protected environment's own bucket and key).
    terraform: {
      backend: Object.assign({}, ...[...stacks.values(), everyCloud].map((json) => json.terraform?.backend ?? {})),
    },
    resource: Object.assign({}, ...[...stacks.values(), everyCloud].map((json) => json.resource ?? {})),
    data: Object.assign({}, ...[...stacks.values(), everyCloud].map((json) => json.data ?? {})),
  } as TerraformJson;

  it.each([...stacks.keys()])("%s: the plan and deploy identities cover every resource type", (name) => {
    const json = stacks.get(name) as TerraformJson;
    for (const purpose of PURPOSES) {
      expect({ purpose, gaps: environmentPermissionGaps(json, purpose) }).toEqual({ purpose, gaps: [] });
    }
  });

  it("an environment with every cloud on is covered too", () => {
    for (const purpose of PURPOSES) {
      expect({ purpose, gaps: environmentPermissionGaps(everyCloud, purpose) }).toEqual({ purpose, gaps: [] });
    }
  });

  it("GCP: the deploy account can create every GCP resource the stacks synthesize, monitoring included", () => {
    const types = stackResourceTypes(union).filter((t) => providerOf(t) === "google");
    expect(types).toEqual(expect.arrayContaining(["google_monitoring_alert_policy", "google_monitoring_slo"]));
    const google = ENVIRONMENT_PERMISSIONS.google;
    expect(coverageGaps(types, google.map, google.grants("deploy"), "deploy")).toEqual([]);
  });

  it("fails on a resource type with no entry, naming it", () => {
    const json: TerraformJson = { ...union, resource: { ...union.resource, aws_sqs_queue: { queue: {} } } };
    for (const purpose of PURPOSES) {
      expect(environmentPermissionGaps(json, purpose)).toEqual([
        expect.stringMatching(
          /^aws \w+ \(lib\/bootstrap\/aws\.ts, lib\/bootstrap\/state\/aws\.ts\): aws_sqs_queue has no entry in the cloud's permission map/,
        ),
      ]);
    }
    const data: TerraformJson = { ...union, data: { ...union.data, google_project: { here: {} } } };
    expect(environmentPermissionGaps(data, "plan")).toEqual([
      expect.stringContaining("data.google_project has no entry"),
    ]);
  });

  it("fails on a provider with no map, naming its types", () => {
    const json: TerraformJson = { ...union, resource: { ...union.resource, kubernetes_namespace: { ns: {} } } };
    expect(environmentPermissionGaps(json, "deploy")).toEqual([
      "kubernetes: no permission map for kubernetes_namespace (lib/bootstrap/permissions.ts)",
    ]);
  });

  // Every grant of every identity is needed: without it, some shipped environment's stack is not covered.
  const grants = Object.entries(ENVIRONMENT_PERMISSIONS).flatMap(([provider, entry]) =>
    PURPOSES.flatMap((purpose) => entry.grants(purpose).map((grant) => [provider, purpose, grant.name] as const)),
  );

  it.each(grants)("fails when %s %s loses %s", (provider, purpose, name) => {
    const entry = ENVIRONMENT_PERMISSIONS[provider];
    const without: ProviderPermissions = {
      ...entry,
      grants: (p) => entry.grants(p).filter((grant) => p !== purpose || grant.name !== name),
    };
    const gaps = environmentPermissionGaps(union, purpose, { ...ENVIRONMENT_PERMISSIONS, [provider]: without });
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((gap) => gap.startsWith(`${provider} ${purpose} `))).toBe(true);
  });

  it("checks every grant bootstrap gives (the registry and the bootstrap constants agree)", () => {
    const names = (provider: string, purpose: Purpose) =>
      ENVIRONMENT_PERMISSIONS[provider].grants(purpose).map((g) => g.name);
    expect(names("google", "deploy")).toEqual(
      expect.arrayContaining([...GCP_ROLES.deploy, ...Object.keys(GCP_SCOPED_ROLES.deploy)]),
    );
    expect(names("google", "plan")).toEqual(
      expect.arrayContaining([...GCP_ROLES.plan, ...Object.keys(GCP_SCOPED_ROLES.plan)]),
    );
    expect(names("azurerm", "deploy")).toEqual(expect.arrayContaining([...AZURE_ROLES.deploy]));
    expect(names("azurerm", "plan")).toEqual(expect.arrayContaining([...AZURE_ROLES.plan]));
  });
});

describe("permissions of the bootstrap stack", () => {
  const json = synthBootstrap();

  it("maps every resource type, and the administrator roles docs/bootstrap.md asks for cover them", () => {
    for (const purpose of PURPOSES) {
      expect({ purpose, gaps: environmentPermissionGaps(json, purpose, BOOTSTRAP_PERMISSIONS) }).toEqual({
        purpose,
        gaps: [],
      });
    }
  });

  it("would fail for a GCP administrator without Role Administrator (bootstrap creates a custom role)", () => {
    const google = BOOTSTRAP_PERMISSIONS.google;
    const without: ProviderPermissions = {
      ...google,
      grants: (p) => google.grants(p).filter((g) => g.name !== "roles/iam.roleAdmin"),
    };
    expect(environmentPermissionGaps(json, "deploy", { ...BOOTSTRAP_PERMISSIONS, google: without })).toEqual([
      expect.stringMatching(/google_project_iam_custom_role needs .*iam\.roles\.create/),
    ]);
  });
});

describe("role tables", () => {
  it("date and source every table", () => {
    for (const source of [GCP_ROLE_SOURCE, AZURE_ROLE_SOURCE, ...Object.values(AWS_POLICY_SOURCES)]) {
      expect(source.doc).toMatch(/^https:\/\//);
      expect(source.date).toMatch(/^\d{4}-\d{2}-\d{2}/);
    }
    expect(Object.keys(AWS_POLICY_SOURCES).sort()).toEqual(Object.keys(AWS_MANAGED_POLICY_TABLE).sort());
  });

  it("hold the roles bootstrap gives the workload's identities", () => {
    // Azure: bootstrap assigns them all (the deploy identities assign none).
    const azureRoles = Object.values(
      azureWorkloadIdentities({ functionIdentity: "f", containerIdentity: "c" }),
    ).flatMap((identity) => identity.roles);
    expect(azureRoles).toContain("Key Vault Secrets User");
    for (const role of azureRoles)
      expect({ role, id: AZURE_ROLE_TABLE[role]?.id }).toEqual({ role, id: expect.any(String) });
    // The project roles bootstrap gives the workload's GCP accounts.
    const workloadRoles = Object.values(gcpWorkloadAccounts({ service: "svc", environment: "env" })).flatMap(
      (a) => a.projectRoles,
    );
    expect(workloadRoles.length).toBeGreaterThan(0);
    for (const role of workloadRoles) expect(GCP_ROLE_TABLE[role]?.length).toBeGreaterThan(0);
  });
});

describe("permission matching", () => {
  const grant = (statements: Grant["statements"]): Grant[] => [{ name: "g", statements }];
  const covers = (statements: Grant["statements"], permission: string) =>
    coverageGaps(["t"], { t: { plan: [permission], deploy: [] } }, grant(statements), "plan").length === 0;

  it("matches wildcards anywhere, ignoring case", () => {
    expect(matches("lambda:Get*", "lambda:GetFunction")).toBe(true);
    expect(matches("*/read", "Microsoft.Web/sites/read")).toBe(true);
    expect(matches("Microsoft.Authorization/*/Write", "microsoft.authorization/roleassignments/write")).toBe(true);
    expect(matches("lambda:Get*", "lambda:ListFunctions")).toBe(false);
    expect(matches("run.services.get", "run.services.getIamPolicy")).toBe(false);
  });

  it("honours a statement's exceptions (AWS NotAction, Azure notActions)", () => {
    const power = [{ allow: ["*"], except: ["iam:*"] }];
    expect(covers(power, "lambda:CreateFunction")).toBe(true);
    expect(covers(power, "iam:CreateRole")).toBe(false);
  });

  it("never lets a control-plane wildcard grant a data-plane action", () => {
    expect(covers([{ allow: ["*"] }], "data:Microsoft.KeyVault/vaults/secrets/getSecret/action")).toBe(false);
    expect(
      covers(
        [{ allow: ["data:Microsoft.KeyVault/vaults/secrets/*"] }],
        "data:Microsoft.KeyVault/vaults/secrets/getSecret/action",
      ),
    ).toBe(true);
  });

  it("matches a statement of many patterns, of both planes, each against the whole permission", () => {
    const mixed = [
      {
        allow: ["s3:Get*", "run.services.get", "data:Microsoft.Storage/*/read", "Microsoft.Web/sites/(x)"],
        except: ["s3:GetObject", "data:*/blobs/read"],
      },
    ];
    expect(covers(mixed, "s3:getbucketpolicy")).toBe(true);
    expect(covers(mixed, "run.services.get")).toBe(true);
    expect(covers(mixed, "Microsoft.Web/sites/(x)")).toBe(true);
    expect(covers(mixed, "data:Microsoft.Storage/queues/read")).toBe(true);
    // each pattern anchored whole: no prefix or suffix of one matches, nor a pattern of the other plane
    expect(covers(mixed, "run.services.getIamPolicy")).toBe(false);
    expect(covers(mixed, "x:s3:GetBucket")).toBe(false);
    expect(covers(mixed, "Microsoft.Storage/queues/read")).toBe(false);
    expect(covers(mixed, "data:s3:GetBucket")).toBe(false);
    // the exceptions, per plane
    expect(covers(mixed, "s3:GetObject")).toBe(false);
    expect(covers(mixed, "data:Microsoft.Storage/containers/blobs/read")).toBe(false);
    expect(covers([{ allow: ["data:*"], except: ["s3:*"] }], "data:s3:Get")).toBe(true);
  });

  it("asks deploy for the plan permissions too: an apply refreshes first", () => {
    const map = { t: { plan: ["x:Read"], deploy: ["x:Write"] } };
    expect(coverageGaps(["t"], map, grant([{ allow: ["x:Write"] }]), "deploy")).toEqual([
      { resourceType: "t", kind: "missing", permissions: ["x:Read"] },
    ]);
  });
});

describe("the synth summary", () => {
  const summary = (permissionGaps: string[]) => ({
    name: "qa",
    file: "cdktf.out/stacks/qa/cdk.tf.json",
    resourcesByProvider: { aws: 1 },
    policy: { stack: "qa", findings: [], annotations: [] } satisfies PolicyReport,
    permissionGaps,
  });

  it("says when the identities cover every resource type, and lists each gap by stack when not", () => {
    expect(formatSummary([summary([])])).toMatch(
      /\nPermissions: the CI identities hold what every resource type needs/,
    );
    const gap = "aws plan (lib/bootstrap/aws.ts): aws_sqs_queue has no entry in the cloud's permission map";
    expect(formatSummary([summary([gap])])).toMatch(
      new RegExp(`\\nPermissions: 1 gap .*:\\n {2}qa: ${gap.replace(/[()]/g, "\\$&")}$`),
    );
  });
});

describe("permission coverage of the publish identity", () => {
  it.each(Object.keys(PUBLISH_PERMISSIONS) as (keyof typeof PUBLISH_PERMISSIONS)[])(
    "lets publish:<env> push on %s, and reaches nothing beyond the registry",
    (cloud) => {
      const { needs, within, grants } = PUBLISH_PERMISSIONS[cloud];
      const held = grants();
      expect(needs.filter((need) => grantsAllowing(held, need).length === 0)).toEqual([]);
      const allowed = held.flatMap((grant) => grant.statements.flatMap((statement) => statement.allow));
      expect(allowed.filter((permission) => !within.test(permission) || permission.includes("*"))).toEqual([]);
    },
  );
});
