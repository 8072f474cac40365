import { type Logger, pino } from "pino";

/** The control plane's structured logger (pino), object first: `log.info({ endpointId }, "msg")`. */
export type { Logger };

/** Log levels accepted by the configuration. */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Creates the root logger; writes JSON lines to stderr so stdout stays for the CLI's own output. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: "runfleet" } }, pino.destination({ fd: 2, sync: false }));
}
