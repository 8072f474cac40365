import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { expect } from "vitest";
import { eventually, NODE, REPO_ROOT } from "./workers.js";

/** The built `runfleet` command. */
export const RUNFLEET_BIN = resolve(REPO_ROOT, "control-plane/dist/bin/runfleet.js");

/** Finds a free loopback port (so a restarted control plane can take the same one). */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A `runfleet serve` process. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Runs `runfleet serve` as a real process and waits for its banner. */
export async function startServeProcess(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(NODE, ["--disable-warning=ExperimentalWarning", RUNFLEET_BIN, "serve", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((done) =>
    child.once("exit", (code, signal) => done(code ?? signal)),
  );
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no banner within 20 s:\n${stdout}\n${stderr}`)), 20_000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`runfleet serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited };
}

/** What a `runfleet` subprocess did. */
export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `runfleet` command as a subprocess with only `env` (plus PATH and a HOME without a
 * profile file). Asynchronous, so that a control plane running in the test's process keeps serving.
 */
export function runfleetCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runNodeScript(RUNFLEET_BIN, args, env);
}

/**
 * Runs a Node script of the repository as a subprocess with only `env` (plus PATH and HOME), on `node`
 * (the repository's Node 24 unless another binary is given).
 */
export function runNodeScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  node = NODE,
): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      node,
      [script, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: "/nonexistent", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        done({ status: error ? (typeof code === "number" ? code : null) : 0, stdout, stderr });
      },
    );
  });
}

/** A call to the API with the admin key, answering status and parsed body. */
export type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

/**
 * Calls whichever `runfleet serve` process `current` returns (restart tests replace it), with `key`.
 */
export function adminCall(current: () => ServeProcess | undefined, key: string): AdminCall {
  return async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${current()?.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
}

/** Waits, job by job, until every one of `ids` has COMPLETED (each must stay known: 200). */
export async function expectAllCompleted(
  call: AdminCall,
  endpointId: string,
  ids: readonly string[],
  timeoutMs: number,
): Promise<void> {
  for (const id of ids) {
    const done = await eventually(
      async () => {
        const { status, body } = await call<{ status: string }>("GET", `/v2/${endpointId}/status/${id}`);
        expect(status).toBe(200);
        return body.status === "COMPLETED" ? body : undefined;
      },
      timeoutMs,
      `job ${id} to complete after the restart`,
    );
    expect(done.status).toBe("COMPLETED");
  }
}
