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

  it("gives endpoints stored before endpoint types the QUEUE type, and workers null ports (versions 7 and 8)", () => {
    const db = new DatabaseSync(":memory:");
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 3),
    );
    db.prepare("INSERT INTO templates (id, name, body, created_at) VALUES ('tpl', 't', '{}', 1)").run();
    db.prepare(
      "INSERT INTO endpoints (id, template_id, body, created_at) VALUES ('ep', 'tpl', '{\"id\":\"ep\"}', 1)",
    ).run();
    db.prepare("INSERT INTO workers (id, endpoint_id, body) VALUES ('wk', 'ep', '{\"id\":\"wk\"}')").run();
    expect(migrate(db)).toContain(3);
    const endpoint = db.prepare("SELECT body FROM endpoints").get() as { body: string };
    expect(JSON.parse(endpoint.body)).toEqual({ id: "ep", type: "QUEUE" });
    const worker = db.prepare("SELECT body FROM workers").get() as { body: string };
    expect(JSON.parse(worker.body)).toEqual({ id: "wk", port: null, healthPort: null });
  });

  it("gives templates stored before disk sizes, volume mounts and registry credentials none (version 8)", () => {
    const db = new DatabaseSync(":memory:");
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 8),
    );
    db.prepare("INSERT INTO templates (id, name, body, created_at) VALUES ('tpl', 't', '{\"id\":\"tpl\"}', 1)").run();
    expect(migrate(db)).toContain(8);
    const template = db.prepare("SELECT body FROM templates").get() as { body: string };
    expect(JSON.parse(template.body)).toEqual({
      id: "tpl",
      containerDiskInGb: null,
      volumeMounts: [],
      containerRegistryAuthId: null,
    });
    expect(db.prepare("SELECT count(*) AS n FROM registry_auths").get()).toEqual({ n: 0 });
  });
});
