import {
  PARAMETERS_EXTENSION_ARM64_LAYERS,
  PARAMETERS_EXTENSION_DOC,
  parametersExtensionLayer,
} from "../../lib/aws/parameters-extension";
import { awsWorkloadRoles } from "../../lib/aws/workload-roles";
import { AWS_REGIONS } from "../../lib/config/regions";
import { ConstructError } from "../../lib/contract/errors";
import { buildAws, ORIGIN_SECRET_TOKEN, only, ref, SETTINGS, SPEC } from "./helpers";

describe("aws FunctionTarget", () => {
  describe("the function", () => {
    const { json } = buildAws({ only: "function" });
    const fn = only(json, "aws_lambda_function");

    it("runs the bundle on Node 22, arm64, with the spec's memory, timeout and concurrency", () => {
      expect(fn).toMatchObject({
        function_name: "shop-test",
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        memory_size: 512,
        timeout: 15,
        reserved_concurrent_executions: 4,
        publish: true,
      });
    });

    it("uses the bundle as an asset, with Lambda's base64 hash of the zip", () => {
      expect(fn.filename).toMatch(/^assets\/.+\/aws\.zip$/);
      expect(fn.source_code_hash).toBe(Buffer.from("ab".repeat(32), "hex").toString("base64"));
    });

    it("traces with X-Ray and logs JSON", () => {
      expect(fn.tracing_config).toEqual({ mode: "Active" });
      expect(fn.logging_config).toMatchObject({ log_format: "JSON", application_log_level: "INFO" });
    });

    it("encrypts its environment with its own rotated KMS key", () => {
      const keyArn = ref(json, "aws_kms_key", "arn");
      expect(fn.kms_key_arn).toBe(keyArn);
      expect(only(json, "aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 7 });
    });

    it("passes the spec's variables and who it is, and no origin secret when none is given", () => {
      const variables = (fn.environment as { variables: Record<string, string> }).variables;
      expect(variables).toEqual({
        ...SPEC.environmentVariables,
        SERVICE_NAME: SPEC.name,
        SERVICE_VERSION: SPEC.version,
        SERVICE_ENVIRONMENT: SPEC.environment,
        REGION: SETTINGS.region,
        CLOUD: "aws",
      });
    });
  });

  it("logs into /aws/lambda/<name> and the API's access log group, created with the spec's retention, encrypted", () => {
    const { json } = buildAws({ only: "function", spec: { logRetentionDays: 90 } });
    const groups = Object.values(json.resource?.aws_cloudwatch_log_group ?? {});
    expect(groups.map((g) => g.name).sort()).toEqual(["/aws/apigateway/shop-test", "/aws/lambda/shop-test"]);
    for (const group of groups) {
      expect(group).toMatchObject({ retention_in_days: 90, kms_key_id: expect.stringContaining("aws_kms_key") });
    }
    const fn = only(json, "aws_lambda_function");
    const lambdaGroup = Object.entries(json.resource?.aws_cloudwatch_log_group ?? {}).find(
      ([, g]) => g.name === "/aws/lambda/shop-test",
    );
    expect((fn.logging_config as { log_group: string }).log_group).toBe(
      `\${aws_cloudwatch_log_group.${lambdaGroup?.[0]}.name}`,
    );
  });

  describe("alias `live` and canary", () => {
    it("points at the newest version without a canary", () => {
      const { json } = buildAws({ only: "function" });
      const alias = only(json, "aws_lambda_alias");
      expect(alias).toMatchObject({ name: "live", function_version: ref(json, "aws_lambda_function", "version") });
      expect(alias).not.toHaveProperty("routing_config");
    });

    it("canary: the stable version keeps the alias, the new version gets its percent", () => {
      const { json } = buildAws({ only: "function", function: { rollout: { newPercent: 10, stable: "7" } } });
      const alias = only(json, "aws_lambda_alias");
      const version = ref(json, "aws_lambda_function", "version").slice(2, -1);
      expect(alias.function_version).toBe("7");
      expect(alias.routing_config).toEqual({ additional_version_weights: `\${zipmap([${version}], [0.1])}` });
    });

    it("promote: the new version alone; rollback: the stable version alone, even after a promote", () => {
      const promoted = buildAws({ only: "function", function: { rollout: { newPercent: 100, stable: "7" } } });
      expect(only(promoted.json, "aws_lambda_alias").function_version).toBe(
        ref(promoted.json, "aws_lambda_function", "version"),
      );
      expect(only(promoted.json, "aws_lambda_alias")).not.toHaveProperty("routing_config");
      const rolledBack = buildAws({ only: "function", function: { rollout: { newPercent: 0, stable: "7" } } });
      expect(only(rolledBack.json, "aws_lambda_alias").function_version).toBe("7");
      expect(only(rolledBack.json, "aws_lambda_alias")).not.toHaveProperty("routing_config");
    });

    it("keeps minInstances warm on the alias, and nothing when it is 0", () => {
      const warm = buildAws({ only: "function", spec: { minInstances: 2 } });
      expect(only(warm.json, "aws_lambda_provisioned_concurrency_config")).toEqual({
        function_name: ref(warm.json, "aws_lambda_function", "function_name"),
        qualifier: ref(warm.json, "aws_lambda_alias", "name"),
        provisioned_concurrent_executions: 2,
      });
      const cold = buildAws({ only: "function", spec: { minInstances: 0 } });
      expect(cold.json.resource?.aws_lambda_provisioned_concurrency_config).toBeUndefined();
    });
  });

  describe("HTTP API", () => {
    const { json } = buildAws({ only: "function" });

    it("integrates with the alias, payload 2.0, on the $default route", () => {
      expect(only(json, "aws_apigatewayv2_api")).toMatchObject({ name: "shop-test", protocol_type: "HTTP" });
      expect(only(json, "aws_apigatewayv2_integration")).toMatchObject({
        integration_type: "AWS_PROXY",
        integration_method: "POST",
        integration_uri: ref(json, "aws_lambda_alias", "invoke_arn"),
        payload_format_version: "2.0",
        timeout_milliseconds: 15000,
      });
      expect(only(json, "aws_apigatewayv2_route")).toMatchObject({
        route_key: "$default",
        target: `integrations/${ref(json, "aws_apigatewayv2_integration", "id")}`,
      });
    });

    it("deploys the $default stage with JSON access logs and throttling", () => {
      const stage = only(json, "aws_apigatewayv2_stage");
      expect(stage).toMatchObject({
        name: "$default",
        auto_deploy: true,
        default_route_settings: { throttling_rate_limit: 100, throttling_burst_limit: 200 },
      });
      const accessLogs = stage.access_log_settings as { destination_arn: string; format: string };
      expect(accessLogs.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\..*access-logs.*\.arn\}$/);
      expect(JSON.parse(accessLogs.format)).toMatchObject({
        requestId: "$context.requestId",
        status: "$context.status",
      });
    });

    it("lets only this API invoke the alias", () => {
      expect(only(json, "aws_lambda_permission")).toEqual({
        statement_id: "AllowThisHttpApi",
        action: "lambda:InvokeFunction",
        function_name: ref(json, "aws_lambda_function", "function_name"),
        qualifier: ref(json, "aws_lambda_alias", "name"),
        principal: "apigateway.amazonaws.com",
        source_arn: `${ref(json, "aws_apigatewayv2_api", "execution_arn")}/*`,
      });
      expect(json.resource?.aws_lambda_function_url).toBeUndefined();
    });

    it("exposes the API's HTTPS endpoint", () => {
      expect(json.output?.function_endpoint.value).toBe(ref(json, "aws_apigatewayv2_api", "api_endpoint"));
    });
  });

  describe("role (made by bootstrap from lib/aws/workload-roles.ts)", () => {
    const { json } = buildAws({ only: "function" });
    const role = awsWorkloadRoles(SPEC, SETTINGS).function;
    const statement = (sid: string) => role.statements.find((s) => s.Sid === sid);

    it("is passed by ARN: the stack makes no role and no policy", () => {
      expect(only(json, "aws_lambda_function").role).toBe(`arn:aws:iam::${SETTINGS.accountId}:role/${role.name}`);
      expect(json.resource?.aws_iam_role).toBeUndefined();
      expect(json.resource?.aws_iam_role_policy).toBeUndefined();
      expect(json.resource?.aws_iam_role_policy_attachment).toBeUndefined();
    });

    it("is assumed by Lambda only and may write only to its own log group, X-Ray and its key", () => {
      expect(role.service).toBe("lambda.amazonaws.com");
      expect(role.trustCondition).toBeUndefined();
      const groups = Object.values(json.resource?.aws_cloudwatch_log_group ?? {}).map((g) => g.name);
      expect(groups).toContain("/aws/lambda/shop-test");
      expect(role.statements.map((s) => s.Sid)).toEqual([
        "OwnLogGroup",
        "Tracing",
        "DecryptEnvironment",
        "ReadSecrets",
      ]);
      expect(statement("OwnLogGroup")).toEqual({
        Sid: "OwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `arn:aws:logs:${SETTINGS.region}:${SETTINGS.accountId}:log-group:/aws/lambda/shop-test:log-stream:*`,
      });
      expect(statement("Tracing")?.Resource).toBe("*");
      // The key's id is random: the role holds it by the alias the stack gives it.
      const alias = only(json, "aws_kms_alias").name;
      expect(statement("DecryptEnvironment")).toEqual({
        Sid: "DecryptEnvironment",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: `arn:aws:kms:${SETTINGS.region}:${SETTINGS.accountId}:key/*`,
        Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias } },
      });
    });

    it("may read the spec's named secrets, and gets their parameter names", () => {
      const built = buildAws({ only: "function", spec: { secretNames: ["API_KEY"] } });
      const fn = only(built.json, "aws_lambda_function");
      expect((fn.environment as { variables: Record<string, string> }).variables.API_KEY_PARAMETER).toBe(
        "/shop/test/API_KEY",
      );
      const read = awsWorkloadRoles({ ...SPEC, secretNames: ["API_KEY"] }, SETTINGS).function.statements.find(
        (s) => s.Sid === "ReadSecrets",
      );
      expect(read?.Action).toEqual(["ssm:GetParameter"]);
      expect(read?.Resource).toContain("arn:aws:ssm:eu-west-1:123456789012:parameter/shop/test/API_KEY");
    });
  });

  it("stores the edge's secret as an SSM SecureString and passes only its name", () => {
    const { json } = buildAws({ only: "function", function: { originSecret: ORIGIN_SECRET_TOKEN } });
    const variables = (only(json, "aws_lambda_function").environment as { variables: Record<string, string> })
      .variables;
    expect(variables).not.toHaveProperty("ORIGIN_SECRET");
    expect(JSON.stringify(variables)).not.toContain(ORIGIN_SECRET_TOKEN);
    const parameter = only(json, "aws_ssm_parameter");
    expect(parameter).toMatchObject({
      type: "SecureString",
      value: ORIGIN_SECRET_TOKEN,
      key_id: ref(json, "aws_kms_key", "arn"),
    });
    expect(variables.ORIGIN_SECRET_PARAMETER).toBe(parameter.name);
    expect(parameter.name).toBe(`/${SPEC.name}/${SPEC.environment}/function/ORIGIN_SECRET`);
    // Bootstrap's role reads exactly that parameter (and no other target's copy).
    const read = awsWorkloadRoles(SPEC, SETTINGS).function.statements.find((s) => s.Sid === "ReadSecrets");
    expect(read).toEqual({
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: ["ssm:GetParameter"],
      Resource: [`arn:aws:ssm:${SETTINGS.region}:${SETTINGS.accountId}:parameter${parameter.name}`],
    });
  });

  describe("the Parameters and Secrets extension (how the function reads its secrets without an SDK)", () => {
    it("is a layer of a function with a secret: the documented arm64 ARN of its region", () => {
      const { json } = buildAws({ only: "function", function: { originSecret: ORIGIN_SECRET_TOKEN } });
      const fn = only(json, "aws_lambda_function");
      expect(fn.layers).toEqual([PARAMETERS_EXTENSION_ARM64_LAYERS[SETTINGS.region]]);
      expect(fn.layers).toEqual([
        expect.stringMatching(
          new RegExp(
            `^arn:aws:lambda:${SETTINGS.region}:\\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\\d+$`,
          ),
        ),
      ]);
      // The extension calls SSM with the function's own role: GetParameter, and Decrypt with the key.
      const policy = awsWorkloadRoles(SPEC, SETTINGS).function.statements;
      expect(policy).toContainEqual(expect.objectContaining({ Action: ["ssm:GetParameter"] }));
      expect(policy).toContainEqual(
        expect.objectContaining({
          Action: ["kms:Decrypt"],
          Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": only(json, "aws_kms_alias").name } },
        }),
      );
    });

    it("is left out when the function has no secret to read", () => {
      const { json } = buildAws({ only: "function" });
      expect(only(json, "aws_lambda_function")).not.toHaveProperty("layers");
    });

    it("refuses at synth a region the documented table has no layer for, naming the page", () => {
      expect(() =>
        buildAws({
          only: "function",
          settings: { region: "eusc-de-east-1" },
          function: { originSecret: ORIGIN_SECRET_TOKEN },
        }),
      ).toThrow(
        new ConstructError("BPE_SPEC_1", "test/fn", [
          `${SPEC.environment}.aws.region: ${(parametersExtensionLayer("eusc-de-east-1") as { problem: string }).problem}`,
        ]),
      );
      expect((parametersExtensionLayer("eusc-de-east-1") as { problem: string }).problem).toContain(
        PARAMETERS_EXTENSION_DOC,
      );
    });

    it("has a layer for every region an environment may choose, each ARN in its own region's partition", () => {
      const missing = AWS_REGIONS.filter((region) => PARAMETERS_EXTENSION_ARM64_LAYERS[region] === undefined);
      expect(missing).toEqual([]);
      for (const [region, arn] of Object.entries(PARAMETERS_EXTENSION_ARM64_LAYERS)) {
        const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
        expect(arn).toMatch(
          new RegExp(
            `^arn:${partition}:lambda:${region}:\\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\\d+$`,
          ),
        );
      }
    });
  });

  it("protects logs and the key in production", () => {
    const { json } = buildAws({ only: "function", function: { protect: true } });
    for (const group of Object.values(json.resource?.aws_cloudwatch_log_group ?? {})) {
      expect(group).toMatchObject({ deletion_protection_enabled: true, skip_destroy: true });
    }
    expect(only(json, "aws_kms_key").deletion_window_in_days).toBe(30);
  });

  it("warns that the HTTP API cuts requests at 30 s", () => {
    const { json, fn } = buildAws({ only: "function", spec: { timeoutSeconds: 60 } });
    expect(only(json, "aws_apigatewayv2_integration").timeout_milliseconds).toBe(30000);
    expect(only(json, "aws_lambda_function").timeout).toBe(60);
    const metadata = (fn?.node.metadata ?? []).map((m) => String(m.data));
    expect(metadata.join("\n")).toMatch(/HTTP API ends requests after 30 s/);
  });

  describe("validation", () => {
    it("lists every problem of the spec in one error", () => {
      expect(() =>
        buildAws({
          only: "function",
          spec: { logRetentionDays: 45, environmentVariables: { AWS_REGION: "x" }, healthPath: "healthz" },
        }),
      ).toThrow(
        // One error, under the construct's path, every problem named by environment and field.
        new ConstructError("BPE_SPEC_1", "test/fn", [
          `${SPEC.environment}.SERVICE.healthPath: "healthz" must be a path starting with "/"`,
          `${SPEC.environment}.service.logRetentionDays: 45 is not a CloudWatch retention (1, 3, 5, 7, 14, 30, …)`,
          `${SPEC.environment}.SERVICE.environmentVariables: "AWS_REGION" is reserved by AWS; rename it`,
        ]),
      );
    });

    it("refuses a non-positive throttle", () => {
      expect(() => buildAws({ only: "function", function: { throttleRateLimit: 0 } })).toThrow(/throttleRateLimit/);
    });

    it("accepts the spec of every shipped size", () => {
      expect(() =>
        buildAws({ only: "function", spec: { ...SPEC, memoryMb: 4096, timeoutSeconds: 300 } }),
      ).not.toThrow();
    });
  });
});
