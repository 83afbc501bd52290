/**
 * The container target's public entry: an internet-facing ALB in the public
 * subnets. HTTPS (TLS 1.2+ policy) forwards to the tasks, HTTP only redirects
 * to HTTPS, invalid header fields are dropped, access logs go to S3. The
 * origin hostname (`aws-origin.<domain>` by default) is a DNS-only CNAME to
 * the ALB in the environment's Cloudflare zone, so the edge reaches it by a
 * name its certificate covers.
 *
 * Security groups: the ALB admits 443 and 80 from anywhere and may only talk
 * to the tasks' port; the tasks admit only the ALB and may only leave on 443
 * (ECR, CloudWatch, SSM).
 */

import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Construct } from "constructs";
import { AccessLogBucket } from "./access-logs";
import { OriginCertificate } from "./certificate";
import { awsName, globallyUniqueName, NAME_LIMITS } from "./naming";
import type { Network } from "./network";

/** TLS 1.3 and 1.2 with forward-secret AEAD ciphers only. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";
const ANYWHERE = "0.0.0.0/0";
const ACCESS_LOG_PREFIX = "alb";

export interface OriginLoadBalancerProps {
  /** `<service>-<environment>`, the stem of the names. */
  readonly name: string;
  readonly network: Network;
  readonly region: string;
  readonly accountId: string;
  /** Port the containers listen on. */
  readonly containerPort: number;
  /** Path the target groups probe; 200 means healthy. */
  readonly healthPath: string;
  /** ALB idle timeout: how long a connection may be silent, in seconds (1-4000). */
  readonly idleTimeoutSeconds: number;
  /** Days access logs are kept. */
  readonly logRetentionDays: number;
  /** Hostname the ALB answers as (the certificate's name). */
  readonly hostname: string;
  /** Cloudflare zone of `hostname`. */
  readonly zoneId: string;
  /** @default - an ACM certificate validated through Cloudflare */
  readonly certificateArn?: string;
  /**
   * A second target group and a weighted listener rule, for ECS canary deployments.
   * @default false
   */
  readonly canary?: boolean;
}

