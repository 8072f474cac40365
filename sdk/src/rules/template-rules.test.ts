import { describe, expect, it } from "vitest";
import { TEMPLATE_RUNS_NOTHING, templateSettingsProblems } from "./template-rules.js";

const volume = (mountPath: string) => ({ type: "volume" as const, name: "cache", mountPath });

describe("templateSettingsProblems", () => {
  it.each([
    [{}, [["imageName", "command"]]],
    [{ imageName: null, command: [] }, [["imageName", "command"]]],
    [{ imageName: "echo:1" }, []],
    [{ command: ["run"] }, []],
    [{ imageName: "echo:1", volumeMounts: [volume("/a"), volume("/b")] }, []],
    [{ imageName: "echo:1", volumeMounts: [volume("/a"), volume("/a"), volume("/a")] }, [["volumeMounts"]]],
    [{ volumeMounts: [volume("/a"), volume("/a")] }, [["volumeMounts"], ["imageName", "command"]]],
  ])("%j breaks %j", (settings, fields) => {
    expect(templateSettingsProblems(settings).map((problem) => problem.fields)).toEqual(fields);
  });

  it("says what is missing, and which mount path repeats", () => {
    expect(templateSettingsProblems({ volumeMounts: [volume("/a"), volume("/a")] }).map((p) => p.message)).toEqual([
      "mountPath /a is used by more than one volume mount",
      TEMPLATE_RUNS_NOTHING,
    ]);
  });
});
