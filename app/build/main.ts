/** `npm run build:app`: writes every function bundle and prints its size and hash. */
import { statSync } from "node:fs";
import { relative } from "node:path";
import { functionBundles } from "./bundles";

try {
  for (const [cloud, bundle] of Object.entries(functionBundles())) {
    const kb = (statSync(bundle.path).size / 1024).toFixed(1);
    console.log(
      `${cloud.padEnd(6)} ${kb.padStart(7)} KB  sha256 ${bundle.sha256.slice(0, 16)}  ${relative(process.cwd(), bundle.path)}`,
    );
  }
} catch (error) {
  console.error(`build:app failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
