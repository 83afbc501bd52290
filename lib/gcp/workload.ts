/**
 * The GCP function bundle's contract with its runtime, in one place: the zip
 * built by app/build/bundles.ts registers `workload` with the Functions
 * Framework and lists the framework in its package.json.
 */

/** Runtime and entry point of the GCP bundle, from the workload's contract (app/contract.ts). */
export { GCP_ENTRY_POINT as FUNCTION_ENTRY_POINT, GCP_RUNTIME as FUNCTION_RUNTIME } from "../../app/contract";
