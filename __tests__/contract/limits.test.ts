import { AWS_PLATFORM_LIMITS, LAMBDA_RESERVED_VARIABLES } from "../../lib/aws/limits";
import { AZURE_PLATFORM_LIMITS, CONTAINER_APP_PROBE_LIMITS } from "../../lib/azure/limits";
import { type DocumentedLimit, limitProblem } from "../../lib/contract/limits";
import {
  CLOUDFLARE_LIMITS,
  CLOUDFLARE_PLAN_REQUIREMENTS,
  planAllows,
  WEBHOOK_TEST_ON_CREATE,
} from "../../lib/edge/limits";
import { CLOUD_RUN_RESERVED_VARIABLES, GCP_PLATFORM_LIMITS } from "../../lib/gcp/limits";
import { concurrencyProblems } from "../../lib/gcp/validation";

const TABLES: Readonly<Record<string, Readonly<Record<string, { readonly doc: string }>>>> = {
  aws: { ...AWS_PLATFORM_LIMITS, reservedVariables: LAMBDA_RESERVED_VARIABLES },
  azure: { ...AZURE_PLATFORM_LIMITS, ...CONTAINER_APP_PROBE_LIMITS },
  gcp: { ...GCP_PLATFORM_LIMITS, reservedVariables: CLOUD_RUN_RESERVED_VARIABLES },
  edge: { ...CLOUDFLARE_LIMITS, ...CLOUDFLARE_PLAN_REQUIREMENTS, webhookTest: WEBHOOK_TEST_ON_CREATE },
};

describe("limits tables", () => {
  it.each(Object.keys(TABLES))("%s: every limit names the https page that states it", (cloud) => {
    for (const [name, limit] of Object.entries(TABLES[cloud])) {
      expect({ name, doc: limit.doc }).toEqual({ name, doc: expect.stringMatching(/^https:\/\/[^\s)]+$/) });
    }
  });

  const range: DocumentedLimit = { by: "Product", min: 1, max: 10, doc: "https://example.test/limits" };

  it("names the field, the bound, the product and the page; nothing for a value in range", () => {
    expect(limitProblem("props.x", 11, range)).toBe(
      "props.x: 11 is above the maximum of 10 on Product (https://example.test/limits)",
    );
    expect(limitProblem("props.x", 0, range)).toBe(
      "props.x: 0 is below the minimum of 1 on Product (https://example.test/limits)",
    );
    expect(limitProblem("props.x", Number.NaN, range)).toMatch(/^props\.x: NaN is not a number/);
    expect(limitProblem("props.x", 10, range)).toBeUndefined();
    expect(limitProblem("props.x", 1, range)).toBeUndefined();
  });

  it("refuses a value outside a list of accepted values", () => {
    const sizes = AZURE_PLATFORM_LIMITS.flexInstanceMemoryMb;
    expect(limitProblem("m", 1024, sizes)).toMatch(/^m: 1024 is not one of 512, 2048, 4096 on Flex Consumption/);
    expect(limitProblem("m", 2048, sizes)).toBeUndefined();
  });

  it("checks a GCP target's concurrency against Cloud Run's documented 1-1000", () => {
    expect(concurrencyProblems(80)).toEqual([]);
    expect(concurrencyProblems(1001)).toEqual([
      `props.concurrency: 1001 is above the maximum of 1000 on Cloud Run (${GCP_PLATFORM_LIMITS.concurrency.doc})`,
    ]);
    expect(concurrencyProblems(0)).toHaveLength(1);
  });

  it("knows which zone plans have health checks and HTTP-error alerts", () => {
    expect(planAllows("free", CLOUDFLARE_PLAN_REQUIREMENTS.healthChecks)).toBe(false);
    expect(planAllows("pro", CLOUDFLARE_PLAN_REQUIREMENTS.healthChecks)).toBe(true);
    expect(planAllows("pro", CLOUDFLARE_PLAN_REQUIREMENTS.httpErrorAlerts)).toBe(false);
    expect(planAllows("business", CLOUDFLARE_PLAN_REQUIREMENTS.httpErrorAlerts)).toBe(true);
    expect(planAllows("enterprise", CLOUDFLARE_PLAN_REQUIREMENTS.httpErrorAlerts)).toBe(true);
  });
});
