import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { OPENAPI_PATH } from "../http/openapi-document.js";
import { ENDPOINT_DEFAULTS, TEMPLATE_DEFAULTS } from "./endpoint-settings.js";

// The contract keeps its request and response schemas self-contained (no `allOf` of a shared base), so that
// every client generator reads them alike. The price is that a create schema and its update schema, or a
// schema and its extension, each list the same fields: these tests hold the copies together, and hold the
// server's defaults to the ones the contract documents.

type Schema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };
const spec = parse(readFileSync(OPENAPI_PATH, "utf8")) as { components: { schemas: Record<string, Schema> } };
const schemas = spec.components.schemas;

function properties(name: string): Record<string, Record<string, unknown>> {
  const props = schemas[name]?.properties;
  if (!props) {
    throw new Error(`openapi.yaml: ${name} has no properties`);
  }
  return props;
}

/**
 * A property without what may differ between the copies: its default, its example and its words (an
 * update says how to reset a field, and may mark a way of sending it deprecated).
 */
function rule(property: Record<string, unknown>): Record<string, unknown> {
  const {
    default: _default,
    example: _example,
    description: _description,
    deprecated: _deprecated,
    ...rest
  } = property;
  if (Array.isArray(rest.oneOf)) {
    rest.oneOf = (rest.oneOf as Record<string, unknown>[]).map(rule);
  }
  return rest;
}

function defaults(name: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties(name))
      .filter(([, property]) => "default" in property)
      .map(([field, property]) => [field, property.default]),
  );
}

describe("the contract's defaults are the server's", () => {
  it("EndpointCreate documents a default for every setting, equal to ENDPOINT_DEFAULTS", () => {
    expect(defaults("EndpointCreate")).toEqual(ENDPOINT_DEFAULTS);
  });

  it("TemplateCreate's defaults are TEMPLATE_DEFAULTS (fields without one default to absent)", () => {
    const documented = defaults("TemplateCreate");
    const absentByDefault = Object.entries(TEMPLATE_DEFAULTS).filter(([, value]) => value === null);
    expect({ ...documented, ...Object.fromEntries(absentByDefault) }).toEqual(TEMPLATE_DEFAULTS);
  });

  it.each(["EndpointUpdate", "TemplateUpdate"])("%s has no defaults: an omitted field keeps its value", (name) => {
    expect(defaults(name)).toEqual({});
  });
});

describe("self-contained schemas that repeat fields repeat them exactly", () => {
  it.each([
    ["EndpointUpdate", "EndpointCreate", ["reset"]],
    ["TemplateUpdate", "TemplateCreate", ["reset"]],
  ])("%s has the fields and limits of %s, and its own %j", (update, create, updateOnly) => {
    const mapRules = (props: Record<string, Record<string, unknown>>) =>
      Object.fromEntries(
        Object.entries(props)
          .filter(([field]) => !updateOnly.includes(field))
          .map(([field, property]) => [field, rule(property)]),
      );
    expect(mapRules(properties(update))).toEqual(mapRules(properties(create)));
    expect(Object.keys(properties(update))).toEqual(expect.arrayContaining(updateOnly));
    expect(schemas[update]?.additionalProperties).toBe(false);
    expect(schemas[create]?.additionalProperties).toBe(false);
  });

  it.each([
    ["ApiKeyCreated", "ApiKey", ["key"]],
    ["JobRecord", "JobStatus", ["endpointId", "createdAt", "startedAt", "completedAt", "lowPriority"]],
  ])("%s is %s plus its own fields", (extended, base, own) => {
    const extendedProps = properties(extended);
    for (const [field, property] of Object.entries(properties(base))) {
      expect(extendedProps[field], `${extended}.${field}`).toEqual(property);
    }
    expect(Object.keys(extendedProps).sort()).toEqual([...Object.keys(properties(base)), ...own].sort());
    const required = (name: string) => (schemas[name]?.required as string[] | undefined) ?? [];
    expect(required(extended)).toEqual(expect.arrayContaining(required(base)));
  });
});
