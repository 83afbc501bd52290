import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";
import { awsWorkloadNames, awsWorkloadRoles } from "../../lib/aws/workload-roles";
import { dockerStages } from "../helpers/dockerfile";
import type { TerraformJson } from "../helpers/environments";
import { all, buildAws, ORIGIN_SECRET_TOKEN, only, ref, SETTINGS, SPEC, statements } from "./helpers";

interface ContainerDefinition {
  name: string;
  image: string;
  memory: number;
  user: string;
  readonlyRootFilesystem: boolean;
  portMappings: { containerPort: number }[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  healthCheck: { command: string[] };
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

const containerOf = (json: TerraformJson): ContainerDefinition =>
  (JSON.parse(only(json, "aws_ecs_task_definition").container_definitions as string) as ContainerDefinition[])[0];

/** Resource of `type` whose logical id contains `part`. */
function byId(json: TerraformJson, type: string, part: string): [string, Record<string, unknown>] {
  const found = Object.entries(json.resource?.[type] ?? {}).filter(([id]) => id.includes(part));
  if (found.length !== 1) throw new Error(`expected one ${type} with "${part}", found ${found.length}`);
  return found[0];
}
const idRef = (json: TerraformJson, type: string, part: string, attribute: string) =>
  `\${${type}.${byId(json, type, part)[0]}.${attribute}}`;

/** The roles bootstrap makes for the test spec, and their ARNs as the stack passes them. */
const ROLES = awsWorkloadRoles(SPEC, SETTINGS);
const roleArn = (name: string) => `arn:aws:iam::${SETTINGS.accountId}:role/${name}`;

describe("aws ContainerTarget", () => {
  const { json } = buildAws({ only: "container" });

  it("creates no registry: bootstrap's, named by the stack; a state from before forgets it", () => {
    expect(json.resource?.aws_ecr_repository).toBeUndefined();
    expect(json.resource?.aws_ecr_lifecycle_policy).toBeUndefined();
    expect((json as { removed?: { from: string }[] }).removed?.map((block) => block.from.split(".")[0])).toEqual([
      "aws_ecr_repository",
      "aws_ecr_lifecycle_policy",
    ]);
  });

  it("turns Container Insights on", () => {
    expect(only(json, "aws_ecs_cluster")).toMatchObject({
      name: "shop-test",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  describe("task definition", () => {
    const task = only(json, "aws_ecs_task_definition");
    const container = containerOf(json);

    it("separates the execution role from the task role", () => {
      // Bootstrap's roles, by ARN: the stack makes none.
      expect(task.execution_role_arn).toBe(roleArn(ROLES.ecsExecution.name));
      expect(task.task_role_arn).toBe(roleArn(ROLES.ecsTask.name));
      expect(json.resource?.aws_iam_role).toBeUndefined();
      expect(json.resource?.aws_iam_role_policy).toBeUndefined();
      expect(task.execution_role_arn).not.toBe(task.task_role_arn);
    });

    it("runs the image read-only, as a non-root user, on the spec's port", () => {
      expect(container).toMatchObject({
        name: "app",
        // The spec's tag, pulled from the environment's ECR repository (bootstrap's, by name).
        image: `${SETTINGS.accountId}.dkr.ecr.${SETTINGS.region}.amazonaws.com/${awsWorkloadNames(SPEC).repository}:1.0.0`,
        readonlyRootFilesystem: true,
        portMappings: [{ containerPort: 8080, protocol: "tcp" }],
      });
      expect(container.user).toMatch(/^[1-9][0-9]*:[1-9][0-9]*$/);
    });

    it("limits the container to the spec's memory inside the smallest Fargate size that holds it", () => {
      expect(container.memory).toBe(512);
      expect(task).toMatchObject({
        cpu: "256",
        memory: "512",
        network_mode: "awsvpc",
        requires_compatibilities: ["FARGATE"],
      });
      const big = buildAws({ only: "container", spec: { memoryMb: 3000 } });
      expect(only(big.json, "aws_ecs_task_definition")).toMatchObject({ cpu: "512", memory: "3072" });
    });

    it("runs the image's own health command: the Dockerfile runtime stage's HEALTHCHECK, node by its full path", () => {
      const runtime = dockerStages(readFileSync(join(REPOSITORY_ROOT, "Dockerfile"), "utf8")).at(-1);
      const healthcheck = runtime?.instructions.find((i) => i.op === "HEALTHCHECK")?.args ?? "";
      const exec = JSON.parse(healthcheck.slice(healthcheck.indexOf("CMD ") + "CMD ".length)) as string[];
      expect(container.healthCheck.command).toEqual(["CMD", ...exec]);
      // Distroless keeps node here, not on PATH: a bare `node` would fail every check and replace tasks forever.
      expect(runtime?.from).toMatch(/distroless\/nodejs/);
      expect(exec[0]).toBe("/nodejs/bin/node");
    });

    it("sends stdout to its own log group with the spec's retention", () => {
      const [groupId, group] = byId(json, "aws_cloudwatch_log_group", "logs");
      expect(group).toMatchObject({ name: "/ecs/shop-test", retention_in_days: 30 });
      expect(container.logConfiguration).toEqual({
        logDriver: "awslogs",
        options: {
          "awslogs-group": `\${aws_cloudwatch_log_group.${groupId}.name}`,
          "awslogs-region": "eu-west-1",
          "awslogs-stream-prefix": "app",
          mode: "non-blocking",
        },
      });
    });

    it("passes PORT and the spec's variables", () => {
      expect(container.environment).toEqual(
        expect.arrayContaining([
          { name: "LOG_LEVEL", value: "info" },
          { name: "PORT", value: "8080" },
        ]),
      );
      expect(container.secrets).toEqual([]);
    });
  });

  describe("service", () => {
    const service = only(json, "aws_ecs_service");

    it("rolls back a failing deployment", () => {
      expect(service).toMatchObject({
        launch_type: "FARGATE",
        deployment_circuit_breaker: { enable: true, rollback: true },
        deployment_configuration: { strategy: "ROLLING" },
        deployment_minimum_healthy_percent: 100,
      });
    });

    it("runs in the private subnets behind NAT, behind the load balancer", () => {
      expect(service.network_configuration).toEqual({
        assign_public_ip: false,
        security_groups: [idRef(json, "aws_security_group", "task-sg", "id")],
        subnets: [idRef(json, "aws_subnet", "private-a_", "id"), idRef(json, "aws_subnet", "private-b_", "id")],
      });
      expect(service.load_balancer).toEqual([
        {
          target_group_arn: idRef(json, "aws_lb_target_group", "targets-a", "arn"),
          container_name: "app",
          container_port: 8080,
        },
      ]);
    });

    it("scales between min and max on CPU, and leaves the count to autoscaling", () => {
      expect(service.desired_count).toBe(1);
      expect(service.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
      expect(only(json, "aws_appautoscaling_target")).toMatchObject({
        service_namespace: "ecs",
        scalable_dimension: "ecs:service:DesiredCount",
        min_capacity: 1,
        max_capacity: 4,
      });
      expect(only(json, "aws_appautoscaling_policy")).toMatchObject({
        policy_type: "TargetTrackingScaling",
        target_tracking_scaling_policy_configuration: {
          target_value: 60,
          predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
        },
      });
    });

    it("keeps one task when the spec allows zero (ECS cannot start from zero on traffic)", () => {
      const zero = buildAws({ only: "container", spec: { minInstances: 0, maxInstances: 2 } });
      expect(only(zero.json, "aws_appautoscaling_target")).toMatchObject({ min_capacity: 1, max_capacity: 2 });
    });
  });

  describe("load balancer", () => {
    it("is public, drops invalid headers and logs to the encrypted, private bucket", () => {
      expect(only(json, "aws_lb")).toMatchObject({
        name: "shop-test",
        load_balancer_type: "application",
        internal: false,
        drop_invalid_header_fields: true,
        enable_deletion_protection: false,
        idle_timeout: 15,
        access_logs: { bucket: ref(json, "aws_s3_bucket", "id"), prefix: "alb", enabled: true },
        depends_on: [expect.stringMatching(/^aws_s3_bucket_policy\./)],
      });
      expect(only(json, "aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(only(json, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]);
      expect(only(json, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    });

    it("lets ELB log delivery write its prefix, and nothing over plain HTTP", () => {
      const policy = statements(only(json, "aws_s3_bucket_policy").policy);
      const logs = `${ref(json, "aws_s3_bucket", "arn")}/alb/AWSLogs/123456789012/*`;
      expect(policy).toEqual([
        expect.objectContaining({
          Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
          Action: ["s3:PutObject"],
          Resource: logs,
        }),
        expect.objectContaining({ Principal: { AWS: "arn:aws:iam::156460612806:root" }, Resource: logs }),
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      ]);
    });

    it("serves HTTPS with a TLS 1.2+ policy and redirects HTTP", () => {
      const [, https] = byId(json, "aws_lb_listener", "https");
      expect(https).toMatchObject({
        port: 443,
        protocol: "HTTPS",
        ssl_policy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        certificate_arn: ref(json, "aws_acm_certificate_validation", "certificate_arn"),
        default_action: [{ type: "forward", target_group_arn: idRef(json, "aws_lb_target_group", "targets-a", "arn") }],
      });
      const [, http] = byId(json, "aws_lb_listener", "http_");
      expect(http).toMatchObject({
        port: 80,
        protocol: "HTTP",
        default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
      });
    });

    it("health-checks the targets on the spec's path", () => {
      expect(only(json, "aws_lb_target_group")).toMatchObject({
        target_type: "ip",
        protocol: "HTTP",
        port: 8080,
        health_check: { path: "/healthz", matcher: "200", port: "traffic-port", protocol: "HTTP" },
      });
    });
  });

  describe("security groups", () => {
    const ingress = all(json, "aws_vpc_security_group_ingress_rule");
    const egress = all(json, "aws_vpc_security_group_egress_rule");
    const albSg = idRef(json, "aws_security_group", "alb-sg", "id");
    const taskSg = idRef(json, "aws_security_group", "task-sg", "id");

    it("admit 443 and 80 to the load balancer from anywhere, and nothing else", () => {
      expect(
        ingress.filter((r) => r.security_group_id === albSg).map((r) => [r.from_port, r.to_port, r.cidr_ipv4]),
      ).toEqual([
        [443, 443, "0.0.0.0/0"],
        [80, 80, "0.0.0.0/0"],
      ]);
    });

    it("admit the tasks' port only from the load balancer", () => {
      expect(ingress.filter((r) => r.security_group_id === taskSg)).toEqual([
        expect.objectContaining({
          from_port: 8080,
          to_port: 8080,
          ip_protocol: "tcp",
          referenced_security_group_id: albSg,
        }),
      ]);
      expect(ingress.filter((r) => r.security_group_id === taskSg && "cidr_ipv4" in r)).toEqual([]);
    });

    it("let the load balancer out only to the tasks, and the tasks only on 443", () => {
      expect(
        egress.map((r) => [r.security_group_id, r.from_port, r.referenced_security_group_id ?? r.cidr_ipv4]),
      ).toEqual([
        [albSg, 8080, taskSg],
        [taskSg, 443, "0.0.0.0/0"],
      ]);
    });
  });

  describe("certificate and hostname", () => {
    it("requests an ACM certificate validated by a DNS-only record in the Cloudflare zone", () => {
      expect(only(json, "aws_acm_certificate")).toMatchObject({
        domain_name: "aws-origin.test.example.net",
        validation_method: "DNS",
        lifecycle: { create_before_destroy: true },
      });
      const [validationId, validation] = byId(json, "cloudflare_dns_record", "validation");
      expect(validation).toMatchObject({
        zone_id: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
        proxied: false,
        name: expect.stringMatching(
          /^\$\{trimsuffix\(tolist\(aws_acm_certificate\..*\.domain_validation_options\)\.0\.resource_record_name, "\."\)\}$/,
        ),
        content: expect.stringContaining("resource_record_value"),
      });
      expect(only(json, "aws_acm_certificate_validation").validation_record_fqdns).toEqual([
        `\${cloudflare_dns_record.${validationId}.name}`,
      ]);
    });

    it("points a DNS-only CNAME at the ALB and exposes https://<hostname>", () => {
      const [originId, origin] = byId(json, "cloudflare_dns_record", "origin-dns");
      expect(origin).toMatchObject({
        name: "aws-origin.test.example.net",
        type: "CNAME",
        content: ref(json, "aws_lb", "dns_name"),
        proxied: false,
      });
      expect(json.output?.container_endpoint.value).toBe(`https://\${cloudflare_dns_record.${originId}.name}`);
    });

    it("uses a certificate ARN from config without requesting one", () => {
      const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
      const given = buildAws({ only: "container", settings: { certificateArn: arn } });
      expect(given.json.resource?.aws_acm_certificate).toBeUndefined();
      expect(all(given.json, "cloudflare_dns_record")).toHaveLength(1);
      expect(byId(given.json, "aws_lb_listener", "https")[1].certificate_arn).toBe(arn);
    });
  });

  describe("identities (made by bootstrap from lib/aws/workload-roles.ts)", () => {
    it("lets the execution role pull from its own repository and write its own log group", () => {
      const { statements: policy } = ROLES.ecsExecution;
      const arnOf = (sid: string) => policy.find((p) => p.Sid === sid)?.Resource;
      expect(policy.map((p) => p.Sid)).toEqual([
        "RegistryToken",
        "PullOwnRepository",
        "OwnLogGroup",
        "TargetKey",
        "ReadSecrets",
      ]);
      expect(arnOf("RegistryToken")).toBe("*");
      const repository = awsWorkloadNames(SPEC).repository;
      expect(arnOf("PullOwnRepository")).toBe(
        `arn:aws:ecr:${SETTINGS.region}:${SETTINGS.accountId}:repository/${repository}`,
      );
      const group = only(json, "aws_cloudwatch_log_group", (g) => String(g.name).startsWith("/ecs/")).name;
      expect(arnOf("OwnLogGroup")).toBe(
        `arn:aws:logs:${SETTINGS.region}:${SETTINGS.accountId}:log-group:${group}:log-stream:*`,
      );
      expect(policy.find((p) => p.Sid === "TargetKey")?.Condition).toEqual({
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": only(json, "aws_kms_alias").name },
      });
    });

    it("gives the task role no permission, and only this account's ECS tasks may assume it", () => {
      expect(ROLES.ecsTask.statements).toEqual([]);
      expect(ROLES.ecsTask.service).toBe("ecs-tasks.amazonaws.com");
      expect(ROLES.ecsTask.trustCondition).toMatchObject({ StringEquals: { "aws:SourceAccount": "123456789012" } });
    });
  });

  describe("secrets", () => {
    const withSecrets = buildAws({
      only: "container",
      spec: { secretNames: ["API_KEY"] },
      container: { originSecret: ORIGIN_SECRET_TOKEN },
    });

    it("stores the origin secret as a SecureString under the target's key and injects it", () => {
      const parameter = only(withSecrets.json, "aws_ssm_parameter");
      expect(parameter).toMatchObject({
        name: "/shop/test/ORIGIN_SECRET",
        type: "SecureString",
        key_id: ref(withSecrets.json, "aws_kms_key", "arn"),
        value: ORIGIN_SECRET_TOKEN,
      });
      expect(containerOf(withSecrets.json).secrets).toEqual([
        { name: "API_KEY", valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/test/API_KEY" },
        { name: "ORIGIN_SECRET", valueFrom: ref(withSecrets.json, "aws_ssm_parameter", "arn") },
      ]);
      expect(JSON.stringify(containerOf(withSecrets.json).environment)).not.toContain("ORIGIN_SECRET");
    });

    it("lets the execution role read exactly those parameters", () => {
      const roles = awsWorkloadRoles({ ...SPEC, secretNames: ["API_KEY"] }, SETTINGS);
      const parameter = only(withSecrets.json, "aws_ssm_parameter").name;
      expect(roles.ecsExecution.statements).toContainEqual({
        Sid: "ReadSecrets",
        Effect: "Allow",
        Action: ["ssm:GetParameters"],
        Resource: [
          `arn:aws:ssm:eu-west-1:123456789012:parameter${parameter}`,
          "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/test/API_KEY",
        ],
      });
    });
  });

  describe("canary", () => {
    const canary = buildAws({ only: "container", spec: { canaryPercent: 10 } });
    const service = only(canary.json, "aws_ecs_service");

    it("deploys with ECS's CANARY strategy at canaryPercent, keeping the circuit breaker", () => {
      expect(service).toMatchObject({
        deployment_controller: { type: "ECS" },
        deployment_circuit_breaker: { enable: true, rollback: true },
        deployment_configuration: {
          strategy: "CANARY",
          canary_configuration: { canary_percent: 10, canary_bake_time_in_minutes: "10" },
        },
        lifecycle: { ignore_changes: ["desired_count", "load_balancer"] },
      });
    });

    it("gives ECS a second target group and a weighted production rule it may shift", () => {
      const rule = only(canary.json, "aws_lb_listener_rule");
      const a = idRef(canary.json, "aws_lb_target_group", "targets-a", "arn");
      const b = idRef(canary.json, "aws_lb_target_group", "targets-b", "arn");
      expect(rule).toMatchObject({
        priority: 1,
        condition: [{ path_pattern: { values: ["/*"] } }],
        action: [
          {
            type: "forward",
            forward: {
              target_group: [
                { arn: a, weight: 100 },
                { arn: b, weight: 0 },
              ],
            },
          },
        ],
        lifecycle: { ignore_changes: ["action"] },
      });
      expect(service.load_balancer).toEqual([
        {
          target_group_arn: a,
          container_name: "app",
          container_port: 8080,
          advanced_configuration: {
            alternate_target_group_arn: b,
            production_listener_rule: ref(canary.json, "aws_lb_listener_rule", "arn"),
            role_arn: roleArn(ROLES.ecsDeployment.name),
          },
        },
      ]);
    });

    it("lets the deployment role touch only its own target groups, listener and rule", () => {
      const [read, targets, listener] = ROLES.ecsDeployment.statements;
      expect(read.Resource).toBe("*");
      expect(read.Action.every((a) => a.startsWith("elasticloadbalancing:Describe"))).toBe(true);
      // By the names the stack gives them (their ARNs end in a random id).
      const elb = `arn:aws:elasticloadbalancing:${SETTINGS.region}:${SETTINGS.accountId}`;
      const groups = all(canary.json, "aws_lb_target_group").map((g) => `${elb}:targetgroup/${g.name}/*`);
      expect(targets.Resource).toEqual(groups.sort());
      const lb = only(canary.json, "aws_lb").name;
      expect(listener.Resource).toEqual([`${elb}:listener/app/${lb}/*`, `${elb}:listener-rule/app/${lb}/*`]);
    });
  });

  it("turns production protections on with protect", () => {
    const prod = buildAws({ only: "container", container: { protect: true } });
    expect(only(prod.json, "aws_lb").enable_deletion_protection).toBe(true);
    expect(only(prod.json, "aws_s3_bucket").force_destroy).toBe(false);
    expect(only(prod.json, "aws_cloudwatch_log_group")).toMatchObject({ deletion_protection_enabled: true });
    expect(only(prod.json, "aws_kms_key").deletion_window_in_days).toBe(30);
  });

  it("refuses an out-of-range autoscaling target or bake time", () => {
    expect(() => buildAws({ only: "container", container: { cpuTargetPercent: 0 } })).toThrow(/cpuTargetPercent/);
    expect(() => buildAws({ only: "container", container: { canaryBakeMinutes: 2000 } })).toThrow(/canaryBakeMinutes/);
  });
});
