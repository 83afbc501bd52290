/**
 * The shipped app run as the cdktf CLI runs it for `cdktf deploy <env>`: cdktf.json's
 * app command, a child of the CLI's process (stubbed at the process boundary, `sh -c
 * <app>`), CDKTF_OUTDIR set, with fake credentials in every variable the providers, the
 * state backend and CI read, only node on PATH and a home without logins. The one run
 * of the whole app in a process of the fast tier: shippedSynth (./environments.ts)
 * reads its output, and policy/secrets.test.ts checks none of these values leaked.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

// Distinctive fakes: a hit can only come from the environment.
export const FAKE_SECRETS: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: `${"AKIA"}FAKEFAKEFAKE7Q2Z`,
  AWS_SECRET_ACCESS_KEY: "fake-aws-secret-access-key-4e8c1d2b9a",
  AWS_SESSION_TOKEN: "fake-aws-session-token-IQoJb3JpZ2luX2VjE7b3c",
  ARM_CLIENT_SECRET: "fake-arm-client-secret-Q8~s9f7Xk2",
  ARM_OIDC_TOKEN: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmYWtlLWFybS1vaWRjIn0.ZmFrZS1hcm0tb2lkYy1zaWduYXR1cmU",
  GOOGLE_CREDENTIALS: JSON.stringify({
    type: "service_account",
    project_id: "blueprint-dev-000001",
    private_key_id: "fakefakefake0123456789abcdef",
    private_key: `-----BEGIN ${"PRIVATE"} KEY-----\nZmFrZS1nb29nbGUtcHJpdmF0ZS1rZXktbWF0ZXJpYWw=\n-----END ${"PRIVATE"} KEY-----\n`,
    client_email: "fake@blueprint-dev-000001.iam.gserviceaccount.com",
  }),
  GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.fake-google-oauth-access-token-3f9",
  CLOUDFLARE_API_TOKEN: "fake-cloudflare-api-token-Zx81Lq0v",
  TF_HTTP_PASSWORD: `${"glpat"}-fakeTfHttpPassword0123`,
  GITLAB_TOKEN: `${"glpat"}-fakeGitlabToken987654321`,
  CI_JOB_TOKEN: "fake-ci-job-token-55aa77cc",
};

/** Runs `cdktf deploy <stack>` through the stub CLI in `work` (a scratch folder); the app writes to `outdir`. */
export function deployShippedApp(
  work: string,
  outdir: string,
  stack: string,
): { status: number | null; stdout: string; stderr: string } {
  const app = (JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app: string }).app;
  const cli = join(work, "cdktf");
  writeFileSync(cli, `#!/bin/sh\ncd "${ROOT}" && /bin/sh -c "${app}"\n`);
  chmodSync(cli, 0o755);
  mkdirSync(join(work, "bin"));
  symlinkSync(process.execPath, join(work, "bin", "node"));
  return spawnSync(cli, ["deploy", stack], {
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: join(work, "bin"), HOME: work, ...FAKE_SECRETS, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
  });
}
