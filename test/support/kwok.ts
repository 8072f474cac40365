/**
 * kwok for the Kubernetes scale test: the harness itself (fake nodes, the pod watch, the played workers and
 * the scale run) lives in bench/src/kwok.ts, which the `kwok` bench scenario runs at full size.
 */
import { kwokBuilt } from "../../bench/src/kwok.js";
import { requireService } from "./control-plane-process.js";

export * from "../../bench/src/kwok.js";

/**
 * Whether the scale test runs: kwok is built (scripts/kwok-build.sh, ~12 minutes cold; .ci/run caches it).
 * In CI it must be; elsewhere the test skips with a message that says how to build it.
 */
export function requireKwok(): boolean {
  let built = false;
  try {
    built = kwokBuilt();
  } catch {
    built = false;
  }
  return requireService(built, "kwok v0.8.0 (KUBERNETES_BUILD_JOBS=2 scripts/kwok-build.sh)");
}
