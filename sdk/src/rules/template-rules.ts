import type { components } from "../generated/openapi.js";

type TemplateUpdate = components["schemas"]["TemplateUpdate"];

/** A broken template rule that spans fields or items: its message, and every field it involves. */
export interface TemplateProblem {
  fields: (keyof TemplateUpdate)[];
  message: string;
}

/** The message of a template that runs nothing. */
export const TEMPLATE_RUNS_NOTHING = "a template needs imageName, command, or both";

/**
 * The rules of template settings that the contract's schemas cannot state: the one copy that the control
 * plane (on the settings with defaults applied) and the Pulumi provider (at preview, on the settings a
 * program gives) both apply. An absent setting counts as its default: no image, an empty command, no mounts.
 */
export function templateSettingsProblems(
  settings: Pick<TemplateUpdate, "command" | "volumeMounts"> & { imageName?: string | null },
): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const mountPaths = (settings.volumeMounts ?? []).map((mount) => mount.mountPath);
  const repeated = [...new Set(mountPaths.filter((path, index) => mountPaths.indexOf(path) !== index))];
  for (const path of repeated) {
    problems.push({ fields: ["volumeMounts"], message: `mountPath ${path} is used by more than one volume mount` });
  }
  if ((settings.imageName ?? null) === null && (settings.command ?? []).length === 0) {
    problems.push({ fields: ["imageName", "command"], message: TEMPLATE_RUNS_NOTHING });
  }
  return problems;
}
