import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@runfleet/control-plane";
import { describeStoreConformance } from "./store.suite.js";

describeStoreConformance(
  "sqlite (file)",
  () => new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), "runfleet-store-")), "s.sqlite") }),
);
describeStoreConformance("sqlite (:memory:)", () => new SqliteStore({ path: ":memory:" }));
