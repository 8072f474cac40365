#!/usr/bin/env node
// Adds a CommonJS build to a published package (sdk/, provider/), next to the ESM one `tsc -b` makes, so
// that projects compiled to CommonJS (Pulumi's standard TypeScript settings: "module": "commonjs",
// "moduleResolution": "node") can `require` it. Run as the package's `prepack` script, from its folder:
//
//   node ../scripts/build-cjs.mjs
//
// It reads the package's `exports`: each entry's ESM file (`import.default`) is an input, compiled with
// rolldown into `dist/cjs/**/*.cjs`, one file per module (dependencies stay external; dynamic `import()`
// of them stays an `import()`, which CommonJS code may use). Each `.d.ts` under dist is copied to
// `dist/cjs/**/*.d.cts` with its relative imports pointed at the `.cjs` files, so TypeScript sees CommonJS
// types for CommonJS code. `tsc -b` must have run first.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { build } from "rolldown";

const packageDir = process.cwd();
const dist = join(packageDir, "dist");
const out = join(dist, "cjs");
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));

/** The ESM file of each `exports` entry of code: `{ import: { default } }` (not `./package.json`). */
const inputs = Object.entries(manifest.exports)
  .filter(([subpath]) => subpath !== "./package.json")
  .map(([, entry]) => {
    const file = entry?.import?.default;
    if (typeof file !== "string") {
      throw new Error(`${manifest.name}: every exports entry needs import.default (got ${JSON.stringify(entry)})`);
    }
    return join(packageDir, file);
  });

rmSync(out, { recursive: true, force: true });
await build({
  input: inputs,
  // Bare specifiers (dependencies, node: built-ins, the package's own subpaths) stay imports.
  external: (id) => !id.startsWith(".") && !isAbsolute(id),
  platform: "node",
  logLevel: "warn",
  output: {
    dir: out,
    format: "cjs",
    preserveModules: true,
    preserveModulesRoot: dist,
    entryFileNames: "[name].cjs",
    sourcemap: false,
  },
});
// dist/ is ESM ("type": "module" in package.json); this folder's files are CommonJS whatever their name.
writeFileSync(join(out, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);

/** Every `.d.ts` under dist, except the CommonJS folder itself. */
function declarations(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return path === out ? [] : declarations(path);
    }
    return entry.name.endsWith(".d.ts") && !entry.name.endsWith(".test.d.ts") ? [path] : [];
  });
}

for (const file of declarations(dist)) {
  const target = join(out, relative(dist, file)).replace(/\.d\.ts$/, ".d.cts");
  // `./x.js` and `../y/index.js` become `.cjs`: the CommonJS declaration of the CommonJS file.
  const text = readFileSync(file, "utf8").replace(/(["'])(\.{1,2}\/[^"']*?)\.js\1/g, "$1$2.cjs$1");
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
