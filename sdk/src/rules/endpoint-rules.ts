import type { components } from "../generated/openapi.js";

type EndpointUpdate = components["schemas"]["EndpointUpdate"];

/** Longest queue delay the QUEUE_DELAY scaler accepts, in seconds (`scalerValue` is seconds then). */
export const MAX_QUEUE_DELAY_SECONDS = 3600;

/** A broken rule that spans fields: its message, and every field it involves. */
export interface SettingsProblem {
  fields: (keyof EndpointUpdate)[];
  message: string;
}

/**
 * The rules of endpoint settings that span several fields, which the contract's schemas cannot state: the
 * one copy that the control plane (on the settings with defaults applied) and the Pulumi provider (at
 * preview, on the settings a program gives) both apply. A rule is checked only when every field it involves
 * is known, so partial settings are judged on what they say.
 */
export function endpointSettingsProblems(
  settings: Pick<EndpointUpdate, "workersMin" | "workersMax" | "scalerType" | "scalerValue">,
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const { workersMin, workersMax, scalerType, scalerValue } = settings;
  if (workersMin !== undefined && workersMax !== undefined && workersMin > workersMax) {
    problems.push({
      fields: ["workersMin", "workersMax"],
      message: `workersMin (${workersMin}) must not exceed workersMax (${workersMax})`,
    });
  }
  if (scalerType === "QUEUE_DELAY" && scalerValue !== undefined && scalerValue > MAX_QUEUE_DELAY_SECONDS) {
    problems.push({
      fields: ["scalerValue"],
      message: `with scalerType QUEUE_DELAY, scalerValue is seconds of queue delay and must be at most ${MAX_QUEUE_DELAY_SECONDS}`,
    });
  }
  return problems;
}
