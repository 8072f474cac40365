/** Where and as whom a CLI command calls the control plane. */
export interface CliTarget {
  /** Base URL of the control plane. @defaultValue "http://127.0.0.1:8080" */
  url: string;
  /** API key; most commands need one. */
  key: string | undefined;
}

/** A failure a CLI command reports: its message, and the exit code scripts can rely on. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    /** 1: the control plane refused the request; 2: bad usage; 3: the control plane could not be reached. */
    readonly exitCode: 1 | 2 | 3,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Calls the control plane and returns the parsed answer; turns every failure into a {@link CliError}. */
export async function apiCall<T>(target: CliTarget, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, target.url), {
      method,
      headers: target.key ? { authorization: `Bearer ${target.key}` } : {},
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CliError(
      `cannot reach the control plane at ${target.url} (${reason}); is it running? (start it with \`runfleet serve\`, or set --url / RUNFLEET_URL)`,
      3,
      { cause: error },
    );
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = text;
    try {
      const problem = JSON.parse(text) as { detail?: string; code?: string };
      detail = problem.detail ? `${problem.detail} (${problem.code})` : text;
    } catch {
      // Not a problem document; show the text as it is.
    }
    throw new CliError(`${method} ${path} failed with ${response.status}: ${detail}`, 1);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
