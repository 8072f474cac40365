import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProcessDriver } from "@runfleet/control-plane";
import { describeWorkerDriverConformance } from "./worker-driver.suite.js";

describeWorkerDriverConformance("process", async () => {
  const stateDir = mkdtempSync(join(tmpdir(), "runfleet-driver-"));
  const drivers: ProcessDriver[] = [];
  const make = () => {
    const driver = new ProcessDriver({ stateDir, cwd: process.cwd(), pollIntervalMs: 100 });
    drivers.push(driver);
    return driver;
  };
  const pidOf = (workerId: string): number | undefined => {
    try {
      return (
        JSON.parse(readFileSync(join(stateDir, "process-workers", `${workerId}.json`), "utf8")) as { pid: number }
      ).pid;
    } catch {
      return undefined;
    }
  };
  return {
    driver: make(),
    restart: async () => make(),
    node: process.execPath,
    image: null,
    isPaused: (workerId) => {
      const pid = pidOf(workerId);
      if (pid === undefined) {
        return false;
      }
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).startsWith("T");
    },
    cleanup: async () => {
      for (const driver of drivers) {
        for (const worker of await driver.list()) {
          await driver.stop(worker.workerId, 100);
        }
        await driver.close();
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
});
