import type { components } from "@runfleet/sdk";
import { COMMON_USAGE, parseCommand } from "./cli-context.js";
import { usageError } from "./cli-errors.js";
import { type CliOutput, json, table } from "./cli-output.js";

/** Usage of `runfleet keys`. */
export const KEYS_USAGE = `Usage:
  runfleet keys create --name NAME [--scope admin|invoke|read] [--endpoint ID ...]
  runfleet keys ls
  runfleet keys revoke <keyId>

--scope defaults to invoke; --endpoint (repeatable) limits an invoke key to those endpoints.
The secret is printed once, by create.

${COMMON_USAGE}`;

/** `runfleet keys create|ls|revoke`. */
export async function keysCommand(args: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  const context = parseCommand(
    args,
    { name: { type: "string" }, scope: { type: "string" }, endpoint: { type: "string", multiple: true } },
    KEYS_USAGE,
    env,
    output,
  );
  if (context === undefined) {
    return;
  }
  const [action, keyId] = context.positionals;
  const { name, scope = "invoke", endpoint } = context.values;
  switch (action) {
    case "create": {
      if (!name) {
        throw usageError("keys create needs --name", KEYS_USAGE);
      }
      if (scope !== "admin" && scope !== "invoke" && scope !== "read") {
        throw usageError(`--scope must be admin, invoke or read, got "${scope}"`, KEYS_USAGE);
      }
      const created = await context.client().keys.create({ name, scope, endpointIds: endpoint ?? [] });
      if (context.json) {
        output.out(json(created));
      } else {
        // The secret alone on stdout, so that `KEY=$(runfleet keys create ...)` works.
        output.out(`${created.key}\n`);
        output.err(
          `created ${created.scope} key ${created.id} (${created.name}); the secret above is shown only once\n`,
        );
      }
      return;
    }
    case "ls": {
      const keys = await context.client().keys.list();
      output.out(
        context.json
          ? json(keys)
          : table(["ID", "NAME", "SCOPE", "PREFIX", "ENDPOINTS", "CREATED", "LAST USED", "REVOKED"], keys.map(row)),
      );
      return;
    }
    case "revoke": {
      if (!keyId) {
        throw usageError("missing a key id", KEYS_USAGE);
      }
      await context.client().keys.revoke(keyId);
      output.out(context.json ? json({ id: keyId, revoked: true }) : `revoked key ${keyId}\n`);
      return;
    }
    default:
      throw usageError(action ? `unknown action "${action}"` : "missing action", KEYS_USAGE);
  }
}

function row(key: components["schemas"]["ApiKey"]): string[] {
  return [
    key.id,
    key.name,
    key.scope,
    key.prefix,
    key.endpointIds.join(",") || "all",
    key.createdAt,
    key.lastUsedAt ?? "-",
    key.revokedAt ?? "-",
  ];
}
