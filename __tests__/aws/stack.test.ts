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

  it("adds the function and container origins when AWS is enabled", () => {
    for (const { stack } of shipped) {
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

  it("never allows a wildcard action, nor attaches a managed policy, in any shipped environment", () => {
    for (const { config, json } of shipped) {
      const found = policies(json);
      expect(found.length).toBeGreaterThanOrEqual(8);
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
      expect(json.resource?.aws_iam_role_policy_attachment).toBeUndefined();
      expect(json.resource?.aws_iam_policy_attachment).toBeUndefined();
    }
  });

  it("maps each environment's settings: NAT, canary, protections", () => {
    const byName = Object.fromEntries(shipped.map((s) => [s.config.name, s.json]));
    expect(byName.dev.resource?.aws_nat_gateway).toBeUndefined();
    expect(all(byName.staging, "aws_nat_gateway")).toHaveLength(1);
    expect(all(byName.prod, "aws_nat_gateway")).toHaveLength(2);

    expect(only(byName.dev, "aws_ecs_service").deployment_configuration).toEqual({ strategy: "ROLLING" });
    expect(only(byName.prod, "aws_ecs_service").deployment_configuration).toMatchObject({
      strategy: "CANARY",
      canary_configuration: { canary_percent: 5 },
    });
    expect(
      String(
        (only(byName.prod, "aws_lambda_alias").routing_config as Record<string, string>).additional_version_weights,
      ),
    ).toContain("[0.05]");

    expect(only(byName.prod, "aws_lb").enable_deletion_protection).toBe(true);
    expect(only(byName.dev, "aws_lb").enable_deletion_protection).toBe(false);
  });

  it("uses the environment's Cloudflare zone and domain for the container origin", () => {
    const prod = shipped.find((s) => s.config.name === "prod");
    const records = all(prod?.json as TerraformJson, "cloudflare_dns_record").filter(
      (r) => r.type === "CNAME" && r.name === "aws-origin.example.com",
    );
    expect(records).toEqual([expect.objectContaining({ zone_id: "fedcba9876543210fedcba9876543210", proxied: false })]);
  });
});
