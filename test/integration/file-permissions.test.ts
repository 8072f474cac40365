import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, NODE } from "../support/workers.js";

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("files under the data directory", () => {
  let cp: TestControlPlane | undefined;

  afterAll(async () => {
    await cp?.dispose();
  });

  it("are private to the control plane's user (0700 directories, 0600 files), older ones included", async () => {
    const previousUmask = process.umask(0o022);
    try {
      // As an older version left them: world-readable.
      const dataDir = mkdtempSync(join(tmpdir(), "runfleet-perms-"));
      chmodSync(dataDir, 0o755);
      mkdirSync(join(dataDir, "logs"), { mode: 0o755 });
      writeFileSync(join(dataDir, "logs", "w_old.stdout.log"), "old output\n", { mode: 0o644 });
      writeFileSync(join(dataDir, "webhook-secret"), "an-old-webhook-secret-of-32-chars\n", { mode: 0o644 });
      cp = await startTestControlPlane({}, dataDir);
      await createCommandEndpoint(cp, [NODE, "-e", "console.log('started'); setTimeout(() => {}, 60000)"], {
        workersMin: 1,
      });
      const logs = join(dataDir, "logs");
      await eventually(() =>
        readdirSync(logs).some((f) => f.startsWith("w") && f !== "w_old.stdout.log") ? true : undefined,
      );
      await eventually(() => (readdirSync(join(dataDir, "process-workers")).length > 0 ? true : undefined));
      // The record of when the worker's log grew ("started" was written) is one of the files checked.
      await eventually(() => (readdirSync(logs).some((f) => f.endsWith(".log.times")) ? true : undefined));

      const dirs = [dataDir, logs, join(dataDir, "process-workers")];
      const files = [
        ...["runfleet.sqlite", "runfleet.sqlite-wal", "runfleet.sqlite-shm", "webhook-secret", "instance-id"].map((f) =>
          join(dataDir, f),
        ),
        ...readdirSync(logs).map((f) => join(logs, f)),
        ...readdirSync(join(dataDir, "process-workers")).map((f) => join(dataDir, "process-workers", f)),
      ];
      expect(files.length).toBeGreaterThanOrEqual(9);
      expect(Object.fromEntries(dirs.map((d) => [d, modeOf(d)]))).toEqual(
        Object.fromEntries(dirs.map((d) => [d, "700"])),
      );
      expect(Object.fromEntries(files.map((f) => [f, modeOf(f)]))).toEqual(
        Object.fromEntries(files.map((f) => [f, "600"])),
      );
    } finally {
      process.umask(previousUmask);
    }
  });
});
