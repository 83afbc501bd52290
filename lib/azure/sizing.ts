/**
 * Maps the cloud-neutral sizes of ServiceSpec onto the values Azure accepts.
 * Where Azure only offers fixed steps, the smallest step that is at least the
 * requested value is used (never less memory or retention than asked for).
 */

import { ConstructError } from "../contract/errors";
import { AZURE_PLATFORM_LIMITS } from "./limits";

/** Flex Consumption instance sizes, in MB (limits.ts). */
export const FLEX_INSTANCE_MEMORY_MB = AZURE_PLATFORM_LIMITS.flexInstanceMemoryMb.oneOf;

/** Log Analytics workspace retention: 30-730 days (7 is only for the legacy Free tier). */
export const WORKSPACE_RETENTION_DAYS = { min: 30, max: 730 } as const;

/** Retention values Application Insights accepts. */
export const APP_INSIGHTS_RETENTION_DAYS = [30, 60, 90, 120, 180, 270, 365, 550, 730] as const;

/** The Flex Consumption instance size for `memoryMb`. */
export function flexInstanceMemoryMb(memoryMb: number): number {
  const size = FLEX_INSTANCE_MEMORY_MB.find((mb) => mb >= memoryMb);
  if (size === undefined) {
    throw new ConstructError(
      "BPE_AZURE_8",
      undefined,
      `memoryMb ${memoryMb} is larger than the largest Flex Consumption instance (4096 MB)`,
    );
  }
  return size;
}

export interface ContainerResources {
  /** vCPU, in the consumption profile's 0.25 steps. */
  readonly cpu: number;
  /** Memory as Container Apps writes it ("0.5Gi", "1Gi", "1.5Gi"...). */
  readonly memory: string;
  /** The same memory in MB. */
  readonly memoryMb: number;
}

/**
 * Consumption-profile resources for `memoryMb`: memory in 0.5 GiB steps from
 * 0.5 to 4 GiB, with the fixed 1 vCPU : 2 GiB ratio the profile requires.
 */
export function containerResources(memoryMb: number): ContainerResources {
  const halfGiSteps = Math.max(1, Math.ceil(memoryMb / 512));
  if (halfGiSteps > 8) {
    throw new ConstructError(
      "BPE_AZURE_9",
      undefined,
      `memoryMb ${memoryMb} is larger than the largest Container Apps consumption size (4 GiB)`,
    );
  }
  const gi = halfGiSteps / 2;
  return { cpu: gi / 2, memory: `${gi}Gi`, memoryMb: halfGiSteps * 512 };
}

/** Parses a Container Apps memory value ("1.5Gi") back to MB. */
export function memoryToMb(memory: string): number {
  const match = /^(\d+(?:\.\d+)?)Gi$/.exec(memory);
  if (!match) throw new ConstructError("BPE_AZURE_10", undefined, `unexpected Container Apps memory "${memory}"`);
  return Number(match[1]) * 1024;
}

/** Log Analytics workspace retention for `days`. */
export function workspaceRetentionDays(days: number): number {
  return Math.min(Math.max(days, WORKSPACE_RETENTION_DAYS.min), WORKSPACE_RETENTION_DAYS.max);
}

/** Application Insights retention for `days`. */
export function appInsightsRetentionDays(days: number): number {
  return APP_INSIGHTS_RETENTION_DAYS.find((d) => d >= days) ?? 730;
}

/** `hh:mm:ss`, the format of the Functions host's `functionTimeout`. */
export function functionTimeout(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/** Seconds from a `hh:mm:ss` timeout. */
export function timeoutSeconds(value: string): number {
  const [h, m, s] = value.split(":").map(Number);
  return h * 3600 + m * 60 + s;
}
