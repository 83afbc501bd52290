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
import { Annotations, AssetType, Fn, TerraformAsset, Token } from "cdktf";
import type { Construct } from "constructs";
import type { TargetProps } from "../contract/target";
import { plainVariables, secretVariables, type WorkloadEnvironment } from "../contract/workload-environment";
import type { Rollout } from "../release";
import type { FunctionBundle } from "../service";
import { type WorkloadRoleReference, workloadRoleReference } from "./identity";
import { awsName, baseName, NAME_LIMITS } from "./naming";
import { parametersExtensionLayer } from "./parameters-extension";
import { LAMBDA_SECRET_SUFFIX, type SecretParameter } from "./secrets";
import type { AwsSettings } from "./settings";
import { AwsTarget } from "./target";
import { LAMBDA_ARCHITECTURE, LAMBDA_HANDLER, LAMBDA_RUNTIME } from "./workload";
import { awsWorkloadRoles } from "./workload-roles";

export type { AwsSettings } from "./settings";

/** Name of the alias the HTTP API invokes. */
export const LIVE_ALIAS = "live";
/** API Gateway HTTP APIs end an integration after 30 s, whatever the function's timeout. */
export const HTTP_API_MAX_TIMEOUT_SECONDS = 30;

/**
 * `originSecret`: Lambda has no secret references, so it is stored as an SSM
 * SecureString (this target's KMS key) and the function gets its name in
 * ORIGIN_SECRET_PARAMETER, read once per cold start through AWS's Parameters
 * and Secrets Lambda Extension (a layer; lib/aws/parameters-extension.ts).
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

export class FunctionTarget extends AwsTarget {
  readonly function: LambdaFunction;
  readonly alias: LambdaAlias;
  /** The version this apply publishes (a token): what the `live` alias moves to on promote. */
  readonly revision: string;
  readonly api: Apigatewayv2Api;
  /** The function's role, made by bootstrap. */
  readonly role: WorkloadRoleReference;

  constructor(scope: Construct, id: string, props: FunctionTargetProps) {
    const name = awsName([baseName(props.spec)], NAME_LIMITS.lambdaFunction);
    const throttle = throttleOf(props);
    super(scope, id, props, {
      kind: "function",
      key: { alias: `${name}-function`, description: `${name} function: logs and environment` },
      problems: (environment) => [
        ...extensionProblems(props, extensionLayer(environment, props.settings.region)),
        ...throttleProblems(throttle),
      ],
    });
    const { spec, settings } = props;
    this.warnAboveApiTimeout(spec);

    const logs = this.logGroup("logs", `/aws/lambda/${name}`);
    const accessLogs = this.logGroup("access-logs", `/aws/apigateway/${name}`);
    // The origin secret is stored under `function/`, beside the container target's own copy.
    const secrets = this.secretParameters("function/");
    // Made by bootstrap with these same names (lib/aws/workload-roles.ts): the stack only passes it.
    this.role = workloadRoleReference(settings, awsWorkloadRoles(spec, settings).function);
    this.function = this.createFunction(name, props, {
      keyArn: this.key.arn,
      logGroupName: logs.name,
      secrets,
      extensionLayer: extensionLayer(this.workloadEnvironment, settings.region).arn,
    });
    this.revision = this.function.version;
    this.alias = this.createLiveAlias(spec, props.rollout ?? { newPercent: 100 });
    this.api = this.createHttpApi(name, spec, accessLogs.arn, throttle);

    this.expose(this.api.apiEndpoint, {
      name: this.function.functionName,
      region: settings.region,
      scope: { alias: this.alias.name },
    });
  }

  /** The HTTP API ends integrations after 30 s: a longer function timeout only warns. */
  private warnAboveApiTimeout(spec: FunctionTargetProps["spec"]): void {
    if (!Token.isUnresolved(spec.timeoutSeconds) && spec.timeoutSeconds > HTTP_API_MAX_TIMEOUT_SECONDS) {
      Annotations.of(this).addWarning(
        `timeoutSeconds ${spec.timeoutSeconds}: the HTTP API ends requests after ${HTTP_API_MAX_TIMEOUT_SECONDS} s; the function may run longer`,
      );
    }
  }

  /**
   * The function from the bundle, publishing a version on every code change; secrets arrive as
   * parameter names, which it reads through the Parameters and Secrets extension layer.
   */
  private createFunction(
    name: string,
    props: FunctionTargetProps,
    uses: {
      readonly keyArn: string;
      readonly logGroupName: string;
      readonly secrets: readonly SecretParameter[];
      readonly extensionLayer: string | undefined;
    },
  ): LambdaFunction {
    const { spec, bundle } = props;
    const asset = new TerraformAsset(this, "bundle", {
      path: bundle.path,
      type: AssetType.FILE,
      assetHash: bundle.sha256,
    });
    return new LambdaFunction(this, "function", {
      functionName: name,
      description: `${spec.name} ${spec.version} (${spec.environment})`,
      role: this.role.arn,
      handler: LAMBDA_HANDLER,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      // AWS's Parameters and Secrets extension: the function reads SSM through localhost, no SDK bundled.
      layers: uses.extensionLayer === undefined ? undefined : [uses.extensionLayer],
      filename: asset.path,
      // Lambda compares base64 SHA-256 with the code it holds: only a code change updates it.
      sourceCodeHash: Buffer.from(bundle.sha256, "hex").toString("base64"),
      memorySize: spec.memoryMb,
      timeout: spec.timeoutSeconds,
      reservedConcurrentExecutions: spec.maxInstances,
      publish: true,
      kmsKeyArn: uses.keyArn,
      environment: { variables: lambdaVariables(this.workloadEnvironment, uses.secrets) },
      tracingConfig: { mode: "Active" },
      loggingConfig: {
        logFormat: "JSON",
        logGroup: uses.logGroupName,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
    });
  }

  /** The `live` alias the API invokes (split between releases during a canary), kept warm when minInstances > 0. */
  private createLiveAlias(spec: FunctionTargetProps["spec"], rollout: Rollout): LambdaAlias {
    const alias = new LambdaAlias(this, "alias", {
      name: LIVE_ALIAS,
      description: "Traffic from the HTTP API",
      functionName: this.function.functionName,
      ...liveAliasVersions(this.function.version, rollout),
    });
    if (spec.minInstances > 0) {
      new LambdaProvisionedConcurrencyConfig(this, "warm", {
        functionName: this.function.functionName,
        qualifier: alias.name,
        provisionedConcurrentExecutions: spec.minInstances,
      });
    }
    return alias;
  }

  /** The HTTP API in front of the alias: one proxy route, throttled, with JSON access logs. */
  private createHttpApi(
    name: string,
    spec: FunctionTargetProps["spec"],
    accessLogGroupArn: string,
    throttle: { readonly rateLimit: number; readonly burstLimit: number },
  ): Apigatewayv2Api {
    const api = new Apigatewayv2Api(this, "api", {
      name: awsName([name], NAME_LIMITS.httpApi),
      description: `${spec.name} (${spec.environment}) function target`,
      protocolType: "HTTP",
    });
    const integration = new Apigatewayv2Integration(this, "integration", {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      integrationUri: this.alias.invokeArn,
      payloadFormatVersion: "2.0",
      timeoutMilliseconds: Math.min(spec.timeoutSeconds, HTTP_API_MAX_TIMEOUT_SECONDS) * 1000,
    });
    new Apigatewayv2Route(this, "route", {
      apiId: api.id,
      routeKey: "$default",
      target: `integrations/${integration.id}`,
    });
    new Apigatewayv2Stage(this, "stage", {
      apiId: api.id,
      name: "$default",
      autoDeploy: true,
      accessLogSettings: { destinationArn: accessLogGroupArn, format: ACCESS_LOG_FORMAT },
      defaultRouteSettings: {
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
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
      sourceArn: `${api.executionArn}/*`,
    });
    return api;
  }
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
 * The alias's versions. `latest` is the version this apply publishes (the
 * new release); the stable version comes from the pipeline (the version the
 * alias pointed at after the last promote, lib/release.ts). Canary: the
 * stable version with `newPercent` routed to the new one; promote: the new
 * version alone; rollback: the stable version alone.
 */
export function liveAliasVersions(
  latest: string,
  rollout: Rollout,
): Pick<ConstructorParameters<typeof LambdaAlias>[2], "functionVersion" | "routingConfig"> {
  const { newPercent, stable } = rollout;
  if (stable === undefined || newPercent >= 100) return { functionVersion: latest };
  if (newPercent <= 0) return { functionVersion: stable };
  return {
    functionVersion: stable,
    routingConfig: { additionalVersionWeights: Token.asNumberMap(Fn.zipmap([latest], [newPercent / 100])) },
  };
}

/** The throttle the HTTP API applies: the props over the defaults. */
function throttleOf(props: FunctionTargetProps): { readonly rateLimit: number; readonly burstLimit: number } {
  return { rateLimit: props.throttleRateLimit ?? 100, burstLimit: props.throttleBurstLimit ?? 200 };
}

function throttleProblems({ rateLimit, burstLimit }: ReturnType<typeof throttleOf>): string[] {
  return [
    ...(Token.isUnresolved(rateLimit) || rateLimit > 0
      ? []
      : [`props.throttleRateLimit: ${rateLimit} must be greater than 0`]),
    ...(Token.isUnresolved(burstLimit) || burstLimit > 0
      ? []
      : [`props.throttleBurstLimit: ${burstLimit} must be greater than 0`]),
  ];
}

/** Only a function with secrets to read needs the Parameters and Secrets extension (and a region that has it). */
function extensionLayer(environment: WorkloadEnvironment, region: string): { arn?: string; problem?: string } {
  return secretVariables(environment).length > 0 ? parametersExtensionLayer(region) : {};
}

function extensionProblems(props: FunctionTargetProps, layer: { problem?: string }): string[] {
  return layer.problem === undefined ? [] : [`${props.spec.environment}.aws.region: ${layer.problem}`];
}
