/** The environment's `aws` block, as the AWS targets receive it. */
import type { EnvironmentConfig } from "../config/schema";

/** Region, account, network settings. */
export type AwsSettings = NonNullable<EnvironmentConfig["aws"]>;
