import { policyDocument, trustPolicy } from "../../lib/aws/identity";
import { assertCloudWatchRetention } from "../../lib/aws/logs";

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

  it("accept only CloudWatch retention values", () => {
    expect(() => assertCloudWatchRetention(30)).not.toThrow();
    expect(() => assertCloudWatchRetention(45)).toThrow(/45.*use one of 1, 3, 5, 7, 14, 30/);
  });
});
