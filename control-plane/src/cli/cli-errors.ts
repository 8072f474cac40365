import {
  ApiError,
  ConnectionError,
  JobCancelledError,
  JobFailedError,
  JobTimeoutError,
  SchemaValidationError,
} from "@runfleet/sdk";

/**
 * The exit codes of `runfleet`, which scripts can rely on. The table is documented in docs/cli.md; keep
 * the two in step.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The control plane refused the request (an HTTP 4xx/5xx answer: unknown id, bad key, invalid settings). */
  refused: 1,
  /** Bad usage: an unknown flag, a missing argument, a malformed `--input` or spec file. */
  usage: 2,
  /** The control plane could not be reached, or did not answer in time. */
  unreachable: 3,
  /** The job ended `FAILED`. */
  jobFailed: 4,
  /** The job timed out: `TIMED_OUT` on the control plane, or `--timeout` ran out while waiting. */
  jobTimedOut: 5,
  /** The job was cancelled. */
  jobCancelled: 6,
  /** Interrupted (Ctrl-C) while waiting. */
  interrupted: 130,
} as const;

/** An exit code of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure a CLI command reports: its message, and the exit code scripts can rely on. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Ends `runfleet` with a remote command's own exit status (`runfleet workers exec`, `shell`), which is
 * not one of {@link EXIT}'s: scripts see the command's status as if it had run here.
 */
export class RemoteExit extends Error {
  override readonly name = "RemoteExit";
  constructor(readonly exitCode: number) {
    super(`the remote command exited with ${exitCode}`);
  }
}

/** Bad usage: exit 2 with the message (and the command's usage, when given). */
export function usageError(message: string, usage?: string): CliError {
  return new CliError(usage ? `${message}\n\n${usage}` : message, EXIT.usage);
}

/**
 * Turns any failure of a command into its message and exit code: the one place the SDK's errors are
 * mapped to exit codes. Unknown errors are bugs and keep their stack.
 */
export function describeFailure(error: unknown): { message: string; exitCode: ExitCode } {
  if (error instanceof CliError) {
    return { message: error.message, exitCode: error.exitCode };
  }
  if (error instanceof ApiError) {
    const fields = (error.problem?.errors ?? []).map((f) => `\n  ${f.field}: ${f.message}`).join("");
    return { message: `${error.message}${fields}`, exitCode: EXIT.refused };
  }
  if (error instanceof ConnectionError) {
    return {
      message: `${error.message}; is it running? (start it with \`runfleet serve\`, or point --base-url / RUNFLEET_BASE_URL at it)`,
      exitCode: EXIT.unreachable,
    };
  }
  if (error instanceof JobFailedError) {
    return { message: error.message, exitCode: EXIT.jobFailed };
  }
  if (error instanceof JobTimeoutError) {
    return { message: error.message, exitCode: EXIT.jobTimedOut };
  }
  if (error instanceof JobCancelledError) {
    return { message: error.message, exitCode: EXIT.jobCancelled };
  }
  if (error instanceof SchemaValidationError) {
    return { message: error.message, exitCode: EXIT.usage };
  }
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return { message: "the control plane did not answer in time", exitCode: EXIT.unreachable };
  }
  if (error instanceof DOMException && error.name === "AbortError") {
    return { message: "interrupted", exitCode: EXIT.interrupted };
  }
  return { message: (error as Error)?.stack ?? String(error), exitCode: EXIT.refused };
}
