/**
 * The start of the warning Node prints the first time a process loads `node:sqlite` (Node 22.13 and
 * later): `ExperimentalWarning: SQLite is an experimental feature and might change at any time`.
 */
const SQLITE_WARNING = "SQLite is an experimental feature";

/**
 * Loads `node:sqlite` once with its experimental-feature warning held back, so that a Pulumi program
 * using these resources prints no diagnostic that is not its own.
 *
 * Why this is needed: no Runfleet code in a Pulumi program uses SQLite, but serializing a dynamic
 * provider does load it. `@pulumi/pulumi`'s closure serializer (`runtime/closure/createClosure.js`,
 * `computeBuiltInModules`) `require`s every module in `node:module`'s `builtinModules` to recognise
 * built-ins captured by a closure, and that list includes `node:sqlite`. Node then writes the warning to
 * the program's stderr, which the engine reports as a stack diagnostic on every run. A built-in module
 * warns only the first time it loads, so after this the serializer's `require` is silent. Only that one
 * warning is held back, and only during this call; every other warning goes through as usual.
 */
export function loadSqliteQuietly(): void {
  // Older Node versions have neither the module nor `getBuiltinModule`; then there is nothing to hold back.
  if (typeof process.getBuiltinModule !== "function") {
    return;
  }
  const emitWarning = process.emitWarning;
  process.emitWarning = function emitOtherWarnings(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const message = typeof warning === "string" ? warning : warning.message;
    if (message.startsWith(SQLITE_WARNING)) {
      return;
    }
    Reflect.apply(emitWarning, this, [warning, ...rest]);
  } as typeof process.emitWarning;
  try {
    process.getBuiltinModule("node:sqlite");
  } finally {
    process.emitWarning = emitWarning;
  }
}
