import { describe, expect, it } from "vitest";
import { type ContractSchemaError, schemaFieldErrors } from "./schema-errors.js";

const error = (keyword: string, instancePath: string, params: Record<string, unknown>, message?: string) =>
  ({ keyword, instancePath, params, message }) as ContractSchemaError;

describe("schemaFieldErrors", () => {
  it.each([
    [error("maximum", "/workersMax", { limit: 1000 }, "must be <= 1000"), "workersMax", "must be <= 1000"],
    [error("required", "", { missingProperty: "templateId" }), "templateId", "is required"],
    [error("additionalProperties", "", { additionalProperty: "workerMax" }), "workerMax", "is not a known field"],
    [error("enum", "/scalerType", { allowedValues: ["A", "B"] }), "scalerType", 'must be one of "A", "B"'],
    [
      error("discriminator", "/volumeMounts/0", { error: "mapping", tag: "type", tagValue: "nfs" }),
      "volumeMounts.0.type",
      '"nfs" is not one of the kinds allowed here',
    ],
    [
      { ...error("pattern", "/env", { pattern: "^[A-Z]+$" }, 'must match pattern "^[A-Z]+$"'), propertyName: "1BAD" },
      "env.1BAD",
      'is not an allowed name: must match pattern "^[A-Z]+$"',
    ],
    [error("type", "", { type: "object" }, "must be object"), "body", "must be object"],
  ])("%j is %s: %s", (given, field, message) => {
    expect(schemaFieldErrors([given])).toEqual([{ field, message }]);
  });

  it("leaves out the summaries that repeat an inner error, and repeats", () => {
    const inner = { ...error("pattern", "/env", {}, "must match"), propertyName: "1BAD" };
    const errors = [
      inner,
      error("propertyNames", "/env", { propertyName: "1BAD" }, "property name must be valid"),
      error("if", "", { failingKeyword: "then" }, 'must match "then" schema'),
      inner,
    ];
    expect(schemaFieldErrors(errors)).toEqual([{ field: "env.1BAD", message: "is not an allowed name: must match" }]);
  });

  it("puts the prefix before every field", () => {
    expect(schemaFieldErrors([error("minimum", "/wait", {}, "must be >= 0")], "query")).toEqual([
      { field: "query.wait", message: "must be >= 0" },
    ]);
  });
});
