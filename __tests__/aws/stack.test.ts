import { itWithCloud } from "../helpers/clouds";
import { environmentConfig, shippedEnvironments, synthEnvironment, type TerraformJson } from "../helpers/environments";
import { all, only, type Statement, statements } from "./helpers";

/** Every IAM-style policy document in the stack: role trust and inline policies, key and bucket policies. */
function policies(json: TerraformJson): [string, Statement[]][] {
  const found: [string, Statement[]][] = [];
  for (const [type, attribute] of [
    ["aws_iam_role", "assume_role_policy"],
    ["aws_iam_role_policy", "policy"],
    ["aws_kms_key", "policy"],
    ["aws_s3_bucket_policy", "policy"],
  ] as const) {
    for (const [id, resource] of Object.entries(json.resource?.[type] ?? {})) {
      found.push([`${type}.${id}`, statements(resource[attribute])]);
    }
  }
  return found;
}

describe("AWS in EnvironmentStack", () => {
  const shipped = shippedEnvironments().map((config) => ({ config, ...synthEnvironment(config) }));
  // A fork may turn AWS off in some or all environments: the shipped cases read those that enable it.
  const withAws = shipped.filter(({ config }) => config.clouds.includes("aws"));
  const itWithAws = itWithCloud("aws");

  itWithAws("adds the function and container origins when AWS is enabled", () => {
    for (const { stack } of withAws) {
      expect(stack.origins.filter((o) => o.id.startsWith("aws.")).map((o) => o.id)).toEqual([
        "aws.function",
        "aws.container",
      ]);
    }
  });

  it("adds nothing AWS when AWS is off", () => {
    const { json, stack } = synthEnvironment(
      environmentConfig({ clouds: ["gcp"], aws: undefined, azure: undefined, weights: { "gcp.function": 100 } }),
    );
    expect(Object.keys(json.resource ?? {}).filter((type) => type.startsWith("aws_"))).toEqual([]);
    expect(stack.origins.filter((o) => o.id.startsWith("aws."))).toEqual([]);
  });

  itWithAws("never allows a wildcard action, nor makes a role or attaches a policy, in any shipped environment", () => {
    for (const { config, json } of withAws) {
      const found = policies(json);
      // Two key policies and the log bucket's; the roles and their policies are bootstrap's (lib/bootstrap/workload/aws.ts).
      expect(found.length).toBeGreaterThanOrEqual(3);
      expect(json.resource?.aws_iam_role).toBeUndefined();
      for (const [where, list] of found) {
        for (const statement of list.filter((s) => s.Effect === "Allow")) {
          for (const action of statement.Action) {
            expect({ env: config.name, where, action }).toEqual({
              env: config.name,
              where,
              action: expect.not.stringContaining("*"),
            });
          }
        }
      }
      // No IAM resource of any kind: no role, policy, user, instance profile, OIDC provider, service-linked role.
      expect(Object.keys(json.resource ?? {}).filter((type) => type.startsWith("aws_iam_"))).toEqual([]);
    }
  });

  itWithAws("maps each environment's settings: NAT, canary, protections", () => {
    const natCount = { none: 0, single: 1, "per-az": 2 } as const;
    for (const { config, json } of withAws) {
      const aws = config.aws as NonNullable<typeof config.aws>;
      expect([config.name, all(json, "aws_nat_gateway").length]).toEqual([config.name, natCount[aws.natGateways]]);
      const deployment = only(json, "aws_ecs_service").deployment_configuration;
      const weights = (only(json, "aws_lambda_alias").routing_config as Record<string, string> | undefined)
        ?.additional_version_weights;
      if (config.canaryPercent > 0) {
        expect(deployment).toMatchObject({
          strategy: "CANARY",
          canary_configuration: { canary_percent: config.canaryPercent },
        });
        // The Lambda split needs the stable version from the last apply: a fresh clone has none.
        expect(weights).toBeUndefined();
        // ECS's canary fails and rolls back on the 5-minute burn window or p99 latency alarm, which exist first.
        const service = only(json, "aws_ecs_service");
        const alarms = service.alarms as { alarm_names: string[]; enable: boolean; rollback: boolean };
        expect(alarms).toMatchObject({ enable: true, rollback: true });
        const alarmKeys = Object.entries(json.resource?.aws_cloudwatch_metric_alarm ?? {})
          .filter(([, alarm]) => alarms.alarm_names.includes((alarm as { alarm_name: string }).alarm_name))
          .map(([key]) => `aws_cloudwatch_metric_alarm.${key}`);
        expect(alarmKeys).toHaveLength(2);
        expect(alarms.alarm_names).toEqual([
          expect.stringMatching(/error.*fast-5m$/),
          expect.stringMatching(/latency-p99$/),
        ]);
        expect(service.depends_on).toEqual(expect.arrayContaining(alarmKeys));
      } else {
        expect(deployment).toEqual({ strategy: "ROLLING" });
        expect(only(json, "aws_ecs_service").alarms).toBeUndefined();
      }
      expect([config.name, only(json, "aws_lb").enable_deletion_protection]).toEqual([config.name, config.protect]);
    }
    // The shipped defaults exercise every branch above (a fork with one AWS environment cannot).
    if (withAws.length > 1) {
      expect(new Set(withAws.map(({ config }) => config.protect))).toEqual(new Set([true, false]));
      expect(withAws.some(({ config }) => config.canaryPercent > 0)).toBe(true);
    }
  });

  itWithAws("uses the environment's Cloudflare zone and domain for the container origin", () => {
    for (const { config, json } of withAws) {
      const records = all(json, "cloudflare_dns_record").filter(
        (r) => r.type === "CNAME" && r.name === `aws-origin.${config.cloudflare.domain}`,
      );
      expect(records).toEqual([expect.objectContaining({ zone_id: config.cloudflare.zoneId, proxied: false })]);
    }
  });
});
