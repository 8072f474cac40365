import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Files of the data directory hold job inputs and results, env values and keys: only the control
 * plane's user may read them. Directories are created 0700 and files 0600, whatever the umask, and
 * those left more open by an older version are tightened on start.
 */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of every file the control plane writes under its data directory. */
export const PRIVATE_FILE_MODE = 0o600;

/** The sticky bit: set on directories every user shares, such as /tmp. */
const STICKY_BIT = 0o1000;

/**
 * Creates a directory (and its missing parents) readable only by this user, or tightens the control
 * plane's own directory left more open by an older version. A shared directory (sticky bit, as /tmp has)
 * is refused rather than locked: making it private would break every other user of the host.
 */
export function ensurePrivateDir(path: string): void {
  if (createPrivateDirIfMissing(path)) {
    return;
  }
  if ((statSync(path).mode & STICKY_BIT) !== 0) {
    throw new Error(
      `${path} is a directory every user shares (sticky bit); give the control plane a directory of its own (--data-dir)`,
    );
  }
  chmodSync(path, PRIVATE_DIR_MODE);
}

/**
 * Creates a directory (and its missing parents) readable only by this user; an existing one is left as
 * it is (the folder of a path the user named, which may be shared). Returns whether it was created.
 */
export function createPrivateDirIfMissing(path: string): boolean {
  if (existsSync(path)) {
    return false;
  }
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  // The umask may have taken bits away, never added them; set exactly.
  chmodSync(path, PRIVATE_DIR_MODE);
  return true;
}

/** Opens a file (created if missing) readable only by this user, tightening an existing one. */
export function openPrivateFile(path: string, flags: "a" | "w" | "r+"): number {
  const fd = openSync(path, flags, PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** Tightens the modes of existing files in `dir` (not recursive) to 0600, and the directory to 0700. */
export function tightenPrivateDir(dir: string): void {
  if (!existsSync(dir)) {
    return;
  }
  ensurePrivateDir(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) {
      chmodSync(join(dir, entry.name), PRIVATE_FILE_MODE);
    }
  }
}

/** Tightens the given files if they exist. */
export function tightenPrivateFiles(paths: readonly string[]): void {
  for (const path of paths) {
    if (existsSync(path)) {
      chmodSync(path, PRIVATE_FILE_MODE);
    }
  }
}
