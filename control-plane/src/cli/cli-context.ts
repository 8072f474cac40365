import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { createRunfleet, type Runfleet } from "@runfleet/sdk";
import { z } from "zod";
import { usageError } from "./cli-errors.js";
import type { CliOutput } from "./cli-output.js";

/** The control plane a command talks to when nothing says otherwise. */
export const DEFAULT_BASE_URL = "http://127.0.0.1:8080";

/** Flags every command that talks to a control plane accepts. */
export const COMMON_OPTIONS = {
  "base-url": { type: "string" },
  /** Older name of --base-url. */
  url: { type: "string" },
  "api-key": { type: "string" },
  /** Older name of --api-key. */
  key: { type: "string" },
  profile: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** The help text of the common flags, for each command's usage. */
export const COMMON_USAGE = `Connection (flags win over the environment, which wins over the profile file):
  --base-url URL   control plane URL (RUNFLEET_BASE_URL)          [${DEFAULT_BASE_URL}]
  --api-key KEY    API key (RUNFLEET_API_KEY)
  --profile NAME   profile of the config file (RUNFLEET_PROFILE)  [its defaultProfile, else "default"]
  --json           print JSON for scripts instead of tables
Config file: $RUNFLEET_CONFIG, else $XDG_CONFIG_HOME/runfleet/config.json (~/.config/runfleet/config.json):
  { "defaultProfile": "local", "profiles": { "local": { "baseUrl": "...", "apiKey": "..." } } }
`;

/** The profile file's shape. */
const profileFileSchema = z.object({
  defaultProfile: z.string().min(1).optional(),
  profiles: z
    .record(z.string(), z.object({ baseUrl: z.url().optional(), apiKey: z.string().min(1).optional() }).strict())
    .default({}),
});

/** A command's parsed arguments plus the client it should use. */
export interface CommandContext<V> {
  /** Flag values. */
  values: V;
  /** Positional arguments after the command's own words. */
  positionals: string[];
  /** Whether to print JSON. */
  json: boolean;
  /** Where to write. */
  output: CliOutput;
  /** The SDK client, made on first use (so usage errors never need a config). */
  client: () => Runfleet;
  /** The control plane's URL in use. */
  baseUrl: () => string;
  /** The API key in use, if any (for connections the SDK does not make: the WebSocket shell). */
  apiKey: () => string | undefined;
}

/** Where the profile file is: `RUNFLEET_CONFIG`, else under the XDG config directory. */
export function profileFilePath(env: NodeJS.ProcessEnv): string {
  return (
    env.RUNFLEET_CONFIG ??
    join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config"), "runfleet", "config.json")
  );
}

/**
 * Resolves where and as whom to connect: flags, then the environment (`RUNFLEET_BASE_URL`,
 * `RUNFLEET_API_KEY`), then the chosen profile of the config file, then the default URL.
 */
export function resolveConnection(
  flags: { baseUrl?: string | undefined; apiKey?: string | undefined; profile?: string | undefined },
  env: NodeJS.ProcessEnv,
): { baseUrl: string; apiKey: string | undefined } {
  const path = profileFilePath(env);
  let file: z.output<typeof profileFileSchema> = { profiles: {} };
  if (existsSync(path)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw usageError(`the config file ${path} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = profileFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ");
      throw usageError(`the config file ${path} is invalid: ${issues}`);
    }
    file = parsed.data;
  }
  const chosen = flags.profile ?? env.RUNFLEET_PROFILE;
  const name = chosen ?? file.defaultProfile ?? "default";
  const profile = file.profiles[name];
  if (chosen !== undefined && profile === undefined) {
    throw usageError(
      `no profile "${chosen}" in ${path} (profiles: ${Object.keys(file.profiles).join(", ") || "none"})`,
    );
  }
  return {
    baseUrl: flags.baseUrl ?? (env.RUNFLEET_BASE_URL || env.RUNFLEET_URL || profile?.baseUrl || DEFAULT_BASE_URL),
    apiKey: flags.apiKey ?? (env.RUNFLEET_API_KEY || profile?.apiKey),
  };
}

/**
 * Parses a command's arguments (its own flags plus {@link COMMON_OPTIONS}); an unknown flag or a
 * missing value is a usage error that shows `usage`. With `--help` it prints `usage` and returns
 * undefined: the command has nothing more to do.
 */
export function parseCommand<O extends ParseArgsConfig["options"]>(
  args: string[],
  options: O,
  usage: string,
  env: NodeJS.ProcessEnv,
  output: CliOutput,
) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: O & typeof COMMON_OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args, options: { ...options, ...COMMON_OPTIONS }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
  const values = parsed.values as Record<string, unknown>;
  let client: Runfleet | undefined;
  let connection: { baseUrl: string; apiKey: string | undefined } | undefined;
  const connect = () => {
    connection ??= resolveConnection(
      {
        baseUrl: (values["base-url"] ?? values.url) as string | undefined,
        apiKey: (values["api-key"] ?? values.key) as string | undefined,
        profile: values.profile as string | undefined,
      },
      env,
    );
    return connection;
  };
  const context: CommandContext<typeof parsed.values> = {
    values: parsed.values,
    positionals: parsed.positionals,
    json: values.json === true,
    output,
    baseUrl: () => connect().baseUrl,
    apiKey: () => connect().apiKey,
    client: () => {
      if (client === undefined) {
        const { baseUrl, apiKey } = connect();
        try {
          // Two quick retries: enough for a control plane that is restarting, short for one that is down.
          client = createRunfleet({ baseUrl, apiKey, retry: { maxRetries: 2 } });
        } catch (error) {
          throw usageError(`--base-url: ${(error as Error).message}`);
        }
      }
      return client;
    },
  };
  if (values.help === true) {
    output.out(usage);
    return undefined;
  }
  return context;
}
