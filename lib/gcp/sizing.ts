/** Instance sizes and concurrency for Cloud Functions (2nd gen) and Cloud Run, from the spec's memory. */

/** Requests one instance serves at once (Cloud Run's default; needs a whole vCPU). */
export const DEFAULT_CONCURRENCY = 80;

/**
 * vCPUs for a memory size, within Cloud Run's pairing rules (1 vCPU allows up
 * to 4 GiB, 2 up to 8 GiB, 4 up to 16 GiB, 8 up to 32 GiB). A whole vCPU is
 * also what lets an instance take more than one request at a time.
 */
export function cpuFor(memoryMb: number): string {
  if (memoryMb <= 4096) return "1";
  if (memoryMb <= 8192) return "2";
  if (memoryMb <= 16384) return "4";
  return "8";
}

/** Memory in the Kubernetes quantity form both products accept ("512Mi"). */
export function memoryLimit(memoryMb: number): string {
  return `${memoryMb}Mi`;
}
