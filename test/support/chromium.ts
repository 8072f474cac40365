import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { requireService } from "./control-plane-process.js";

/** Debian's Chromium (`apt-get install chromium`); `.ci/run` installs it. */
export const CHROMIUM = process.env.RUNFLEET_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Flags that keep a headless Chromium to itself: no sandbox (tests run as root), and none of the
 * background calls to Google's services (networking, component updates, sync) that a fresh profile makes.
 */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** A browser with a fresh profile, and how to close it and remove the profile. */
export interface TestBrowser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** True when Chromium is installed; in CI its absence fails the test, elsewhere it is skipped with a note. */
export function requireChromium(): boolean {
  return requireService(existsSync(CHROMIUM), `Chromium (${CHROMIUM}; apt-get install chromium)`);
}

/** Launches Debian's Chromium through playwright-core with a fresh profile in a temporary directory. */
export async function launchChromium(options: { colorScheme?: "light" | "dark" } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "runfleet-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? "light",
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
