import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A tmpfs of a few MB mounted for one test, that the test can fill up and free again. */
export interface SmallFilesystem {
  /** The mount point (empty at first). */
  dir: string;
  /** Fills every free byte with a filler file. */
  fill(): void;
  /** Deletes the filler file: the space comes back. */
  free(): void;
  /** Unmounts it and removes the mount point. */
  dispose(): void;
}

/**
 * Mounts a tmpfs of `sizeMb` MB, to see what the control plane does when its disk fills up. Mounting
 * needs root: CI runs as root, so there it must work; elsewhere, without root, it answers undefined and
 * says so (the caller skips).
 */
export function mountSmallFilesystem(sizeMb: number): SmallFilesystem | undefined {
  if (process.getuid?.() !== 0) {
    if (process.env.CI) {
      throw new Error("the disk-full tests mount a tmpfs and need root, which CI has");
    }
    console.warn("skipping: mounting a small tmpfs needs root (run these tests as root, as CI does)");
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), "runfleet-small-fs-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m,mode=0700`, "tmpfs", dir]);
  const filler = join(dir, "filler");
  return {
    dir,
    fill: () => {
      const fd = openSync(filler, "a");
      try {
        const chunk = Buffer.alloc(64 * 1024);
        for (let size = chunk.length; size >= 1; ) {
          try {
            writeSync(fd, chunk, 0, size);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOSPC") {
              throw error;
            }
            size = Math.floor(size / 2);
          }
        }
      } finally {
        closeSync(fd);
      }
      const { bavail } = statfsSync(dir);
      if (bavail > 0) {
        throw new Error(`the small filesystem still has ${bavail} free blocks after filling it`);
      }
    },
    free: () => rmSync(filler, { force: true }),
    dispose: () => {
      try {
        execFileSync("umount", ["-l", dir]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
