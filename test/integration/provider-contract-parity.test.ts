import { readFileSync } from "node:fs";
import { loadOpenApiDocument, OPENAPI_PATH } from "@runfleet/control-plane";
import {
  apiKeySpec,
  endpointSpec,
  type RequestValidator,
  registryAuthSpec,
  sshKeySpec,
  templateSpec,
} from "@runfleet/pulumi/runtime";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The Pulumi provider checks inputs at `pulumi preview` against the contract's schemas, generated from
// openapi.yaml into provider/src/runtime/generated (npm run gen; gen:check fails CI when that file is stale)
// and compiled with Ajv; the control plane compiles openapi.yaml itself. This test holds the two to the same
// answer, word for word: for every property the provider takes, values at and past each limit the contract
// states (bounds, lengths, patterns, enums, item counts, formats) get the same field errors from both. A
// validator configured differently, or a generated schema edited by hand, fails here naming the value.

type Schema = Record<string, unknown>;
const spec = parse(readFileSync(OPENAPI_PATH, "utf8")) as { components: { schemas: Record<string, Schema> } };
const operations = loadOpenApiDocument().operations;

function resolveRef(schema: Schema): Schema {
  const ref = schema.$ref as string | undefined;
  return ref
    ? { ...(spec.components.schemas[ref.split("/").pop() as string] as Schema), ...schema, $ref: undefined }
    : schema;
}

/** Values at and just past each limit of a property's schema, plus one of the wrong type. */
function probes(raw: Schema): unknown[] {
  const schema = resolveRef(raw);
  if (Array.isArray(schema.oneOf)) {
    return (schema.oneOf as Schema[]).flatMap(probes);
  }
  const values: unknown[] = [];
  if (Array.isArray(schema.enum)) {
    values.push(...(schema.enum as unknown[]), "NOT_A_VALUE");
  }
  if (schema.const !== undefined) {
    values.push(schema.const, "NOT_THE_CONSTANT");
  }
  switch (schema.type) {
    case "integer":
    case "number": {
      for (const bound of [schema.minimum, schema.maximum, schema.exclusiveMinimum] as (number | undefined)[]) {
        if (bound !== undefined) {
          values.push(bound - 1, bound, bound + 1);
        }
      }
      values.push(1.5, "7");
      break;
    }
    case "string": {
      const min = (schema.minLength as number | undefined) ?? 0;
      values.push("a".repeat(min), "a".repeat(Math.max(0, min - 1)), "bad value!", "/abs", 7);
      if (schema.maxLength !== undefined) {
        values.push("a".repeat(schema.maxLength as number), "a".repeat((schema.maxLength as number) + 1));
      }
      break;
    }
    case "boolean":
      values.push(true, false, "yes");
      break;
    case "array": {
      const items = probes((schema.items as Schema | undefined) ?? {});
      values.push([], items.slice(0, 1), items, "not an array");
      if (schema.maxItems !== undefined) {
        values.push(Array.from({ length: (schema.maxItems as number) + 1 }, () => items[0]));
      }
      break;
    }
    case "object": {
      values.push({ GOOD_NAME: "x" }, { "1_BAD": "x" }, { A: "x".repeat(32769) }, { A: 1 }, "not an object");
      for (const [property, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
        values.push(...probes(sub).map((value) => ({ [property]: value })));
      }
      break;
    }
    case "null":
      values.push(null);
      break;
  }
  return values;
}

describe.each([
  ["createEndpoint", "EndpointCreate", endpointSpec.validator, { name: "e", templateId: "tpl_1" }],
  ["createTemplate", "TemplateCreate", templateSpec.validator, { name: "t", command: ["run"] }],
  ["createApiKey", "ApiKeyCreate", apiKeySpec.validator, { name: "k", scope: "invoke" }],
  ["createRegistryAuth", "RegistryAuthCreate", registryAuthSpec.validator, { name: "r", username: "u", password: "p" }],
  ["createSshKey", "SshKeyCreate", sshKeySpec.validator, { name: "s", publicKey: "ssh-ed25519 AAAA" }],
] as [string, string, RequestValidator, Schema][])(
  "%s: the provider refuses what the contract refuses, with the same words",
  (operationId, schemaName, validator, base) => {
    const validateBody = operations.find((operation) => operation.operationId === operationId)?.validateBody;
    const contract = (spec.components.schemas[schemaName]?.properties ?? {}) as Record<string, Schema>;

    it("takes the contract's properties", () => {
      expect(validateBody).toBeDefined();
      expect(Object.keys(contract)).toEqual(expect.arrayContaining([...validator.properties]));
      expect(validator.properties.length).toBeGreaterThan(0);
    });

    it.each([...validator.properties])("agrees on every limit of %s", (field) => {
      const disagreements: string[] = [];
      for (const value of [undefined, ...probes(contract[field] ?? {})]) {
        const body = { ...base, [field]: value };
        const server = validateBody?.(structuredClone(body)) ?? [];
        const provider = validator.validate(structuredClone(body));
        if (JSON.stringify(server) !== JSON.stringify(provider)) {
          const shown = JSON.stringify(value) ?? "undefined";
          disagreements.push(
            `${field}=${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}: server ${JSON.stringify(server)}, provider ${JSON.stringify(provider)}`,
          );
        }
      }
      expect(disagreements).toEqual([]);
    });
  },
);

describe("the provider's own refusals", () => {
  it("names a property the contract has and the provider does not take, and why", () => {
    expect(endpointSpec.validator.validate({ name: "e", templateId: "tpl_1", secretEnv: { A: "x" } })).toEqual([
      {
        field: "secretEnv",
        message: expect.stringMatching(/^is not a property of this resource: the API never shows/),
      },
    ]);
  });

  it("leaves a property a preview does not know yet to be checked later, even a required one", () => {
    expect(endpointSpec.validator.validate({ name: "e" }, ["templateId"])).toEqual([]);
    expect(endpointSpec.validator.validate({ name: "e" })).toEqual([{ field: "templateId", message: "is required" }]);
  });
});
