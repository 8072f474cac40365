import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import { problemResponse } from "./problem.js";

/** Where the console is mounted. */
export const CONSOLE_PATH = "/console";

/** The console built in this repository: `console/dist`, three levels above this module (src or dist). */
export function defaultConsoleDir(): string {
  return fileURLToPath(new URL("../../../console/dist/", import.meta.url));
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/**
 * The console's pages take their data from this origin's API only: scripts and styles from /console,
 * calls to the same origin, no framing. uPlot sets element styles, hence `style-src 'unsafe-inline'`.
 */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * Serves the built web console under /console: hashed assets for a year (their names change with their
 * content), and `index.html` (never cached) for every other path, since the console routes in the browser.
 * The files are read from `dir` as they are asked for, so a rebuild needs no restart.
 */
export function mountConsole(app: Hono, dir: string): void {
  const root = resolve(dir);
  const index = async (path: string) => {
    const file = join(root, "index.html");
    if (!existsSync(file)) {
      return problemResponse(
        new ControlPlaneError(
          "route_not_found",
          `the console is not built (no ${file}): run \`npm run build\`, or set RUNFLEET_CONSOLE_DIR`,
        ),
        path,
      );
    }
    return new Response(await readFile(file), {
      headers: { "content-type": CONTENT_TYPES[".html"] as string, "cache-control": "no-cache", ...SECURITY_HEADERS },
    });
  };
  app.get(CONSOLE_PATH, (c) => c.redirect(`${CONSOLE_PATH}/`, 308));
  app.get(`${CONSOLE_PATH}/*`, async (c) => {
    const path = new URL(c.req.url).pathname;
    const relative = decodeURIComponent(path.slice(CONSOLE_PATH.length + 1));
    if (relative === "" || extname(relative) === "") {
      return index(path);
    }
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      return problemResponse(new ControlPlaneError("route_not_found", `no console asset ${relative}`), path);
    }
    const immutable = relative.startsWith("assets/");
    return new Response(await readFile(file), {
      headers: {
        "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        ...SECURITY_HEADERS,
      },
    });
  });
}
