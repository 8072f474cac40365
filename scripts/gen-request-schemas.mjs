#!/usr/bin/env node
// Writes two files from openapi.yaml. provider/src/runtime/generated/request-schemas.ts: the JSON Schemas of the
// request bodies the Pulumi provider checks at `pulumi preview` (EndpointCreate, TemplateCreate, ApiKeyCreate,
// RegistryAuthCreate, SshKeyCreate), with every component schema they reference, as the contract states them. The provider
// compiles them with Ajv, the validator the control plane compiles the same schemas with, so a limit exists
// once (in openapi.yaml) and `pulumi preview` refuses exactly what the API would. Only annotations that do
// not validate (`description`, `example`) and discriminator mappings (Ajv picks a branch by its tag's `const`)
// are left out. control-plane/src/domain/generated/create-defaults.ts: the `default:` values of EndpointCreate
// and TemplateCreate, the defaults the server applies (so they are written once, in the contract).
// Run by `npm run gen`; `--check` (in `npm run gen:check`) fails when a file is stale.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("..", import.meta.url));
const target = "provider/src/runtime/generated/request-schemas.ts";
const spec = parse(readFileSync(`${root}openapi.yaml`, "utf8"));
const components = spec.components.schemas;

/** The request bodies the provider validates: its resources' create bodies. */
const ROOTS = ["EndpointCreate", "TemplateCreate", "ApiKeyCreate", "RegistryAuthCreate", "SshKeyCreate"];
/** Keywords whose value is a map of names to schemas, a schema, or a list of schemas. */
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs"];
const SCHEMA_VALUES = ["items", "additionalProperties", "propertyNames", "not", "contains", "if", "then", "else"];
const SCHEMA_LISTS = ["oneOf", "anyOf", "allOf", "prefixItems"];
/** Annotations that validate nothing. */
const ANNOTATIONS = ["description", "example", "examples"];

const referenced = new Set();

/** The schema without annotations, walking only keywords that hold schemas (a property may be named `example`). */
function strip(schema) {
  if (typeof schema !== "object" || schema === null) {
    return schema;
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.includes(key) || key.startsWith("x-")) {
      continue;
    }
    if (key === "$ref") {
      const name = value.replace("#/components/schemas/", "");
      if (name === value || components[name] === undefined) {
        throw new Error(`openapi.yaml: unsupported reference ${value}`);
      }
      referenced.add(name);
      out[key] = value;
    } else if (key === "discriminator") {
      // Ajv refuses a mapping; it picks the branch by the tag's `const` in each branch, as the mapping says.
      const { mapping: _mapping, ...rest } = value;
      out[key] = rest;
    } else if (SCHEMA_MAPS.includes(key)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strip(sub)]));
    } else if (SCHEMA_VALUES.includes(key)) {
      out[key] = strip(value);
    } else if (SCHEMA_LISTS.includes(key)) {
      out[key] = value.map(strip);
    } else {
      out[key] = value;
    }
  }
  return out;
}

const schemas = {};
const pending = [...ROOTS];
while (pending.length > 0) {
  const name = pending.shift();
  if (schemas[name] !== undefined) {
    continue;
  }
  if (components[name] === undefined) {
    throw new Error(`openapi.yaml: no component schema ${name}`);
  }
  schemas[name] = strip(components[name]);
  pending.push(...[...referenced].filter((ref) => schemas[ref] === undefined));
}
const sorted = Object.fromEntries(
  Object.keys(schemas)
    .sort()
    .map((name) => [name, schemas[name]]),
);

const text = `// Generated from openapi.yaml by scripts/gen-request-schemas.mjs (npm run gen). Do not edit.
// biome-ignore-all lint/suspicious/noThenProperty: \`then\` here is JSON Schema's keyword, not a thenable.

/** The request bodies the Pulumi provider validates. */
export type RequestSchemaName = ${ROOTS.map((name) => JSON.stringify(name)).join(" | ")};

/**
 * The contract's component schemas that the provider's resources are checked against (JSON Schema 2020-12,
 * references in the contract's \`#/components/schemas/\` form), without annotations and discriminator
 * mappings. Compiled with Ajv, as the control plane compiles openapi.yaml.
 */
export const REQUEST_SCHEMAS: Readonly<Record<string, object>> = ${JSON.stringify(sorted)};
`;
/** The `default:` of every property of a create body that documents one, as the server applies them. */
function defaultsOf(name) {
  return Object.entries(components[name].properties)
    .filter(([, property]) => property.default !== undefined)
    .map(([property, { default: value }]) => `  ${property}: ${JSON.stringify(value)},`)
    .join("\n");
}

const defaultsText = `// Generated from openapi.yaml by scripts/gen-request-schemas.mjs (npm run gen). Do not edit.
import type { components } from "@runfleet/sdk/generated";

type Schemas = components["schemas"];

/** The \`default:\` values \`EndpointCreate\` documents: what an endpoint created without a setting gets. */
export const ENDPOINT_CREATE_DEFAULTS = {
${defaultsOf("EndpointCreate")}
} satisfies Partial<Schemas["EndpointCreate"]>;

/** The \`default:\` values \`TemplateCreate\` documents (its other settings are absent by default). */
export const TEMPLATE_CREATE_DEFAULTS = {
${defaultsOf("TemplateCreate")}
} satisfies Partial<Schemas["TemplateCreate"]>;
`;

const outputs = [
  [target, text],
  ["control-plane/src/domain/generated/create-defaults.ts", defaultsText],
];
let stale = false;
for (const [path, source] of outputs) {
  const formatted = execFileSync(`${root}node_modules/.bin/biome`, ["format", `--stdin-file-path=${path}`], {
    cwd: root,
    input: source,
    encoding: "utf8",
  });
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(`${root}${path}`, "utf8");
    } catch {}
    if (current !== formatted) {
      console.error(`${path} is out of date with openapi.yaml: run npm run gen`);
      stale = true;
    }
  } else {
    writeFileSync(`${root}${path}`, formatted);
  }
}
if (stale) {
  process.exit(1);
}
