/**
 * `node bin/run.cjs bench/one-bucket.ts`: the framework floor for `npm run bench`.
 * A cdktf app with one stack holding one AWS provider and one S3 bucket,
 * synthesized the way `npm run synth` runs (one esbuild bundle, plain Node):
 * what Node, cdktf and a provider binding cost before any of this project's
 * code runs. Writes into CDKTF_OUTDIR (the bench sets a temporary folder),
 * else into a new temporary folder, never into the project's cdktf.out.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { App, TerraformStack } from "cdktf";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? mkdtempSync(join(tmpdir(), "one-bucket-")) });
const stack = new TerraformStack(app, "floor");
new AwsProvider(stack, "aws", { region: "eu-west-1" });
new S3Bucket(stack, "bucket", { bucketPrefix: "floor-" });
app.synth();
console.log(`Synthesized 1 stack (1 resource) into ${app.outdir}`);
