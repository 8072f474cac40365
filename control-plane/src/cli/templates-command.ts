import { type components, RESETTABLE_TEMPLATE_SETTINGS } from "@runfleet/sdk";
import { assignDefined, envFlags, specFile } from "./cli-arguments.js";
import { COMMON_USAGE, parseCommand } from "./cli-context.js";
import { usageError } from "./cli-errors.js";
import { type CliOutput, fields, json, table } from "./cli-output.js";

type Schemas = components["schemas"];

/** Usage of `runfleet templates`. */
export const TEMPLATES_USAGE = `Usage:
  runfleet templates ls
  runfleet templates get <templateId>
  runfleet templates create [--file spec.yaml] --name NAME [--image IMAGE] [--command ARG ...] [--env KEY=VALUE ...]
  runfleet templates update <templateId> [--file spec.yaml] [--name NAME] [--image IMAGE] [--command ARG ...]
                            [--env KEY=VALUE ...] [--reset SETTING ...]
  runfleet templates rm <templateId>

A template is what a worker runs: a command (the process driver runs it on this host), an image, or
both. --command is repeatable, one argument each: --command node --command worker.js
--file holds any template field in the API's names (containerDiskInGb, volumeMounts,
containerRegistryAuthId, ...); flags win. --reset (repeatable) returns a setting to its default:
${RESETTABLE_TEMPLATE_SETTINGS.join(", ")}.

${COMMON_USAGE}`;

/** `runfleet templates ls|get|create|update|rm`. */
export async function templatesCommand(args: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  const context = parseCommand(
    args,
    {
      file: { type: "string", short: "f" },
      name: { type: "string" },
      image: { type: "string" },
      command: { type: "string", multiple: true },
      env: { type: "string", multiple: true },
      reset: { type: "string", multiple: true },
    },
    TEMPLATES_USAGE,
    env,
    output,
  );
  if (context === undefined) {
    return;
  }
  const [action, templateId] = context.positionals;
  const v = context.values;
  switch (action) {
    case "ls": {
      const templates = await context.client().templates.list();
      output.out(
        context.json
          ? json(templates)
          : table(
              ["ID", "NAME", "IMAGE", "COMMAND", "VERSION"],
              templates.map((t) => [t.id, t.name, t.imageName ?? "-", t.command.join(" ") || "-", String(t.version)]),
            ),
      );
      return;
    }
    case "get": {
      const template = await context.client().templates.get(need(templateId));
      output.out(context.json ? json(template) : fields(template));
      return;
    }
    case "create": {
      const base = (v.file ? specFile("--file", v.file) : {}) as Schemas["TemplateCreate"];
      const settings = assignDefined(base, {
        name: v.name,
        imageName: v.image,
        command: v.command,
        env: envFlags(v.env),
      });
      if (!settings.name || (!settings.command && !settings.imageName)) {
        throw usageError("templates create needs --name and --command or --image (or them in --file)", TEMPLATES_USAGE);
      }
      const created = await context.client().templates.create(settings);
      output.out(context.json ? json(created) : `created template ${created.id} (${created.name})\n`);
      return;
    }
    case "update": {
      const id = need(templateId);
      const base = (v.file ? specFile("--file", v.file) : {}) as Schemas["TemplateUpdate"];
      const changes = assignDefined(base, {
        name: v.name,
        imageName: v.image,
        command: v.command,
        env: envFlags(v.env),
        reset: resetFlags(v.reset, base.reset),
      });
      if (Object.keys(changes).length === 0) {
        throw usageError("templates update needs at least one setting to change or --reset", TEMPLATES_USAGE);
      }
      const updated = await context.client().templates.update(id, changes);
      output.out(context.json ? json(updated) : fields(updated));
      return;
    }
    case "rm": {
      const id = need(templateId);
      await context.client().templates.delete(id);
      output.out(context.json ? json({ id, deleted: true }) : `deleted template ${id}\n`);
      return;
    }
    default:
      throw usageError(action ? `unknown action "${action}"` : "missing action", TEMPLATES_USAGE);
  }
}

/** `--reset`, checked here so that a typo is named before anything is sent; added to the file's list. */
function resetFlags(
  values: string[] | undefined,
  fromFile: Schemas["ResettableTemplateSetting"][] | undefined,
): Schemas["ResettableTemplateSetting"][] | undefined {
  if (values === undefined || values.length === 0) {
    return undefined;
  }
  for (const value of values) {
    if (!(RESETTABLE_TEMPLATE_SETTINGS as readonly string[]).includes(value)) {
      throw usageError(
        `--reset takes one of ${RESETTABLE_TEMPLATE_SETTINGS.join(", ")}, not "${value}"`,
        TEMPLATES_USAGE,
      );
    }
  }
  return [...(fromFile ?? []), ...(values as Schemas["ResettableTemplateSetting"][])];
}

function need(value: string | undefined): string {
  if (!value) {
    throw usageError("missing a template id", TEMPLATES_USAGE);
  }
  return value;
}
