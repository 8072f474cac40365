#!/usr/bin/env node
// Writes control-plane/src/http/generated/query-defaults.ts from openapi.yaml: for each operation, the
// query parameters whose schema has a `default:`, with that default as a literal type. The router's Ajv
// validation (`useDefaults`) fills those parameters in before a handler runs, so the handler's input type
// marks them present and handlers never repeat a default the contract already states.
// openapi-typescript leaves every optional parameter optional, whatever its default; this adds what it
// leaves out. Run by `npm run gen`; `--check` (in `npm run gen:check`) fails when the file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("..", import.meta.url));
const target = `${root}control-plane/src/http/generated/query-defaults.ts`;
const spec = parse(readFileSync(`${root}openapi.yaml`, "utf8"));

const resolve = (parameter) => {
  if (parameter.$ref === undefined) {
    return parameter;
  }
  const resolved = spec.components?.parameters?.[parameter.$ref.split("/").pop()];
  if (resolved === undefined) {
    throw new Error(`openapi.yaml: unknown parameter ${parameter.$ref}`);
  }
  return resolved;
};

/** A property name as biome formats it: bare when it is an identifier. */
const propertyName = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

const lines = [];
for (const item of Object.values(spec.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    if (!["get", "put", "post", "delete", "patch", "head", "options"].includes(method) || !operation.operationId) {
      continue;
    }
    const defaults = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
      .map(resolve)
      .filter((p) => p.in === "query" && p.schema?.default !== undefined)
      .map((p) => `${propertyName(p.name)}: ${JSON.stringify(p.schema.default)}`);
    if (defaults.length > 0) {
      lines.push(`  ${operation.operationId}: { ${defaults.join("; ")} };`);
    }
  }
}
lines.sort();

const text = `// Generated from openapi.yaml by scripts/gen-query-defaults.mjs (npm run gen). Do not edit.

/**
 * The query parameters that have a \`default:\` in the contract, by operationId, with that default. The
 * router's validation applies these defaults, so a handler's input has these parameters set.
 */
export interface QueryDefaults {
${lines.join("\n")}
}
`;

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current !== text) {
    console.error(`${target} is out of date with openapi.yaml: run npm run gen`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
