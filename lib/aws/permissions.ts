/**
 * AWS's permission map and managed policy table.
 *
 * `AWS_PERMISSIONS`: per resource type the stacks synthesize (environment and
 * bootstrap), the IAM actions aws 6.25 calls to refresh it (plan) and to
 * create, update and delete it (deploy), as the Service Authorization
 * Reference names them
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html).
 *
 * `AWS_MANAGED_POLICY_TABLE`: the AWS managed policies bootstrap attaches,
 * as AWS documents them (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html):
 * PowerUserAccess whole; ReadOnlyAccess (version and date in
 * `AWS_POLICY_SOURCES`) only for the services the stacks use, copied as
 * published (wildcards and all). The inline policies bootstrap writes
 * (lib/bootstrap/aws.ts) are grants of their own, read from their code.
 */

import { documentedEntry, type Grant, type GrantSource, type PermissionMap } from "../permissions/coverage";

const words = (text: string): readonly string[] => text.split(/\s+/).filter((w) => w !== "");

/** Create, tag, delete for an EC2 resource that is created and deleted, and its Describe call. */
const ec2 = (describe: string, create: string, del: string, extra: readonly string[] = []) => ({
  plan: [`ec2:${describe}`],
  deploy: [`ec2:${create}`, `ec2:${del}`, "ec2:CreateTags", "ec2:DeleteTags", ...extra],
});

/**
 * An API Gateway v2 resource: its actions are the HTTP verbs of the management API
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonapigatewaymanagementv2.html),
 * GET to read, POST, PATCH and DELETE to write (and `more`).
 */
const apigateway = (...more: string[]) => ({
  plan: ["apigateway:GET"],
  deploy: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE", ...more],
});

