/**
 * FunctionTarget: the workload as an AWS Lambda function behind an API Gateway
 * HTTP API.
 *
 * Lambda (arm64, Node 22, X-Ray, JSON logs into a log group created first)
 * -> published version -> alias `live` (canary split to the newest version)
 * <- HTTP API integration (payload 2.0) on the `$default` route and stage,
 * with access logs and throttling. An HTTP API rather than a function URL:
 * a public function URL needs `lambda:InvokeFunctionUrl` plus, since October
 * 2025, `lambda:InvokeFunction` granted to everyone; the HTTP API invokes the
 * alias with a permission scoped to this API's ARN instead.
 */
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { LambdaProvisionedConcurrencyConfig } from "@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config";
import { Annotations, AssetType, Fn, Op, TerraformAsset, Token } from "cdktf";
import type { Construct } from "constructs";
import { assertSpec } from "../contract/spec-validation";
import { TargetConstruct, type TargetProps } from "../contract/target";
import { plainVariables, secretVariables, type WorkloadEnvironment } from "../contract/workload-environment";
import type { FunctionBundle } from "../service";
import { WorkloadKey } from "./encryption";
import { type PolicyStatement, ServiceRole, workloadBoundaryArn } from "./identity";
import { retainedLogGroup } from "./logs";
import { awsName, baseName, NAME_LIMITS } from "./naming";
import { generatedSecretParameter, LAMBDA_SECRET_SUFFIX, parameterArn, secretParameterName } from "./secrets";
import type { AwsSettings } from "./settings";
import { AWS_LIMITS } from "./validation";
import { LAMBDA_ARCHITECTURE, LAMBDA_HANDLER, LAMBDA_RUNTIME } from "./workload";

export type { AwsSettings } from "./settings";

/** Name of the alias the HTTP API invokes. */
export const LIVE_ALIAS = "live";
/** API Gateway HTTP APIs end an integration after 30 s, whatever the function's timeout. */
export const HTTP_API_MAX_TIMEOUT_SECONDS = 30;

/**
 * `originSecret`: Lambda has no secret references, so it is stored as an SSM
 * SecureString (this target's KMS key) and the function gets its name in
 * ORIGIN_SECRET_PARAMETER, read once per cold start.
 * `protect`: log groups kept on destroy, the longest KMS deletion window.
 */
export interface FunctionTargetProps extends TargetProps<AwsSettings> {
  /** The workload's Lambda zip (`index.handler`), built by app/build/bundles.ts. */
  readonly bundle: FunctionBundle;
  /**
   * Steady-state requests per second the HTTP API lets through before 429.
   * @default 100
   */
  readonly throttleRateLimit?: number;
  /**
   * Requests the HTTP API lets through in a burst above the rate.
   * @default 200
   */
  readonly throttleBurstLimit?: number;
}

