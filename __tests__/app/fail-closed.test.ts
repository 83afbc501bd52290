/**
 * Fail closed on every adapter: a secret that is present but is not a
 * generated value (an unresolved platform reference, a short placeholder) is
 * refused with 503, even when a caller sends that exact text, which anyone
 * who can read the synthesized configuration could predict. Each adapter is
 * run from its shipped artifact (targets.ts); the check itself lives once in
 * app/app.ts, fed by app/origin-secret.ts.
 */
import { ORIGIN_SECRET, ORIGIN_SECRET_LENGTH, originSecretProblem } from "../../app/origin-secret";
import { SERVICE } from "../../lib/service";
import { type RunningTarget, TARGETS } from "./targets";

const GENERATED = "aB3".repeat(ORIGIN_SECRET_LENGTH / 3);

/** What a platform passes on when a reference does not resolve, or a template was never rendered. */
const UNRESOLVED = {
  azureKeyVault:
    "@Microsoft.KeyVault(SecretUri=https://shop-prod-kv.vault.azure.net/secrets/fn-origin-secret/0123456789abcdef)",
  azureKeyVaultName: "@Microsoft.KeyVault(VaultName=shop-prod-kv;SecretName=origin-secret)",
  keyVaultUrl: "https://shop-prod-kv.vault.azure.net/secrets/origin-secret",
  containerAppsRef: "secretref:origin-secret",
  cloudFormation: "{{resolve:ssm-secure:/shop/prod/ORIGIN_SECRET:1}}",
  terraform: ["$", "{random_password.origin-secret.result}"].join(""),
  shell: "$(cat /run/secrets/origin)",
  mustache: "{{ ORIGIN_SECRET }}",
  ssmArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/prod/ORIGIN_SECRET",
  secretsManagerArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-origin-AbCdEf",
  gcpSecret: "projects/shop-prod/secrets/shop-prod-fn-origin-secret/versions/latest",
  gcpSecretUrl: "sm://shop-prod/origin-secret",
} as const;

describe("originSecretProblem", () => {
  it("accepts a value shaped like the generated one", () => {
    expect(originSecretProblem(GENERATED)).toBeUndefined();
    expect(originSecretProblem(GENERATED + "Z".repeat(80))).toBeUndefined();
  });

  it.each(Object.entries(UNRESOLVED))(
    "refuses an unresolved reference (%s), naming it without the value",
    (_, value) => {
      const problem = originSecretProblem(value);
      expect(problem).toMatch(/did not resolve/);
      expect(problem).not.toContain(value);
    },
  );

  it("refuses a reference even when it is padded past the generated length", () => {
    expect(originSecretProblem(`${UNRESOLVED.cloudFormation}${"x".repeat(ORIGIN_SECRET_LENGTH)}`)).toMatch(
      /did not resolve/,
    );
  });

  it("refuses empty and short values", () => {
    expect(originSecretProblem(undefined)).toMatch(/not set/);
    expect(originSecretProblem("")).toMatch(/not set/);
    expect(originSecretProblem(GENERATED.slice(1))).toBe(
      `${ORIGIN_SECRET.envVar} is ${ORIGIN_SECRET_LENGTH - 1} characters, shorter than the ${ORIGIN_SECRET_LENGTH} generated`,
    );
  });
});

/**
 * Every shape on the adapters loaded in this process (cheap to start); two on those that start a runtime
 * of their own: a Node process, or workerd under Miniflare (about 0.3 s each). The check is one function
 * (app/app.ts), so two shapes prove an adapter feeds it.
 */
const startsRuntime = (target: (typeof TARGETS)[number]) => target.runsAsProcess || target.name === "cloudflare-worker";
const CASES = TARGETS.flatMap((target) =>
  (startsRuntime(target)
    ? [UNRESOLVED.azureKeyVault, GENERATED.slice(1)]
    : [...Object.values(UNRESOLVED), GENERATED.slice(1), "changeme"]
  ).map((secret) => ({ name: target.name, target, secret })),
);

describe.each(CASES)("$name with ORIGIN_SECRET=$secret", ({ target, secret }) => {
  let running: RunningTarget | undefined;
  beforeAll(async () => {
    running = await target.start({ [ORIGIN_SECRET.envVar]: secret });
  }, 30_000);
  afterAll(() => running?.stop());

  it("answers 503 even to a request carrying that exact value, keeps the health path, and logs why once", async () => {
    const run = running as RunningTarget;
    for (const path of ["/", "/echo"]) {
      const response = await run.send({
        method: path === "/echo" ? "POST" : "GET",
        path,
        headers: { [ORIGIN_SECRET.header]: secret },
        body: path === "/echo" ? "x" : undefined,
      });
      expect(response.status).toBe(503);
    }
    expect((await run.send({ method: "GET", path: SERVICE.healthPath })).status).toBe(200);
    // A process's stdout arrives after its response.
    const deadline = Date.now() + 3_000;
    const reasons = () => run.logLines().filter((line) => line.includes('"failing closed"'));
    while (reasons().length === 0 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
    expect(reasons()).toHaveLength(1);
    expect(reasons()[0]).not.toContain(secret);
  });
});