export const AWS_PERMISSIONS: PermissionMap = {
  // Bootstrap's state stores (lib/bootstrap/state/aws.ts): who runs bootstrap, and the role behind the session.
  "data.aws_caller_identity": { plan: [], deploy: [], note: "sts:GetCallerIdentity needs no permission" },
  "data.aws_iam_session_context": { plan: ["iam:GetRole"], deploy: [] },
  // Not a resource: the s3 backend of a `cloud` state (lib/config/state.ts). Both identities lock
  // (use_lockfile writes <key>.tflock); the bucket policy keeps the plan's writes to the lock.
  aws_state_backend: {
    plan: ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "kms:Decrypt", "kms:GenerateDataKey"],
    deploy: [],
    note: "the s3 state backend: the bucket policy and the key policy of lib/bootstrap/state/aws.ts admit only the environment's roles",
  },
  aws_acm_certificate: {
    plan: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"],
    deploy: [
      "acm:RequestCertificate",
      "acm:DeleteCertificate",
      "acm:AddTagsToCertificate",
      "acm:RemoveTagsFromCertificate",
    ],
  },
  aws_acm_certificate_validation: { plan: ["acm:DescribeCertificate"], deploy: [] },
  aws_apigatewayv2_api: apigateway("apigateway:TagResource"),
  aws_apigatewayv2_integration: apigateway(),
  aws_apigatewayv2_route: apigateway(),
  aws_apigatewayv2_stage: apigateway(),
  aws_appautoscaling_policy: {
    plan: ["application-autoscaling:DescribeScalingPolicies"],
    deploy: ["application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy"],
  },
  aws_appautoscaling_target: {
    plan: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"],
    deploy: [
      "application-autoscaling:RegisterScalableTarget",
      "application-autoscaling:DeregisterScalableTarget",
      "application-autoscaling:TagResource",
      "iam:CreateServiceLinkedRole",
    ],
    note: "the first ECS scalable target creates Application Auto Scaling's service-linked role",
  },
  aws_cloudwatch_dashboard: {
    plan: ["cloudwatch:GetDashboard"],
    deploy: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"],
  },
  aws_cloudwatch_log_group: {
    plan: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
    deploy: [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:AssociateKmsKey",
      "logs:TagResource",
      "logs:UntagResource",
    ],
  },
  aws_cloudwatch_composite_alarm: {
    plan: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    deploy: ["cloudwatch:PutCompositeAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource"],
  },
  aws_cloudwatch_metric_alarm: {
    plan: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    deploy: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource"],
  },
  aws_default_security_group: {
    plan: ["ec2:DescribeSecurityGroups"],
    deploy: ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:CreateTags"],
  },
  aws_ecr_lifecycle_policy: {
    plan: ["ecr:GetLifecyclePolicy"],
    deploy: ["ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy"],
  },
  aws_ecr_repository: {
    plan: ["ecr:DescribeRepositories", "ecr:ListTagsForResource"],
    deploy: [
      "ecr:CreateRepository",
      "ecr:DeleteRepository",
      "ecr:PutImageScanningConfiguration",
      "ecr:PutImageTagMutability",
      "ecr:TagResource",
    ],
  },
  aws_ecs_cluster: {
    plan: ["ecs:DescribeClusters"],
    deploy: ["ecs:CreateCluster", "ecs:DeleteCluster", "ecs:UpdateCluster", "ecs:TagResource"],
  },
  aws_ecs_service: {
    plan: ["ecs:DescribeServices"],
    deploy: [
      "ecs:CreateService",
      "ecs:UpdateService",
      "ecs:DeleteService",
      "ecs:TagResource",
      "iam:CreateServiceLinkedRole",
    ],
    note: "the account's first ECS service creates ECS's service-linked role",
  },
  aws_ecs_task_definition: {
    plan: ["ecs:DescribeTaskDefinition"],
    deploy: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:TagResource", "iam:PassRole"],
    note: "PassRole for the task and execution roles",
  },
  aws_eip: ec2("DescribeAddresses", "AllocateAddress", "ReleaseAddress"),
  aws_iam_role: {
    plan: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
    deploy: [
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:PutRolePermissionsBoundary",
      "iam:ListInstanceProfilesForRole",
    ],
  },
  aws_iam_role_policy: { plan: ["iam:GetRolePolicy"], deploy: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"] },
  aws_internet_gateway: ec2("DescribeInternetGateways", "CreateInternetGateway", "DeleteInternetGateway", [
    "ec2:AttachInternetGateway",
    "ec2:DetachInternetGateway",
  ]),
  aws_kms_alias: { plan: ["kms:ListAliases"], deploy: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"] },
  aws_kms_key: {
    plan: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    deploy: [
      "kms:CreateKey",
      "kms:PutKeyPolicy",
      "kms:EnableKeyRotation",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
    ],
  },
  aws_lambda_alias: {
    plan: ["lambda:GetAlias"],
    deploy: ["lambda:CreateAlias", "lambda:UpdateAlias", "lambda:DeleteAlias"],
  },
  aws_lambda_function: {
    plan: ["lambda:GetFunction", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig"],
    deploy: [
      "lambda:CreateFunction",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:PublishVersion",
      "lambda:DeleteFunction",
      "lambda:TagResource",
      "lambda:GetLayerVersion",
      "iam:PassRole",
    ],
    note: "PassRole for the execution role; GetLayerVersion for a layer from another account",
  },
  aws_lambda_permission: { plan: ["lambda:GetPolicy"], deploy: ["lambda:AddPermission", "lambda:RemovePermission"] },
  aws_lambda_provisioned_concurrency_config: {
    plan: ["lambda:GetProvisionedConcurrencyConfig"],
    deploy: ["lambda:PutProvisionedConcurrencyConfig", "lambda:DeleteProvisionedConcurrencyConfig"],
  },
  aws_lb: {
    plan: [
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeTags",
    ],
    deploy: [
      "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:AddTags",
      "iam:CreateServiceLinkedRole",
    ],
    note: "the account's first load balancer creates Elastic Load Balancing's service-linked role",
  },
  aws_lb_listener: {
    plan: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes"],
    deploy: [
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:AddTags",
    ],
  },
  aws_lb_listener_rule: {
    plan: ["elasticloadbalancing:DescribeRules"],
    deploy: [
      "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:DeleteRule",
      "elasticloadbalancing:AddTags",
    ],
  },
  aws_lb_target_group: {
    plan: ["elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes"],
    deploy: [
      "elasticloadbalancing:CreateTargetGroup",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:AddTags",
    ],
  },
  aws_nat_gateway: ec2("DescribeNatGateways", "CreateNatGateway", "DeleteNatGateway"),
  aws_route: { plan: ["ec2:DescribeRouteTables"], deploy: ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"] },
  aws_route_table: ec2("DescribeRouteTables", "CreateRouteTable", "DeleteRouteTable"),
  aws_route53_health_check: {
    plan: ["route53:GetHealthCheck", "route53:ListTagsForResource"],
    deploy: [
      "route53:CreateHealthCheck",
      "route53:UpdateHealthCheck",
      "route53:DeleteHealthCheck",
      "route53:ChangeTagsForResource",
    ],
  },
  aws_route_table_association: {
    plan: ["ec2:DescribeRouteTables"],
    deploy: ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable"],
  },
  aws_s3_bucket: {
    plan: [
      "s3:ListBucket",
      "s3:GetBucketTagging",
      "s3:GetBucketAcl",
      "s3:GetBucketPolicy",
      "s3:GetBucketVersioning",
      "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetBucketObjectLockConfiguration",
    ],
    deploy: ["s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging"],
  },
  aws_s3_bucket_lifecycle_configuration: {
    plan: ["s3:GetLifecycleConfiguration"],
    deploy: ["s3:PutLifecycleConfiguration"],
  },
  aws_s3_bucket_ownership_controls: {
    plan: ["s3:GetBucketOwnershipControls"],
    deploy: ["s3:PutBucketOwnershipControls"],
  },
  aws_s3_bucket_policy: { plan: ["s3:GetBucketPolicy"], deploy: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"] },
  aws_s3_bucket_public_access_block: {
    plan: ["s3:GetBucketPublicAccessBlock"],
    deploy: ["s3:PutBucketPublicAccessBlock"],
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    plan: ["s3:GetEncryptionConfiguration"],
    deploy: ["s3:PutEncryptionConfiguration"],
  },
  aws_s3_bucket_versioning: { plan: ["s3:GetBucketVersioning"], deploy: ["s3:PutBucketVersioning"] },
  aws_security_group: ec2("DescribeSecurityGroups", "CreateSecurityGroup", "DeleteSecurityGroup", [
    "ec2:RevokeSecurityGroupEgress",
  ]),
  aws_sns_topic: {
    plan: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    deploy: ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:TagResource"],
  },
  aws_sns_topic_subscription: {
    plan: ["sns:GetSubscriptionAttributes"],
    deploy: ["sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes"],
  },
  aws_ssm_parameter: {
    plan: ["ssm:GetParameter", "ssm:DescribeParameters", "ssm:ListTagsForResource", "kms:Decrypt"],
    deploy: ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:AddTagsToResource", "kms:Encrypt", "kms:GenerateDataKey"],
    note: "refresh reads the SecureString value: ssm:GetParameter with decryption calls kms:Decrypt",
  },
  aws_subnet: ec2("DescribeSubnets", "CreateSubnet", "DeleteSubnet", ["ec2:ModifySubnetAttribute"]),
  aws_vpc: ec2("DescribeVpcs", "CreateVpc", "DeleteVpc", ["ec2:ModifyVpcAttribute", "ec2:DescribeVpcAttribute"]),
  aws_vpc_security_group_egress_rule: {
    plan: ["ec2:DescribeSecurityGroupRules"],
    deploy: ["ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:CreateTags"],
  },
  aws_vpc_security_group_ingress_rule: {
    plan: ["ec2:DescribeSecurityGroupRules"],
    deploy: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:CreateTags"],
  },
  // Bootstrap only (applied by an administrator, docs/bootstrap.md).
  aws_iam_openid_connect_provider: {
    plan: ["iam:GetOpenIDConnectProvider"],
    deploy: [
      "iam:CreateOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:TagOpenIDConnectProvider",
    ],
  },
  aws_iam_policy: {
    plan: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"],
    deploy: [
      "iam:CreatePolicy",
      "iam:CreatePolicyVersion",
      "iam:DeletePolicyVersion",
      "iam:DeletePolicy",
      "iam:TagPolicy",
    ],
  },
  aws_iam_role_policy_attachment: {
    plan: ["iam:ListAttachedRolePolicies"],
    deploy: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
  },
};

/** Where each managed policy's table comes from: its page, and the version date AWS gives. */
export const AWS_POLICY_SOURCES: Readonly<Record<string, GrantSource>> = {
  "arn:aws:iam::aws:policy/ReadOnlyAccess": {
    doc: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ReadOnlyAccess.html",
    date: "2026-07-21 (v188)",
  },
  "arn:aws:iam::aws:policy/PowerUserAccess": {
    doc: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html",
    date: "2023-07-06",
  },
  "arn:aws:iam::aws:policy/IAMFullAccess": {
    doc: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/IAMFullAccess.html",
    date: "2019-06-21 (v2)",
  },
};

/**
 * The managed policies bootstrap attaches, and the one docs/bootstrap.md asks
 * of the administrator (IAMFullAccess), as documented (ReadOnlyAccess: the
 * stacks' services only).
 */
export const AWS_MANAGED_POLICY_TABLE: Readonly<Record<string, Grant>> = {
  "arn:aws:iam::aws:policy/PowerUserAccess": {
    name: "arn:aws:iam::aws:policy/PowerUserAccess",
    statements: [
      { allow: ["*"], except: ["iam:*", "organizations:*", "account:*"] },
      {
        allow: [
          "iam:CreateServiceLinkedRole",
          "iam:DeleteServiceLinkedRole",
          "iam:ListRoles",
          "organizations:DescribeOrganization",
          "account:ListRegions",
          "account:GetAccountInformation",
        ],
      },
    ],
  },
  "arn:aws:iam::aws:policy/IAMFullAccess": {
    name: "arn:aws:iam::aws:policy/IAMFullAccess",
    statements: [
      {
        allow: [
          "iam:*",
          "organizations:DescribeAccount",
          "organizations:DescribeOrganization",
          "organizations:DescribeOrganizationalUnit",
          "organizations:DescribePolicy",
          "organizations:ListChildren",
          "organizations:ListParents",
          "organizations:ListPoliciesForTarget",
          "organizations:ListRoots",
          "organizations:ListPolicies",
          "organizations:ListTargetsForPolicy",
        ],
      },
    ],
  },
  "arn:aws:iam::aws:policy/ReadOnlyAccess": {
    name: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    statements: [
      {
        allow: words(`
        acm:Describe* acm:Get* acm:List* acm:SearchCertificates apigateway:GET apigateway:GetPortal
        apigateway:GetPortalProduct apigateway:GetProductPage apigateway:GetProductRestEndpointPage
        apigateway:GetRoutingRule apigateway:ListPortalProducts apigateway:ListPortals apigateway:ListProductPages
        apigateway:ListProductRestEndpointPages apigateway:ListRoutingRules application-autoscaling:Describe*
        application-autoscaling:GetPredictiveScalingForecast application-autoscaling:ListTagsForResource
        cloudwatch:Describe* cloudwatch:GenerateQuery cloudwatch:GenerateQueryResultsSummary cloudwatch:Get*
        cloudwatch:List* ec2:Describe* ec2:DescribeInstanceImageMetadata ec2:Get* ec2:ListImagesInRecycleBin
        ec2:ListSnapshotsInRecycleBin ec2:SearchLocalGatewayRoutes ec2:SearchTransitGatewayRoutes ecr:BatchCheck*
        ecr:BatchGet* ecr:Describe* ecr:Get* ecr:List* ecs:Describe* ecs:GetTaskProtection ecs:List*
        elasticloadbalancing:Describe* iam:Generate* iam:Get* iam:List* iam:Simulate* kms:Describe* kms:Get*
        kms:List* lambda:Get* lambda:List* logs:Describe* logs:FilterLogEvents logs:Get*
        logs:ListAggregateLogGroupSummaries logs:ListAnomalies logs:ListEntitiesForLogGroup logs:ListIntegrations
        logs:ListLogAnomalyDetectors logs:ListLogDeliveries logs:ListLogGroupsForEntity logs:ListLogGroupsForQuery
        logs:ListScheduledQueries logs:ListSourcesForS3TableIntegration logs:ListTagsForResource
        logs:ListTagsLogGroup logs:StartLiveTail logs:StartQuery logs:StopLiveTail logs:StopQuery
        logs:TestMetricFilter route53:Get* route53:List* route53:TestDNSAnswer s3:DescribeJob s3:Get* s3:List* sns:Check* sns:Get* sns:List* ssm:Describe* ssm:Get*
        ssm:List*        `),
      },
    ],
  },
};

/** A managed policy as a grant (throws for one the table does not have: add it from the docs first). */
export function awsManagedPolicyGrant(arn: string): Grant {
  return documentedEntry(AWS_MANAGED_POLICY_TABLE, arn, "AWS_MANAGED_POLICY_TABLE (lib/aws/permissions.ts)");
}