export class FunctionTarget extends TargetConstruct {
  readonly function: LambdaFunction;
  readonly alias: LambdaAlias;
  readonly api: Apigatewayv2Api;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: FunctionTargetProps) {
    super(scope, id, props, { cloud: "aws", kind: "function", region: props.settings.region });
    const { spec, settings } = props;
    const rateLimit = props.throttleRateLimit ?? 100;
    const burstLimit = props.throttleBurstLimit ?? 200;
    assertSpec(this, spec, AWS_LIMITS.function, [
      ...(Token.isUnresolved(rateLimit) || rateLimit > 0
        ? []
        : [`props.throttleRateLimit: ${rateLimit} must be greater than 0`]),
      ...(Token.isUnresolved(burstLimit) || burstLimit > 0
        ? []
        : [`props.throttleBurstLimit: ${burstLimit} must be greater than 0`]),
    ]);
    if (!Token.isUnresolved(spec.timeoutSeconds) && spec.timeoutSeconds > HTTP_API_MAX_TIMEOUT_SECONDS) {
      Annotations.of(this).addWarning(
        `timeoutSeconds ${spec.timeoutSeconds}: the HTTP API ends requests after ${HTTP_API_MAX_TIMEOUT_SECONDS} s; the function may run longer`,
      );
    }

    const name = awsName([baseName(spec)], NAME_LIMITS.lambdaFunction);
    const key = new WorkloadKey(this, "key", {
      alias: `${name}-function`,
      description: `${name} function: logs and environment`,
      accountId: settings.accountId,
      region: settings.region,
    });
    const logs = retainedLogGroup(this, "logs", {
      name: `/aws/lambda/${name}`,
      retentionDays: spec.logRetentionDays,
      kmsKeyArn: key.arn,
    });
    const accessLogs = retainedLogGroup(this, "access-logs", {
      name: `/aws/apigateway/${name}`,
      retentionDays: spec.logRetentionDays,
      kmsKeyArn: key.arn,
    });

    const secretParameters = this.storeSecrets(spec, settings, key.arn);
    const statements: PolicyStatement[] = [
      {
        Sid: "OwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logs.arn}:log-stream:*`,
      },
      {
        // X-Ray has no resource-level permissions: these two actions need "*".
        Sid: "Tracing",
        Effect: "Allow",
        Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
        Resource: "*",
      },
      { Sid: "DecryptEnvironment", Effect: "Allow", Action: ["kms:Decrypt"], Resource: key.arn },
    ];
    if (secretParameters.length > 0) {
      statements.push({
        Sid: "ReadSecrets",
        Effect: "Allow",
        Action: ["ssm:GetParameter"],
        Resource: secretParameters.map((p) => p.arn),
      });
    }
    this.role = new ServiceRole(this, "role", {
      name: awsName([name, "function"], NAME_LIMITS.iamRole),
      description: `${name} Lambda: its own log group, X-Ray, its KMS key`,
      service: "lambda.amazonaws.com",
      permissionsBoundary: workloadBoundaryArn(settings.accountId, spec),
      statements,
    });

    const asset = new TerraformAsset(this, "bundle", {
      path: props.bundle.path,
      type: AssetType.FILE,
      assetHash: props.bundle.sha256,
    });
    this.function = new LambdaFunction(this, "function", {
      functionName: name,
      description: `${spec.name} ${spec.version} (${spec.environment})`,
      role: this.role.arn,
      handler: LAMBDA_HANDLER,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      filename: asset.path,
      // Lambda compares base64 SHA-256 with the code it holds: only a code change updates it.
      sourceCodeHash: Buffer.from(props.bundle.sha256, "hex").toString("base64"),
      memorySize: spec.memoryMb,
      timeout: spec.timeoutSeconds,
      reservedConcurrentExecutions: spec.maxInstances,
      publish: true,
      kmsKeyArn: key.arn,
      environment: { variables: lambdaVariables(this.workloadEnvironment, secretParameters) },
      tracingConfig: { mode: "Active" },
      loggingConfig: {
        logFormat: "JSON",
        logGroup: logs.name,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
      // The role's policy must exist before the first invocation writes logs.
      dependsOn: this.role.policy === undefined ? [] : [this.role.policy],
    });

    this.alias = new LambdaAlias(this, "alias", {
      name: LIVE_ALIAS,
      description: "Traffic from the HTTP API",
      functionName: this.function.functionName,
      ...liveAliasVersions(this.function.version, spec.canaryPercent),
    });
    if (spec.minInstances > 0) {
      new LambdaProvisionedConcurrencyConfig(this, "warm", {
        functionName: this.function.functionName,
        qualifier: this.alias.name,
        provisionedConcurrentExecutions: spec.minInstances,
      });
    }

    this.api = new Apigatewayv2Api(this, "api", {
      name: awsName([name], NAME_LIMITS.httpApi),
      description: `${spec.name} (${spec.environment}) function target`,
      protocolType: "HTTP",
    });
    const integration = new Apigatewayv2Integration(this, "integration", {
      apiId: this.api.id,
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      integrationUri: this.alias.invokeArn,
      payloadFormatVersion: "2.0",
      timeoutMilliseconds: Math.min(spec.timeoutSeconds, HTTP_API_MAX_TIMEOUT_SECONDS) * 1000,
    });
    new Apigatewayv2Route(this, "route", {
      apiId: this.api.id,
      routeKey: "$default",
      target: `integrations/${integration.id}`,
    });
    new Apigatewayv2Stage(this, "stage", {
      apiId: this.api.id,
      name: "$default",
      autoDeploy: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      defaultRouteSettings: {
        throttlingRateLimit: rateLimit,
        throttlingBurstLimit: burstLimit,
        detailedMetricsEnabled: true,
      },
    });
    new LambdaPermission(this, "invoke", {
      statementId: "AllowThisHttpApi",
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      qualifier: this.alias.name,
      principal: "apigateway.amazonaws.com",
      // Any stage and route of this API only.
      sourceArn: `${this.api.executionArn}/*`,
    });

    this.expose(this.api.apiEndpoint, {
      name: this.function.functionName,
      region: settings.region,
      scope: { alias: this.alias.name },
    });
  }

  /**
   * The SSM parameter of every secret variable: the spec's secrets where an
   * operator keeps them, and the generated origin secret stored here first
   * (under `function/`, beside the container target's own copy).
   */
  private storeSecrets(spec: FunctionTargetProps["spec"], settings: AwsSettings, keyArn: string): SecretParameter[] {
    return secretVariables(this.workloadEnvironment).map(([variable, ref]) => {
      if (ref.value === undefined) {
        const name = secretParameterName(spec, ref.secret);
        return { variable, name, arn: parameterArn(settings.region, settings.accountId, name) };
      }
      const name = secretParameterName(spec, `function/${ref.secret}`);
      const parameter = generatedSecretParameter(this, "origin-secret", { name, value: ref.value, keyArn });
      return { variable, name, arn: parameter.arn };
    });
  }
}

