/**
 * jest's globalTeardown (jest.config.js): fails the run if a test left anything
 * in the run's temporary folder (setup.js), naming it, then removes the run's
 * folder (shared/ too) either way. A test removes what it makes: helpers/scratch.ts, or rmSync in
 * an afterAll / finally. The journeys tier (jest.journeys.config.js, same
 * setup) only lists its leftovers: it is its own owners' to clean.
 */
const { readdirSync, rmSync } = require("node:fs");

/**
 * Miniflare 4's dispose() starts removing its `miniflare-<32 hex>` folder and does not wait for it (a
 * fire-and-forget fs.promises.rm): a run whose last test disposed one may end before the removal does.
 */
const MINIFLARE_FOLDER = /^miniflare-[0-9a-f]{32}$/;
const GRACE_MS = 3000;

/** What is left in `dir`, once Miniflare's removals in flight had up to GRACE_MS to finish. */
async function leftovers(dir) {
  const deadline = Date.now() + GRACE_MS;
  for (;;) {
    const left = readdirSync(dir).sort();
    if (!left.some((name) => MINIFLARE_FOLDER.test(name)) || Date.now() > deadline) return left;
    await new Promise((done) => setTimeout(done, 50));
  }
}

module.exports = async function teardown(_globalConfig, projectConfig) {
  const guard = globalThis.__tmpGuard;
  if (guard === undefined) return;
  if (guard.previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = guard.previous;
  delete process.env.JEST_RUN_SHARED;
  const left = await leftovers(guard.tmp);
  rmSync(guard.dir, { recursive: true, force: true });
  if (left.length === 0) return;
  const message = `tests left ${left.length} entries in their temporary folder (removed now): ${left.join(", ")}`;
  const journeys = projectConfig.roots.every((root) => /[\\/]journeys$/.test(root));
  if (journeys) console.warn(message);
  else throw new Error(`${message}. Make them with helpers/scratch.ts or remove them in afterAll/finally.`);
};
