/** The environment's `azure` block, as the Azure targets receive it. */
import type { EnvironmentConfig } from "../config/schema";

export type AzureSettings = NonNullable<EnvironmentConfig["azure"]>;
