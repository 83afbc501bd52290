/** Types of build-cache.cjs, the repository's one esbuild cache policy (see there). */

/** One input file as recorded: its SHA-256 and `<size>:<mtimeMs>`. */
export interface RecordedInput {
  readonly hash: string;
  readonly stat: string;
}

/** A cached build: its key, its inputs by path relative to the repository root, and the caller's fields. */
export type CacheRecord<Fields = object> = {
  readonly key: string;
  readonly inputs: Readonly<Record<string, RecordedInput>>;
} & Fields;

export const CACHE_ROOT: ".gen";
export function cacheDir(root: string, area: string): string;
export function sha256(data: string | Uint8Array): string;
export function buildKey(options: unknown, extra?: Readonly<Record<string, unknown>>): string;
export function recordInputs(
  root: string,
  inputs: readonly string[],
  previous?: Readonly<Record<string, RecordedInput>>,
): Record<string, RecordedInput> | undefined;
export function writeAtomically(path: string, data: string | Uint8Array): void;
export function writeRecord<Fields extends object>(
  root: string,
  file: string,
  key: string,
  inputs: readonly string[] | Readonly<Record<string, RecordedInput>>,
  fields?: Fields,
): CacheRecord<Fields>;
export function readRecord<Fields extends object>(
  root: string,
  file: string,
  key: string,
): CacheRecord<Fields> | undefined;
