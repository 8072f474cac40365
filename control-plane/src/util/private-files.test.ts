import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { createPrivateDirIfMissing, ensurePrivateDir, tightenPrivateDir } from "./private-files.js";

const modeOf = (path: string) => (statSync(path).mode & 0o7777).toString(8);

describe("private directories", () => {
  let root: string;
  let previousUmask: number;

  beforeEach(() => {
    previousUmask = process.umask(0o022);
    root = mkdtempSync(join(tmpdir(), "runfleet-private-"));
  });

  afterEach(() => {
    process.umask(previousUmask);
    rmSync(root, { recursive: true, force: true });
  });

  /** A directory shared by every user, as /tmp is. */
  const sharedDir = () => {
    const shared = join(root, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    return shared;
  };

  it.each([
    { what: "a missing directory and its parents are created 0700", existing: undefined, expected: "700" },
    { what: "the control plane's own directory left 0755 is tightened", existing: 0o755, expected: "700" },
    { what: "a private one stays as it is", existing: 0o700, expected: "700" },
  ])("ensurePrivateDir: $what", ({ existing, expected }) => {
    const dir = join(root, "data", "inner");
    if (existing !== undefined) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, existing);
    }
    ensurePrivateDir(dir);
    expect(modeOf(dir)).toBe(expected);
  });

  it("ensurePrivateDir refuses a shared directory (sticky bit) rather than locking every other user out", () => {
    const shared = sharedDir();
    expect(() => ensurePrivateDir(shared)).toThrow(/every user shares \(sticky bit\).*--data-dir/);
    expect(() => tightenPrivateDir(shared)).toThrow(/sticky bit/);
    expect(modeOf(shared)).toBe("1777");
  });

  it("createPrivateDirIfMissing creates 0700 but leaves an existing directory's mode alone", () => {
    const created = join(root, "a", "b");
    expect(createPrivateDirIfMissing(created)).toBe(true);
    expect(modeOf(created)).toBe("700");
    const open = join(root, "open");
    mkdirSync(open);
    chmodSync(open, 0o755);
    expect(createPrivateDirIfMissing(open)).toBe(false);
    expect(modeOf(open)).toBe("755");
  });

  it("a SQLite file named in a shared directory is private, and the directory keeps its mode", async () => {
    const shared = sharedDir();
    const path = join(shared, "runfleet.sqlite");
    const store = new SqliteStore({ path });
    try {
      expect(modeOf(path)).toBe("600");
      expect(modeOf(shared)).toBe("1777");
    } finally {
      await store.close();
    }
  });
});
