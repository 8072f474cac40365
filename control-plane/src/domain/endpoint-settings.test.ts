import { readFileSync } from "node:fs";
import { RESETTABLE_ENDPOINT_SETTINGS, RESETTABLE_TEMPLATE_SETTINGS } from "@runfleet/sdk";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import { OPENAPI_PATH } from "../http/openapi-document.js";
import {
  compileEndpointSettings,
  compileTemplateSettings,
  ENDPOINT_DEFAULTS,
  TEMPLATE_DEFAULTS,
  withResetSettings,
} from "./endpoint-settings.js";

describe("compileEndpointSettings", () => {
  it("fills every default", () => {
    expect(compileEndpointSettings({})).toEqual(ENDPOINT_DEFAULTS);
  });

  it("merges a patch over the current settings", () => {
    const current = compileEndpointSettings({ workersMax: 5, flashboot: true });
    expect(compileEndpointSettings({ workersMin: 2 }, current)).toMatchObject({
      workersMin: 2,
      workersMax: 5,
      flashboot: true,
    });
  });

  it.each([
    [{ workersMin: 4, workersMax: 3 }, ["workersMin", "workersMax"]],
    [{ scalerType: "QUEUE_DELAY" as const, scalerValue: 3601 }, ["scalerValue"]],
  ])("refuses %j naming %j", (patch, fields) => {
    try {
      compileEndpointSettings(patch);
      expect.unreachable();
    } catch (error) {
      expect(ControlPlaneError.is(error) && error.code).toBe("invalid_scaling");
      expect((error as ControlPlaneError).fields.map((f) => f.field)).toEqual(fields);
    }
  });

  it("allows a large REQUEST_COUNT scaler value", () => {
    expect(compileEndpointSettings({ scalerType: "REQUEST_COUNT", scalerValue: 5000 }).scalerValue).toBe(5000);
  });
});

describe("compileTemplateSettings", () => {
  it("needs an image or a command", () => {
    expect(() => compileTemplateSettings({})).toThrow(/imageName, command, or both/);
    expect(compileTemplateSettings({ imageName: "img:1" })).toMatchObject({ imageName: "img:1", command: [] });
  });
});

describe("withResetSettings", () => {
  const current = compileEndpointSettings({ workersMax: 5, flashboot: true, env: { A: "1" } });

  it.each([
    [[], {}, current],
    [["flashboot"], {}, { ...current, flashboot: false }],
    [["flashboot", "env"], { workersMax: 7 }, { ...current, flashboot: false, env: {} }],
  ] as const)("reset %j with patch %j", (reset, patch, expected) => {
    expect(withResetSettings(current, ENDPOINT_DEFAULTS, patch, [...reset])).toEqual(expected);
  });

  it("refuses a setting both given and reset, naming each", () => {
    expect(() =>
      withResetSettings(current, ENDPOINT_DEFAULTS, { flashboot: true, env: {} }, ["flashboot", "env", "gpuCount"]),
    ).toThrow(
      expect.objectContaining({ code: "validation_failed", message: "flashboot, env cannot be both given and reset" }),
    );
  });

  it("gives each reset a fresh copy of the default, never the shared one", () => {
    const reset = withResetSettings(current, ENDPOINT_DEFAULTS, {}, ["env"]);
    expect(reset.env).not.toBe(ENDPOINT_DEFAULTS.env);
  });
});

describe("the defaults the contract documents", () => {
  const spec = parse(readFileSync(OPENAPI_PATH, "utf8")) as {
    components: { schemas: Record<string, { properties: Record<string, { default?: unknown }>; enum?: string[] }> };
  };
  const schemas = spec.components.schemas;
  const documented = (schema: string) =>
    Object.fromEntries(
      Object.entries(schemas[schema]?.properties ?? {})
        .filter(([, property]) => "default" in property)
        .map(([name, property]) => [name, property.default]),
    );

  it("are the endpoint defaults the server applies, for every resettable setting", () => {
    expect(documented("EndpointCreate")).toEqual(ENDPOINT_DEFAULTS);
    expect(Object.keys(ENDPOINT_DEFAULTS).sort()).toEqual([...(schemas.ResettableEndpointSetting?.enum ?? [])].sort());
    // The list the CLI and the Pulumi provider check `reset` names with.
    expect([...RESETTABLE_ENDPOINT_SETTINGS].sort()).toEqual(Object.keys(ENDPOINT_DEFAULTS).sort());
  });

  it("are the template defaults the server applies; the others have none (they are removed)", () => {
    const withDefault = documented("TemplateCreate");
    const withoutDefault = Object.fromEntries(
      Object.entries(TEMPLATE_DEFAULTS).filter(([name]) => !(name in withDefault)),
    );
    expect({ ...withDefault, ...withoutDefault }).toEqual(TEMPLATE_DEFAULTS);
    expect(Object.values(withoutDefault).every((value) => value === null)).toBe(true);
    expect(Object.keys(TEMPLATE_DEFAULTS).sort()).toEqual([...(schemas.ResettableTemplateSetting?.enum ?? [])].sort());
    expect([...RESETTABLE_TEMPLATE_SETTINGS].sort()).toEqual(Object.keys(TEMPLATE_DEFAULTS).sort());
  });
});
