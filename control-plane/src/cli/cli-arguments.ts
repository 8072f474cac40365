import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { usageError } from "./cli-errors.js";

/**
 * Reads a JSON argument given inline (`'{"a":1}'`) or from a file (`@input.json`, `@-` for stdin).
 * A malformed value is a usage error naming the flag.
 */
export function jsonArgument(flag: string, value: string): unknown {
  let text = value;
  if (value.startsWith("@")) {
    const path = value.slice(1);
    try {
      text = readFileSync(path === "-" ? 0 : path, "utf8");
    } catch (error) {
      throw usageError(`${flag}: cannot read ${path}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(
      `${flag} is not valid JSON (${(error as Error).message}); give JSON or @file, e.g. ${flag} '{"prompt":"hi"}'`,
    );
  }
}

/** Reads a spec file, YAML or JSON (JSON is YAML); it must hold an object. */
export function specFile(flag: string, path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw usageError(`${flag}: cannot read ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw usageError(`${flag}: ${path} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw usageError(`${flag}: ${path} must hold an object of settings`);
  }
  return value as Record<string, unknown>;
}

/** A whole-number flag; undefined when absent, a usage error naming the flag when malformed. */
export function integerFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^-?\d+$/.test(value.trim())) {
    throw usageError(`${flag} must be a whole number, got "${value}"`);
  }
  return Number(value);
}

/** A true/false flag value. */
export function booleanFlag(flag: string, value: string | undefined): boolean | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value !== "true" && value !== "false") {
    throw usageError(`${flag} must be true or false, got "${value}"`);
  }
  return value === "true";
}

/** `KEY=VALUE` pairs of repeated `--env` flags. */
export function envFlags(values: string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) {
    return undefined;
  }
  const env: Record<string, string> = {};
  for (const pair of values) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      throw usageError(`--env must be KEY=VALUE, got "${pair}"`);
    }
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

/** Copies the defined values of `from` into `into` (flags over a spec file). */
export function assignDefined<T extends object>(into: T, from: Partial<T>): T {
  for (const [key, value] of Object.entries(from)) {
    if (value !== undefined) {
      (into as Record<string, unknown>)[key] = value;
    }
  }
  return into;
}

/** `30m`, `6h`, `24h`, `2d`, `90s` as ms; a usage error naming --window otherwise. */
export function durationFlag(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(value.trim());
  if (!match) {
    throw usageError(`${flag} must be a duration like 90s, 30m, 24h or 2d, got "${value}"`);
  }
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}