export class OriginLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly albSecurityGroup: SecurityGroup;
  readonly taskSecurityGroup: SecurityGroup;
  /** Where ECS registers tasks; with a canary, ECS alternates between the two. */
  readonly primaryTargetGroup: LbTargetGroup;
  /** Only with `canary`: the target group of the next deployment. */
  readonly alternateTargetGroup?: LbTargetGroup;
  readonly httpsListener: LbListener;
  /** Only with `canary`: the rule whose weights ECS shifts during a deployment. */
  readonly productionRule?: LbListenerRule;
  /** `https://<hostname>` */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: OriginLoadBalancerProps) {
    super(scope, id);
    const { network, name } = props;

    this.albSecurityGroup = new SecurityGroup(this, "alb-sg", {
      name: awsName([name, "alb"], NAME_LIMITS.securityGroup),
      description: `${name} load balancer: HTTPS and HTTP redirect in, tasks out`,
      vpcId: network.vpc.id,
    });
    this.taskSecurityGroup = new SecurityGroup(this, "task-sg", {
      name: awsName([name, "tasks"], NAME_LIMITS.securityGroup),
      description: `${name} tasks: only from the load balancer`,
      vpcId: network.vpc.id,
    });
    this.addSecurityGroupRules(props.containerPort);
    this.loadBalancer = this.createLoadBalancer(props);

    this.primaryTargetGroup = this.createTargetGroup("a", props);
    this.alternateTargetGroup = (props.canary ?? false) ? this.createTargetGroup("b", props) : undefined;
    this.httpsListener = this.createListeners(props);
    this.productionRule = this.createProductionRule();

    const origin = new DnsRecord(this, "origin-dns", {
      zoneId: props.zoneId,
      name: props.hostname,
      type: "CNAME",
      content: this.loadBalancer.dnsName,
      ttl: 300,
      // DNS-only: the edge Worker fetches this name directly and the ALB's certificate covers it.
      proxied: false,
    });
    this.endpoint = `https://${origin.name}`;
  }

  /** The ALB admits 443 and 80 from anywhere and talks only to the tasks; the tasks admit only the ALB and leave on 443. */
  private addSecurityGroupRules(containerPort: number): void {
    for (const [port, why] of [
      [443, "HTTPS from the edge"],
      [80, "HTTP, redirected to HTTPS"],
    ] as const) {
      new VpcSecurityGroupIngressRule(this, `alb-in-${port}`, {
        securityGroupId: this.albSecurityGroup.id,
        description: why,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: ANYWHERE,
      });
    }
    new VpcSecurityGroupEgressRule(this, "alb-out-tasks", {
      securityGroupId: this.albSecurityGroup.id,
      description: "Requests and health checks to the tasks",
      ipProtocol: "tcp",
      fromPort: containerPort,
      toPort: containerPort,
      referencedSecurityGroupId: this.taskSecurityGroup.id,
    });
    new VpcSecurityGroupIngressRule(this, "tasks-in-alb", {
      securityGroupId: this.taskSecurityGroup.id,
      description: "Only the load balancer",
      ipProtocol: "tcp",
      fromPort: containerPort,
      toPort: containerPort,
      referencedSecurityGroupId: this.albSecurityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "tasks-out-https", {
      securityGroupId: this.taskSecurityGroup.id,
      description: "HTTPS to ECR, CloudWatch Logs and SSM",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: ANYWHERE,
    });
  }

  /** The internet-facing ALB in the public subnets, dropping invalid headers, logging to its own bucket. */
  private createLoadBalancer(props: OriginLoadBalancerProps): Lb {
    const { name } = props;
    const logs = new AccessLogBucket(this, "access-logs", {
      name: globallyUniqueName([name, "alb-logs"], props, NAME_LIMITS.s3Bucket),
      region: props.region,
      accountId: props.accountId,
      prefix: ACCESS_LOG_PREFIX,
      retentionDays: props.logRetentionDays,
    });
    return new Lb(this, "alb", {
      name: awsName([name], NAME_LIMITS.loadBalancer),
      loadBalancerType: "application",
      internal: false,
      securityGroups: [this.albSecurityGroup.id],
      subnets: props.network.publicSubnets.map((s) => s.id),
      dropInvalidHeaderFields: true,
      idleTimeout: props.idleTimeoutSeconds,
      accessLogs: { bucket: logs.bucket.id, prefix: ACCESS_LOG_PREFIX, enabled: true },
      dependsOn: [logs.policy],
    });
  }

  /** A target group of task IPs (`a`, and `b` for the canary), probing the health path. */
  private createTargetGroup(suffix: string, props: OriginLoadBalancerProps): LbTargetGroup {
    return new LbTargetGroup(this, `targets-${suffix}`, {
      name: awsName([props.name, suffix], NAME_LIMITS.targetGroup),
      vpcId: props.network.vpc.id,
      targetType: "ip",
      protocol: "HTTP",
      port: props.containerPort,
      // Draining shorter than the 300 s default: requests are short, deployments faster.
      deregistrationDelay: "30",
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        path: props.healthPath,
        port: "traffic-port",
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
  }

  /** HTTP redirects to HTTPS; HTTPS (with the origin certificate) forwards, or leaves routing to the production rule. */
  private createListeners(props: OriginLoadBalancerProps): LbListener {
    const certificate = new OriginCertificate(this, "tls", {
      hostname: props.hostname,
      zoneId: props.zoneId,
      certificateArn: props.certificateArn,
    });
    new LbListener(this, "http", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
    return new LbListener(this, "https", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: TLS_POLICY,
      certificateArn: certificate.arn,
      defaultAction:
        this.alternateTargetGroup === undefined
          ? [{ type: "forward", targetGroupArn: this.primaryTargetGroup.arn }]
          : // With a canary, the production rule takes every request.
            [
              {
                type: "fixed-response",
                fixedResponse: {
                  contentType: "application/json",
                  statusCode: "503",
                  messageBody: '{"error":"no route"}',
                },
              },
            ],
    });
  }

  /** With a canary: the rule whose weights ECS shifts between the two target groups. */
  private createProductionRule(): LbListenerRule | undefined {
    if (this.alternateTargetGroup === undefined) return undefined;
    return new LbListenerRule(this, "production", {
      listenerArn: this.httpsListener.arn,
      priority: 1,
      condition: [{ pathPattern: { values: ["/*"] } }],
      action: [
        {
          type: "forward",
          forward: {
            targetGroup: [
              { arn: this.primaryTargetGroup.arn, weight: 100 },
              { arn: this.alternateTargetGroup.arn, weight: 0 },
            ],
          },
        },
      ],
      // ECS shifts these weights during each deployment; Terraform must not shift them back.
      lifecycle: { ignoreChanges: ["action"] },
    });
  }
}
