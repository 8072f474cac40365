#!/usr/bin/env node
/**
 * Runs the program through the Pulumi Automation API, as an inline program: the `pulumi` CLI and its
 * engine do the work, but the program runs in this process (no language host is involved), for tools
 * that deploy from code rather than with `pulumi up`.
 *
 *   node dist/deploy.js <up|preview|refresh|destroy> [--stack dev] [--dir .] [--json]
 *
 * `--dir` is the project directory (with Pulumi.yaml and the stack's Pulumi.<stack>.yaml); `--json`
 * ends with one line of JSON: the result, the resource changes and the outputs (secrets masked).
 *
 * @module
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { LocalWorkspace, type OutputMap, type Stack } from "@pulumi/pulumi/automation/index.js";
import { echoStack, PROJECT_NAME } from "./echo-stack.js";

const USAGE = "usage: node dist/deploy.js <up|preview|refresh|destroy> [--stack NAME] [--dir PROJECT_DIR] [--json]";

/** What `--json` prints last. */
interface DeployReport {
  command: string;
  result: string;
  resourceChanges: Record<string, number>;
  outputs: Record<string, unknown>;
}

const COMMANDS = {
  up: async (stack: Stack, onOutput: (out: string) => void) => {
    const up = await stack.up({ onOutput });
    return { result: up.summary.result, resourceChanges: up.summary.resourceChanges ?? {}, outputs: up.outputs };
  },
  preview: async (stack: Stack, onOutput: (out: string) => void) => {
    const preview = await stack.preview({ onOutput });
    return { result: "succeeded", resourceChanges: preview.changeSummary, outputs: {} };
  },
  refresh: async (stack: Stack, onOutput: (out: string) => void) => {
    const refresh = await stack.refresh({ onOutput });
    return {
      result: refresh.summary.result,
      resourceChanges: refresh.summary.resourceChanges ?? {},
      outputs: await stack.outputs(),
    };
  },
  destroy: async (stack: Stack, onOutput: (out: string) => void) => {
    const destroy = await stack.destroy({ onOutput });
    return { result: destroy.summary.result, resourceChanges: destroy.summary.resourceChanges ?? {}, outputs: {} };
  },
} satisfies Record<string, (stack: Stack, onOutput: (out: string) => void) => Promise<Omit<DeployReport, "command">>>;

function isCommand(name: string | undefined): name is keyof typeof COMMANDS {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

function plainOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, output]) => [key, output.secret ? "[secret]" : output.value]),
  );
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      stack: { type: "string", default: "dev" },
      dir: { type: "string", default: resolve(import.meta.dirname, "..") },
      json: { type: "boolean", default: false },
    },
  });
  const [command] = positionals;
  if (!isCommand(command) || positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: values.stack, projectName: PROJECT_NAME, program: async () => echoStack() },
    { workDir: resolve(values.dir) },
  );
  const outcome = await COMMANDS[command](stack, (out) => process.stdout.write(out));
  if (values.json) {
    const report: DeployReport = { command, ...outcome, outputs: plainOutputs(outcome.outputs) };
    process.stdout.write(`\n${JSON.stringify(report)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
