import type { EnvironmentConfig } from "../config/schema";

/** The environment's `gcp` block (project, region, publicInvoker). */
export type GcpSettings = NonNullable<EnvironmentConfig["gcp"]>;
