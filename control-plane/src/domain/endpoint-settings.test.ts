import { describe, expect, it } from "vitest";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import { compileEndpointSettings, compileTemplateSettings, ENDPOINT_DEFAULTS } from "./endpoint-settings.js";

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
