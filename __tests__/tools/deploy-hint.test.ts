/**
 * `npx cdktf deploy <env>` says what this machine misses before Terraform
 * does: the app (main.ts) finds the CLI's command among its ancestors and
 * prints what doctor would FAIL. The app printing it, run as the CLI runs it
 * (a stub `cdktf` at the process boundary), is checked on the fast tier's one
 * run of the whole app in a process: policy/secrets.test.ts.
 */
import { join } from "node:path";
import { deployHint, findInvocation, invocationOf, type ProcessReader } from "../../tools/deploy-hint";
import type { Probe } from "../../tools/doctor";
import { shippedEnvironments } from "../helpers/environments";

const ROOT = join(__dirname, "..", "..");
const SHIPPED = shippedEnvironments();

/** A machine with nothing: no binary, no variable, no login file. */
const bare: Probe = {
  env: {},
  nodeVersion: process.version,
  home: "/nonexistent",
  root: ROOT,
  which: () => undefined,
  version: () => undefined,
  exists: () => false,
};

describe("the deploy hint", () => {
  it("reads the cdktf command and stacks from the CLI's command line", () => {
    expect(invocationOf(["node", "/repo/node_modules/.bin/cdktf", "deploy", "staging", "--auto-approve"])).toEqual({
      command: "deploy",
      stacks: ["staging"],
    });
    expect(invocationOf(["node", "/x/cdktf-cli/bundle/bin/cdktf", "diff"])).toEqual({ command: "diff", stacks: [] });
    expect(invocationOf(["node", "bin/run.cjs", "main.ts"])).toBeUndefined();
    // The CLI is an ancestor: a shell and bin/run.cjs sit between.
    const tree: Record<number, [string[], number]> = {
      30: [["node", "bin/run.cjs", "main.ts"], 20],
      20: [["/bin/sh", "-c", "node bin/run.cjs main.ts"], 10],
      10: [["node", "/repo/node_modules/.bin/cdktf", "destroy", "dev"], 1],
    };
    const reader: ProcessReader = { argv: (pid) => tree[pid]?.[0], parent: (pid) => tree[pid]?.[1] };
    expect(findInvocation(30, reader)).toEqual({ command: "destroy", stacks: ["dev"] });
    expect(findInvocation(30, { argv: () => undefined, parent: () => undefined })).toBeUndefined();
  });

  it("names what is missing for the environment named, and points to doctor", () => {
    const [env] = SHIPPED;
    const hint = deployHint({ command: "deploy", stacks: [env.name] }, SHIPPED, bare) ?? "";
    expect(hint.split("\n")[0]).toBe(`cdktf deploy ${env.name}: Terraform will stop on what this machine is missing:`);
    expect(hint).toContain("terraform or tofu: not on PATH");
    for (const cloud of env.clouds) {
      expect(hint).toContain(
        `${env.name}: ${{ aws: "AWS", azure: "Azure", gcp: "GCP" }[cloud]} credentials: none found`,
      );
    }
    expect(hint).toContain(`${env.name}: Cloudflare credentials: none found`);
    expect(hint.split("\n").at(-1)).toBe(`Run \`npm run doctor -- ${env.name}\` for every check and what to do.`);
    // Only the environment named.
    for (const other of SHIPPED.filter((e) => e.name !== env.name)) expect(hint).not.toContain(`  - ${other.name}: `);
  });

  it("asks GitLab-managed state for its token", () => {
    const http = SHIPPED.find((env) => env.backend.type === "http");
    if (http === undefined) return; // a fork without GitLab-managed state has no token to ask for
    const hint = deployHint({ command: "diff", stacks: [http.name] }, SHIPPED, bare) ?? "";
    expect(hint).toContain(`${http.name}: state: GitLab-managed on ${http.company.gitlab.host}`);
    expect(hint).toContain("TF_HTTP_USERNAME and TF_HTTP_PASSWORD not set");
  });

  it("says nothing for synth, nor when nothing is missing; warns for every environment when the command is unknown", () => {
    expect(deployHint({ command: "synth", stacks: [] }, SHIPPED, bare)).toBeUndefined();
    const ready: Probe = {
      ...bare,
      env: {
        AWS_PROFILE: "p",
        ARM_CLIENT_ID: "i",
        ARM_CLIENT_SECRET: "s",
        GOOGLE_CREDENTIALS: "{}",
        CLOUDFLARE_API_TOKEN: "t",
        TF_HTTP_USERNAME: "u",
        TF_HTTP_PASSWORD: "p",
      },
      which: (command) => (command === "terraform" ? "/usr/bin/terraform" : undefined),
      version: () => "Terraform v1.13.0",
    };
    expect(deployHint({ command: "deploy", stacks: [] }, SHIPPED, ready)).toBeUndefined();
    const unknown = deployHint(undefined, SHIPPED, bare) ?? "";
    expect(unknown.split("\n")[0]).toBe(
      "If you are about to deploy or diff: Terraform will stop on what this machine is missing:",
    );
    for (const env of SHIPPED) expect(unknown).toContain(`  - ${env.name}: `);
  });
});
