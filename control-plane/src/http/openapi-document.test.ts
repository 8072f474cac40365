import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadOpenApiDocument, OPENAPI_PATH } from "./openapi-document.js";

const operations = loadOpenApiDocument().operations;
const postJobResult = operations.find((operation) => operation.operationId === "postJobResult");

describe("query validation of the contract's boolean parameters", () => {
  it.each([
    ["true", true],
    ["false", false],
    // What the runpod Python SDK sends (Python's str(True)).
    ["True", true],
    ["False", false],
  ])("accepts isStream=%s as %s", (given, want) => {
    const query: Record<string, unknown> = { isStream: given };
    expect(postJobResult?.validateQuery(query)).toEqual([]);
    expect(query.isStream).toBe(want);
  });

  it.each(["TRUE", "yes", "1x"])("refuses isStream=%s, naming the field", (given) => {
    expect(postJobResult?.validateQuery({ isStream: given })).toEqual([
      { field: "isStream", message: "must be boolean" },
    ]);
  });
});

describe("query parameter defaults", () => {
  // Read from openapi.yaml here rather than from the loaded document, so that the test checks the
  // validators against the contract's text. Handlers rely on these defaults being filled in (their input
  // type, from generated/query-defaults.ts, says so) instead of repeating them.
  const spec = parse(readFileSync(OPENAPI_PATH, "utf8")) as {
    paths: Record<string, Record<string, { operationId?: string; parameters?: Parameter[] }>>;
    components: { parameters: Record<string, Parameter> };
  };
  type Parameter = { $ref?: string; name: string; in: string; schema?: { default?: unknown } };
  const resolve = (p: Parameter) => (p.$ref ? (spec.components.parameters[p.$ref.split("/").pop() ?? ""] ?? p) : p);
  const documented = Object.values(spec.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) =>
      (operation.parameters ?? [])
        .map(resolve)
        .filter((p) => p.in === "query" && p.schema?.default !== undefined)
        .map((p) => [operation.operationId ?? "", p.name, p.schema?.default] as const),
    ),
  );

  it("the contract documents some (a guard against reading the wrong document)", () => {
    expect(documented.length).toBeGreaterThan(10);
  });

  it.each(documented)("%s without %s gets the documented default %s", (operationId, name, value) => {
    const operation = operations.find((o) => o.operationId === operationId);
    const query: Record<string, unknown> = {};
    expect(operation?.validateQuery(query)).toEqual([]);
    expect(query[name]).toEqual(value);
  });
});
