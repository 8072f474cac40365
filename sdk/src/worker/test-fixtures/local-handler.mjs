// A worker for the local test mode tests, run as a subprocess against the built runtime (run `tsc -b` first).
import { start } from "../../../dist/worker/index.js";

function* count(n) {
  for (let i = 0; i < n; i++) {
    yield i;
  }
}

await start({
  handler: (job) => {
    const input = job.input ?? {};
    if (input.throw) {
      throw new Error(input.throw);
    }
    if (input.returnError) {
      return { error: input.returnError };
    }
    if (typeof input.chunks === "number") {
      return count(input.chunks);
    }
    return { echo: input, id: job.id };
  },
});
