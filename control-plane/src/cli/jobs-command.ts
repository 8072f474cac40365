import type { components, JobStatus } from "@runfleet/sdk";
import { integerFlag } from "./cli-arguments.js";
import { COMMON_USAGE, parseCommand } from "./cli-context.js";
import { usageError } from "./cli-errors.js";
import { type CliOutput, fields, json, table } from "./cli-output.js";
import { withEndpoint } from "./run-command.js";

/** Usage of `runfleet jobs`. */
export const JOBS_USAGE = `Usage:
  runfleet jobs ls <endpoint> [--status STATUS] [--limit N]
  runfleet jobs status <endpoint> <jobId>
  runfleet jobs cancel <endpoint> <jobId>
  runfleet jobs retry <endpoint> <jobId>        (FAILED or TIMED_OUT jobs; same id and input)

<endpoint> is an endpoint id, or the name of exactly one endpoint.

${COMMON_USAGE}`;

const STATUSES = ["IN_QUEUE", "IN_PROGRESS", "COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"] as const;

/** `runfleet jobs ls|status|cancel|retry`. */
export async function jobsCommand(args: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  const context = parseCommand(
    args,
    { status: { type: "string" }, limit: { type: "string" } },
    JOBS_USAGE,
    env,
    output,
  );
  if (context === undefined) {
    return;
  }
  const [action, reference, jobId] = context.positionals;
  if (!reference) {
    throw usageError(action ? "missing an endpoint" : "missing action", JOBS_USAGE);
  }
  const runfleet = context.client();
  if (action === "ls") {
    const status = context.values.status;
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
      throw usageError(`--status must be one of ${STATUSES.join(", ")}`, JOBS_USAGE);
    }
    const query = {
      ...(status === undefined ? {} : { status: status as (typeof STATUSES)[number] }),
      ...(context.values.limit === undefined ? {} : { limit: integerFlag("--limit", context.values.limit) as number }),
    };
    const jobs = await withEndpoint(runfleet, reference, (id) => runfleet.endpoints.jobs(id, query));
    output.out(
      context.json ? json(jobs) : table(["ID", "STATUS", "CREATED", "DELAY", "EXECUTION", "WORKER"], jobs.map(row)),
    );
    return;
  }
  if (!jobId) {
    throw usageError("missing a job id", JOBS_USAGE);
  }
  let status: JobStatus;
  switch (action) {
    case "status":
      status = await withEndpoint(runfleet, reference, (id) => runfleet.job(id, jobId).status());
      break;
    case "cancel":
      status = await withEndpoint(runfleet, reference, (id) => runfleet.job(id, jobId).cancel());
      break;
    case "retry":
      status = await withEndpoint(runfleet, reference, async (id) => {
        await runfleet.job(id, jobId).retry();
        return runfleet.job(id, jobId).status();
      });
      break;
    default:
      throw usageError(`unknown action "${action}"`, JOBS_USAGE);
  }
  output.out(context.json ? json(status) : fields(status));
}

function row(job: components["schemas"]["JobRecord"]): string[] {
  return [
    job.id,
    job.status,
    job.createdAt,
    job.delayTime === undefined ? "-" : `${job.delayTime}ms`,
    job.executionTime === undefined ? "-" : `${job.executionTime}ms`,
    job.workerId ?? "-",
  ];
}
