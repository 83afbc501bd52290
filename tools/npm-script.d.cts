/** Types of npm-script.cjs (see there). */

/** An argument as a POSIX shell reads it back (npm quotes what follows `--` the same way). */
export function shellQuote(arg: string): string;
/** The command line `npm run <argv>` runs; undefined when package.json has no such script. */
export function npmScriptLine(scripts: Readonly<Record<string, string>>, argv: readonly string[]): string | undefined;
