import { TerraformStack, Testing } from "cdktf";
import { policyDocument, ServiceRole, trustPolicy, workloadBoundaryArn } from "../../lib/aws/identity";
import { assertCloudWatchRetention } from "../../lib/aws/logs";
import { testApp } from "../helpers/environments";

describe("aws identity helpers", () => {
  it("refuse a wildcard action in an Allow, and accept one in a Deny", () => {
    expect(() => policyDocument([{ Effect: "Allow", Action: ["s3:*"], Resource: "*" }])).toThrow(
      /"s3:\*" has a wildcard/,
    );
    expect(() => policyDocument([{ Effect: "Allow", Action: ["ecr:Batch*"], Resource: "*" }])).toThrow(/wildcard/);
    expect(() => policyDocument([{ Effect: "Deny", Action: ["s3:*"], Resource: "*" }])).not.toThrow();
  });

  it("write trust policies for one service principal, with optional conditions", () => {
    expect(JSON.parse(trustPolicy("lambda.amazonaws.com"))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
    });
  });

  it("name one permissions boundary per service and environment, outside the workload's own names", () => {
    const arn = workloadBoundaryArn("123456789012", { name: "svc", environment: "qa" });
    expect(arn).toBe("arn:aws:iam::123456789012:policy/ci-svc-qa-workload-boundary");
    expect(arn).not.toContain(":policy/svc-qa-");
    expect(workloadBoundaryArn("123456789012", { name: "svc", environment: "qa2" })).not.toBe(arn);
  });

  it("put the boundary on every role they create", () => {
    // Not Testing.synthScope: its app would leave a temporary folder behind (helpers/environments.ts, testApp).
    const scope = new TerraformStack(testApp(), "stack");
    new ServiceRole(scope, "r", {
      name: "svc-qa-x",
      description: "d",
      service: "lambda.amazonaws.com",
      statements: [],
      permissionsBoundary: "arn:aws:iam::123456789012:policy/b",
    });
    expect(Object.values(JSON.parse(Testing.synth(scope)).resource.aws_iam_role)).toEqual([
      expect.objectContaining({ permissions_boundary: "arn:aws:iam::123456789012:policy/b" }),
    ]);
  });

  it("accept only CloudWatch retention values", () => {
    expect(() => assertCloudWatchRetention(30)).not.toThrow();
    expect(() => assertCloudWatchRetention(45)).toThrow(/45.*use one of 1, 3, 5, 7, 14, 30/);
  });
});
