import { describe, expect, it } from "vitest";
import { endpointSettingsProblems } from "./endpoint-rules.js";

describe("endpointSettingsProblems", () => {
  it.each([
    [{ workersMin: 4, workersMax: 3 }, [["workersMin", "workersMax"]]],
    [{ workersMin: 3, workersMax: 3 }, []],
    [{ workersMin: 4 }, []],
    [{ scalerType: "QUEUE_DELAY" as const, scalerValue: 3601 }, [["scalerValue"]]],
    [{ scalerType: "REQUEST_COUNT" as const, scalerValue: 3601 }, []],
    [{ scalerValue: 3601 }, []],
    [
      { workersMin: 2, workersMax: 1, scalerType: "QUEUE_DELAY" as const, scalerValue: 5000 },
      [["workersMin", "workersMax"], ["scalerValue"]],
    ],
  ])("%j breaks %j", (settings, fields) => {
    expect(endpointSettingsProblems(settings).map((problem) => problem.fields)).toEqual(fields);
  });
});
