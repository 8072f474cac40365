// The process driver's orphan watchdog, run as its own process (see drivers/orphan-watchdog.ts):
//   node orphan-watchdog.js <process-workers dir> <orphan timeout ms> <stop grace ms>
// It imports nothing but node:fs and node:path, so that it starts fast and stays small.
import { runOrphanWatchdog } from "../drivers/orphan-watchdog.js";

const [workerDir, timeout, grace] = process.argv.slice(2);
const orphanTimeoutMs = Number(timeout);
const stopGraceMs = Number(grace);
if (!workerDir || !(orphanTimeoutMs > 0) || !(stopGraceMs >= 0)) {
  process.stderr.write("usage: orphan-watchdog <process-workers dir> <orphan timeout ms (> 0)> <stop grace ms>\n");
  process.exitCode = 2;
} else {
  // Its parent may be gone at any moment: signals that would end it as a side effect are ignored.
  process.on("SIGHUP", () => undefined);
  process.on("SIGINT", () => undefined);
  runOrphanWatchdog({
    workerDir,
    orphanTimeoutMs,
    stopGraceMs,
    log: (line) => process.stderr.write(`${new Date().toISOString()} orphan-watchdog[${process.pid}]: ${line}\n`),
  }).catch((error: unknown) => {
    process.stderr.write(`orphan-watchdog: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
