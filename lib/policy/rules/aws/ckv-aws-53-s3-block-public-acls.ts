import { publicAccessBlockRule } from "./s3-public-access-block";

export const s3BlockPublicAcls = publicAccessBlockRule(
  "CKV_AWS_53",
  "block_public_acls",
  "blockPublicAcls",
  "refuse new public ACLs",
);
