import { awsName, globallyUniqueName, NAME_LIMITS } from "../../lib/aws/naming";
import { fargateTaskSize } from "../../lib/aws/sizing";
import { awsWorkloadNames } from "../../lib/aws/workload-roles";
import { awsRegistryKeyAlias } from "../../lib/bootstrap/registries/aws";
import type { TerraformJson } from "../helpers/environments";
import { all, buildAws } from "./helpers";

const LONG = { name: "abcdefghij-klmno", environment: "production-eu-west-9" }; // 16 and 20 characters, the maximum

/** Every name-like attribute of the AWS resources, with the rule it must follow. */
function names(json: TerraformJson): [string, string, RegExp][] {
  const rules: [string, string, number, RegExp][] = [
    ["aws_lambda_function", "function_name", 64, /^[a-zA-Z0-9_-]+$/],
    ["aws_iam_role", "name", 64, /^[\w+=,.@-]+$/],
    ["aws_lb", "name", 32, /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/],
    ["aws_lb_target_group", "name", 32, /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/],
    ["aws_s3_bucket", "bucket", 63, /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/],
    ["aws_ecr_repository", "name", 256, /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/],
    ["aws_ecs_cluster", "name", 255, /^[a-zA-Z0-9_-]+$/],
    ["aws_ecs_service", "name", 255, /^[a-zA-Z0-9_-]+$/],
    ["aws_ecs_task_definition", "family", 255, /^[a-zA-Z0-9_-]+$/],
    ["aws_security_group", "name", 255, /^(?!sg-)[\w .:/()#,@[\]+=&;{}!$*-]+$/],
    ["aws_apigatewayv2_api", "name", 128, /^.+$/],
    ["aws_kms_alias", "name", 256, /^alias\/[a-zA-Z0-9/_-]+$/],
    ["aws_cloudwatch_log_group", "name", 512, /^[\w\-_/.#]+$/],
  ];
  return rules.flatMap(([type, attribute, max, pattern]) =>
    all(json, type).map((r) => {
      const value = String(r[attribute]);
      expect({ type, value, ok: value.length <= max && pattern.test(value) }).toEqual({ type, value, ok: true });
      return [type, value, pattern] as [string, string, RegExp];
    }),
  );
}

describe("aws names", () => {
  it("are service-environment, cut with a stable hash when over a limit", () => {
    expect(awsName(["shop", "test"], 32)).toBe("shop-test");
    const long = awsName(["abcdefghij-klmno", "production-eu-west-9"], 32);
    expect(long).toHaveLength(32);
    expect(long).toMatch(/^abcdefghij-klmno-producti-[0-9a-f]{6}$/);
    expect(awsName(["abcdefghij-klmno", "production-eu-west-9"], 32)).toBe(long);
    expect(awsName(["abcdefghij-klmno", "production-eu-west-8"], 32)).not.toBe(long);
    expect(awsName(["Bad_Name", "--x--"], 64)).toBe("bad-name-x");
  });

  it("give S3 buckets a hash of account and region, so they are globally unique", () => {
    const a = globallyUniqueName(["shop-prod", "alb-logs"], { accountId: "111111111111", region: "eu-west-1" }, 63);
    const b = globallyUniqueName(["shop-prod", "alb-logs"], { accountId: "222222222222", region: "eu-west-1" }, 63);
    expect(a).toMatch(/^shop-prod-alb-logs-[0-9a-f]{8}$/);
    expect(b).not.toBe(a);
  });

  it("fit every AWS name rule for the longest service and environment names, and are stable across synths", () => {
    const first = buildAws({ spec: LONG });
    const second = buildAws({ spec: LONG });
    const found = names(first.json);
    expect(found.length).toBeGreaterThanOrEqual(15);
    // The ECR repository is bootstrap's (lib/bootstrap/registries/aws.ts), by this name; the key's alias beside it.
    const repository = awsWorkloadNames(LONG).repository;
    expect(repository.length).toBeLessThanOrEqual(256);
    expect(repository).toMatch(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
    expect(`alias/${awsRegistryKeyAlias(LONG.name, LONG.environment)}`).toMatch(/^alias\/[a-zA-Z0-9/_-]{1,250}$/);
    expect(names(second.json)).toEqual(found);
    expect(all(first.json, "aws_lb")[0].name).toHaveLength(NAME_LIMITS.loadBalancer);
  });
});

describe("fargateTaskSize", () => {
  it("picks the cheapest Fargate size that holds the memory", () => {
    expect(fargateTaskSize(128)).toEqual({ cpu: 256, memory: 512 });
    expect(fargateTaskSize(1024)).toEqual({ cpu: 256, memory: 1024 });
    expect(fargateTaskSize(2049)).toEqual({ cpu: 512, memory: 3072 });
    expect(fargateTaskSize(4096)).toEqual({ cpu: 512, memory: 4096 });
    expect(fargateTaskSize(512, 1024)).toEqual({ cpu: 1024, memory: 2048 });
    expect(() => fargateTaskSize(40000)).toThrow(/no Fargate task size/);
  });
});
