/**
 * cdktf loads `archiver` (about a hundred modules) as it loads, yet zips
 * directory assets in a child process of its own (node cdktf/lib/private/fs.js),
 * which loads archiver itself: the copy in a jest registry is never called, and
 * every registry that loads cdktf paid ~0.15 s of CPU for it. jest.config.js
 * maps `archiver` here (bin/run.cjs does the same outside jest); a call loads
 * the real one, the copy cdktf resolves.
 */
const { dirname } = require("node:path");

module.exports = (...args) => {
  const real = require.resolve("archiver/index.js", { paths: [dirname(require.resolve("cdktf/lib/private/fs"))] });
  return require(real)(...args);
};
