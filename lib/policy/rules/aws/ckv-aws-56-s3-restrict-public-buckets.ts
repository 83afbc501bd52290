import { publicAccessBlockRule } from "./s3-public-access-block";

export const s3RestrictPublicBuckets = publicAccessBlockRule(
  "CKV_AWS_56",
  "restrict_public_buckets",
  "restrictPublicBuckets",
  "restrict buckets that have a public policy",
);
