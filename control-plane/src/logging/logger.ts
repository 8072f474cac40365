import { type DestinationStream, type Logger, pino } from "pino";

/** The control plane's structured logger (pino), object first: `log.info({ endpointId }, "msg")`. */
export type { Logger };

/** Log levels accepted by the configuration. */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * Fields never written to the log, wherever a record or a worker spec puts them: secret env values,
 * bucket secrets, and whole worker environments (they hold the secret values and the worker's token).
 */
export const REDACTED_LOG_PATHS = [
  "secretEnv",
  "*.secretEnv",
  "env",
  "*.env",
  "s3Config.accessSecret",
  "*.s3Config.accessSecret",
  "token",
  "*.token",
];

/** Creates the root logger; writes JSON lines to stderr (or `destination`) so stdout stays for the CLI. */
export function createLogger(
  level: LogLevel,
  destination: DestinationStream = pino.destination({ fd: 2, sync: false }),
): Logger {
  return pino(
    { level, base: { service: "runfleet" }, redact: { paths: REDACTED_LOG_PATHS, censor: "[redacted]" } },
    destination,
  );
}
