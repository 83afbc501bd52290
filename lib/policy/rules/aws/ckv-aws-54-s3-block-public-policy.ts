import { publicAccessBlockRule } from "./s3-public-access-block";

export const s3BlockPublicPolicy = publicAccessBlockRule(
  "CKV_AWS_54",
  "block_public_policy",
  "blockPublicPolicy",
  "refuse public bucket policies",
);
