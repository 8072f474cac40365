import { readFileSync } from "node:fs";

/**
 * A process as recorded in a file: its pid and its kernel start time, so that a later process that reused
 * the pid is not mistaken for it (Linux `/proc`).
 */
export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot), or null where it could not be read. */
  kernelStart: string | null;
}

/** The identity of a running process (its kernel start time read now). */
export function identify(pid: number): ProcessIdentity {
  return { pid, kernelStart: kernelStartTime(pid) };
}

/** True if the process still runs and is the one recorded (not a zombie, nor a later process with its pid). */
export function isAlive(identity: ProcessIdentity): boolean {
  try {
    process.kill(identity.pid, 0);
  } catch {
    return false;
  }
  const status = processState(identity.pid);
  if (status === "Z" || status === "X") {
    return false;
  }
  return identity.kernelStart === null || kernelStartTime(identity.pid) === identity.kernelStart;
}

/**
 * True while anything of a worker's process group runs: its leader (the recorded process), or, once the
 * leader is gone, processes it forked (Linux gives no new process a pid still in use as a group id, so a
 * group with the leader's pid is that worker's).
 */
export function isGroupAlive(leader: ProcessIdentity): boolean {
  if (isAlive(leader)) {
    return true;
  }
  try {
    process.kill(leader.pid, 0);
    return false; // the pid is another process's now
  } catch {
    // No process has the leader's pid: look for the rest of its group.
  }
  try {
    process.kill(-leader.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to a process group (a worker leads its own); a group that is gone is not an error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (Linux). */
export function kernelStartTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** Field 3 of /proc/<pid>/stat: R, S, T (stopped), Z (zombie)... */
export function processState(pid: number): string | null {
  return statFields(pid)?.[0] ?? null;
}

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** Reads an identity from a JSON file (`{ pid, kernelStart }`); undefined when absent or unreadable. */
export function readIdentity(path: string): ProcessIdentity | undefined {
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as Partial<ProcessIdentity>;
    if (typeof value.pid !== "number" || !Number.isInteger(value.pid) || value.pid <= 0) {
      return undefined;
    }
    return { pid: value.pid, kernelStart: typeof value.kernelStart === "string" ? value.kernelStart : null };
  } catch {
    return undefined;
  }
}
