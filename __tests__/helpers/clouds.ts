/**
 * Tests about one cloud in the shipped environments hold for every fork: a
 * fork may turn any cloud off (docs/forking.md). These pick `it` or `it.skip`
 * by what environments/ enables, and say why in the test's title, so a skipped
 * case reads as "not this company's cloud", never as a silent pass.
 */
import { environments } from "../../environments";
import { CLOUDS, type Cloud } from "../../lib/config/schema";
import { shippedEnvironments } from "./environments";

const shipped = shippedEnvironments();

/** Clouds at least one shipped environment enables, in CLOUDS order. */
export const SHIPPED_CLOUDS: readonly Cloud[] = CLOUDS.filter((cloud) =>
  shipped.some((env) => env.clouds.includes(cloud)),
);

/** Names of the shipped environments that enable `cloud`, in pipeline order. */
export function environmentsWith(cloud: Cloud): string[] {
  return shipped.filter((env) => env.clouds.includes(cloud)).map((env) => env.name);
}

/** True when every environment of environments/index.ts enables `cloud`. */
export function everyEnvironmentHas(cloud: Cloud): boolean {
  return Object.keys(environments).length === environmentsWith(cloud).length;
}

/**
 * `it` when `condition` holds; otherwise `it.skip` with `reason` appended to
 * the title (jest prints skipped titles with `--verbose` and counts them).
 */
export function itWhen(condition: boolean, reason: string): jest.It {
  if (condition) return it;
  const skipped = ((title: string, ...rest: unknown[]) =>
    (it.skip as (...args: unknown[]) => void)(`${title} [skipped: ${reason}]`, ...rest)) as unknown as jest.It;
  return skipped;
}

/** `it` when some shipped environment enables `cloud`, else skipped: "no environment of this fork enables <cloud>". */
export function itWithCloud(cloud: Cloud): jest.It {
  return itWhen(SHIPPED_CLOUDS.includes(cloud), `no environment of this fork enables ${cloud}`);
}