/** Where a secret variable's value is read from: an SSM parameter. */
interface SecretParameter {
  readonly variable: string;
  /** Parameter name, a literal (readable in plans). */
  readonly name: string;
  readonly arn: string;
}

/**
 * The workload's variables as Lambda variables. Lambda has no secret
 * references: every secret arrives as `<NAME>_PARAMETER`, the SSM parameter
 * the workload reads; no secret value is ever a variable.
 */
function lambdaVariables(env: WorkloadEnvironment, secrets: readonly SecretParameter[]): Record<string, string> {
  return {
    ...plainVariables(env),
    ...Object.fromEntries(secrets.map((s) => [`${s.variable}${LAMBDA_SECRET_SUFFIX}`, s.name])),
  };
}

/** One JSON object per request in the access log group. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTimeEpoch",
  method: "$context.httpMethod",
  path: "$context.path",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  latencyMs: "$context.responseLatency",
  integrationLatencyMs: "$context.integrationLatency",
  integrationError: "$context.integrationErrorMessage",
});

/**
 * The alias's versions. Without a canary it points at the newest published
 * version. With one, the newest version (this apply's code and config) is the
 * canary and gets `canaryPercent`; the version published before it keeps the
 * rest. Lambda numbers versions 1, 2, 3... per function, so "before" is
 * `latest - 1`; on the very first deployment (version 1) there is nothing
 * to split with, and version 1 takes all traffic. Setting canaryPercent to 0
 * promotes the newest version.
 */
export function liveAliasVersions(
  latest: string,
  canaryPercent: number,
): Pick<ConstructorParameters<typeof LambdaAlias>[2], "functionVersion" | "routingConfig"> {
  if (canaryPercent === 0) return { functionVersion: latest };
  const first = Op.eq(latest, "1");
  return {
    functionVersion: Token.asString(Fn.conditional(first, latest, Fn.tostring(Op.sub(Fn.tonumber(latest), 1)))),
    routingConfig: {
      additionalVersionWeights: Token.asNumberMap(
        Fn.conditional(first, Fn.zipmap([], []), Fn.zipmap([latest], [canaryPercent / 100])),
      ),
    },
  };
}
