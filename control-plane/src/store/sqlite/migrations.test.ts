import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, migrate } from "./migrations.js";

describe("migrate", () => {
  it("applies every migration once, in order", () => {
    const db = new DatabaseSync(":memory:");
    expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(db)).toEqual([]);
    expect((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version).toBe(
      MIGRATIONS.at(-1)?.version,
    );
  });

  it("rolls a failing migration back and names it", () => {
    const db = new DatabaseSync(":memory:");
    const broken = [...MIGRATIONS, { version: 99, name: "broken", sql: "CREATE TABLE t (x); CREATE TABLE t (x);" }];
    expect(() => migrate(db, broken)).toThrow(/migration 99 \(broken\) failed/);
    expect((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version).toBe(
      MIGRATIONS.at(-1)?.version,
    );
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't'").get()).toBeUndefined();
  });
});
