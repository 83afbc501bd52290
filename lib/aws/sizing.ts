/**
 * Fargate accepts only certain CPU/memory pairs per task. The task gets the
 * smallest pair that holds the spec's memory; the container inside is limited
 * to exactly the spec's memory, like the Lambda function.
 */
import { ConstructError } from "../contract/errors";

/** CPU units (1024 = 1 vCPU) and the task memory sizes Fargate allows with each, in MB. */
export const FARGATE_SIZES: readonly { readonly cpu: number; readonly memory: readonly number[] }[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
];

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}

export interface TaskSize {
  /** CPU units for the task definition. */
  readonly cpu: number;
  /** Task memory in MB (at least the container's). */
  readonly memory: number;
}

/**
 * The cheapest Fargate size whose memory is at least `memoryMb`, with at
 * least `minCpu` CPU units when given.
 */
export function fargateTaskSize(memoryMb: number, minCpu = 256): TaskSize {
  for (const { cpu, memory } of FARGATE_SIZES) {
    if (cpu < minCpu) continue;
    const fit = memory.find((m) => m >= memoryMb);
    if (fit !== undefined) return { cpu, memory: fit };
  }
  throw new ConstructError(
    "BPE_AWS_4",
    undefined,
    `no Fargate task size has ${memoryMb} MB of memory and ${minCpu} CPU units`,
  );
}
