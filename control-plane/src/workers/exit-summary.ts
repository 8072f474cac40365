/**
 * Lines a worker prints on its way out that say nothing about why: a crash reason built from them would
 * hide the line that does (the runpod SDK ends every failed fitness check with the first one).
 */
const NOISE = [/^Worker is unhealthy, exiting\.?$/i, /^Kill worker\.?$/i, /^Finished\.?$/i];

/** The runpod SDK's report of a failed fitness check: "Fitness check failed: <check> | <Type>: <message>". */
const FITNESS_FAILURE = /^Fitness check failed:\s*(\S+)\s*\|\s*(.+)$/;

/** The last line of a Python traceback: the exception's type (dotted names allowed) and message. */
const PYTHON_EXCEPTION = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)):?(\s.*)?$/;

/**
 * The message of one output line. RunPod's logger writes JSON lines (`{"requestId", "message",
 * "level"}`) when `RUNPOD_ENDPOINT_ID` is set, as it is for every worker here; other lines are text. The
 * logger's plain-text form starts with the level (`ERROR  | message`), which is dropped too.
 */
function messageOf(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith("{")) {
    try {
      const parsed = JSON.parse(trimmed) as { message?: unknown };
      if (typeof parsed.message === "string") {
        return parsed.message.trim();
      }
    } catch {
      // Not JSON after all: the text as it is.
    }
  }
  return trimmed.replace(/^(?:DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL)\s*\|\s*/, "");
}

/**
 * Says, in one line, why a worker ended, from the last lines it wrote (oldest first): a failed RunPod
 * fitness check with its name and message, else the exception a Python traceback ended with, else the
 * last line that is not a generic farewell. Undefined when it wrote nothing. Pure, so that each rule is a
 * table row in its test.
 */
export function exitSummary(lines: readonly string[]): string | undefined {
  const messages = lines.flatMap((line) => messageOf(line).split("\n")).filter((message) => message.length > 0);
  for (let i = messages.length - 1; i >= 0; i--) {
    const fitness = FITNESS_FAILURE.exec(messages[i] as string);
    if (fitness) {
      return `fitness check ${fitness[1]} failed: ${fitness[2]}`;
    }
  }
  const traceback = messages.findLastIndex((message) => message.startsWith("Traceback (most recent call last)"));
  if (traceback >= 0) {
    const exception = messages.slice(traceback + 1).findLast((message) => PYTHON_EXCEPTION.test(message));
    if (exception) {
      return exception;
    }
  }
  return messages.findLast((message) => !NOISE.some((noise) => noise.test(message))) ?? messages.at(-1);
}
