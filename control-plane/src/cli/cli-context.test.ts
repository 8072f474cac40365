import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jsonArgument } from "./cli-arguments.js";
import { DEFAULT_BASE_URL, profileFilePath, resolveConnection } from "./cli-context.js";

describe("resolveConnection: flags, then the environment, then the profile file", () => {
  const dir = mkdtempSync(join(tmpdir(), "runfleet-profile-"));
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      defaultProfile: "local",
      profiles: {
        local: { baseUrl: "http://127.0.0.1:7000", apiKey: "rf_profile_local" },
        other: { baseUrl: "http://127.0.0.1:7001" },
      },
    }),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<
    [
      string,
      Parameters<typeof resolveConnection>[0],
      NodeJS.ProcessEnv,
      { baseUrl: string; apiKey: string | undefined },
    ]
  > = [
    [
      "nothing at all",
      {},
      { RUNFLEET_CONFIG: join(dir, "missing.json") },
      { baseUrl: DEFAULT_BASE_URL, apiKey: undefined },
    ],
    [
      "the default profile",
      {},
      { RUNFLEET_CONFIG: config },
      { baseUrl: "http://127.0.0.1:7000", apiKey: "rf_profile_local" },
    ],
    [
      "the environment over the profile",
      {},
      { RUNFLEET_CONFIG: config, RUNFLEET_BASE_URL: "http://127.0.0.1:7002", RUNFLEET_API_KEY: "rf_env" },
      { baseUrl: "http://127.0.0.1:7002", apiKey: "rf_env" },
    ],
    [
      "flags over the environment",
      { baseUrl: "http://127.0.0.1:7003", apiKey: "rf_flag" },
      { RUNFLEET_CONFIG: config, RUNFLEET_BASE_URL: "http://127.0.0.1:7002", RUNFLEET_API_KEY: "rf_env" },
      { baseUrl: "http://127.0.0.1:7003", apiKey: "rf_flag" },
    ],
    [
      "a chosen profile",
      { profile: "other" },
      { RUNFLEET_CONFIG: config },
      { baseUrl: "http://127.0.0.1:7001", apiKey: undefined },
    ],
    [
      "the older RUNFLEET_URL",
      {},
      { RUNFLEET_CONFIG: join(dir, "missing.json"), RUNFLEET_URL: "http://127.0.0.1:7004" },
      { baseUrl: "http://127.0.0.1:7004", apiKey: undefined },
    ],
  ];
  it.each(cases)("uses %s", (_name, flags, env, expected) => {
    expect(resolveConnection(flags, env)).toEqual(expected);
  });

  it("refuses an unknown profile, listing the known ones", () => {
    expect(() => resolveConnection({ profile: "prod" }, { RUNFLEET_CONFIG: config })).toThrow(
      /no profile "prod" .*\(profiles: local, other\)/,
    );
  });

  it("refuses a malformed file, naming the field", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ profiles: { x: { baseUrl: "not a url" } } }));
    expect(() => resolveConnection({}, { RUNFLEET_CONFIG: bad })).toThrow(/is invalid: profiles\.x\.baseUrl/);
    writeFileSync(bad, "{");
    expect(() => resolveConnection({}, { RUNFLEET_CONFIG: bad })).toThrow(/is not valid JSON/);
  });

  it("finds the file under XDG_CONFIG_HOME, else ~/.config", () => {
    expect(profileFilePath({ XDG_CONFIG_HOME: "/x" })).toBe("/x/runfleet/config.json");
    expect(profileFilePath({ HOME: "/home/u" })).toBe("/home/u/.config/runfleet/config.json");
  });
});

describe("jsonArgument", () => {
  it("reads inline JSON and @file", () => {
    expect(jsonArgument("--input", '{"a":1}')).toEqual({ a: 1 });
    const dir = mkdtempSync(join(tmpdir(), "runfleet-input-"));
    writeFileSync(join(dir, "in.json"), "[1,2]");
    expect(jsonArgument("--input", `@${join(dir, "in.json")}`)).toEqual([1, 2]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("names the flag when the value is not JSON or the file is missing", () => {
    expect(() => jsonArgument("--input", "{a:1}")).toThrow(/--input is not valid JSON/);
    expect(() => jsonArgument("--input", "@/no/such/file.json")).toThrow(/--input: cannot read \/no\/such\/file\.json/);
  });
});
