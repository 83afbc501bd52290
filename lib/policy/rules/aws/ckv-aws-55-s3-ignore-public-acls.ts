import { publicAccessBlockRule } from "./s3-public-access-block";

export const s3IgnorePublicAcls = publicAccessBlockRule(
  "CKV_AWS_55",
  "ignore_public_acls",
  "ignorePublicAcls",
  "ignore existing public ACLs",
);
