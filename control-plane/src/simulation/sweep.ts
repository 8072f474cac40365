import { type CompiledEndpointSettings, checkEndpointSettings } from "../domain/endpoint-settings.js";

/** Settings a sweep may vary. */
export type SweepField = "workersMin" | "workersMax" | "idleTimeout" | "flashboot" | "scalerType" | "scalerValue";

/** Values to try per setting; settings not named keep the base configuration's value. */
export interface SweepAxes {
  workersMin?: number[];
  workersMax?: number[];
  idleTimeout?: number[];
  flashboot?: boolean[];
  scalerType?: CompiledEndpointSettings["scalerType"][];
  scalerValue?: number[];
}

/** A sweep axis that cannot be read; the message names the field and shows the accepted forms. */
export class SweepSyntaxError extends Error {
  override readonly name = "SweepSyntaxError";
}

const NUMERIC: ReadonlySet<SweepField> = new Set(["workersMin", "workersMax", "idleTimeout", "scalerValue"]);
const FIELDS: readonly SweepField[] = [
  "workersMin",
  "workersMax",
  "idleTimeout",
  "flashboot",
  "scalerType",
  "scalerValue",
];
/** Largest number of values one range may expand to, so that a typo does not run for hours. */
const MAX_VALUES_PER_AXIS = 200;

/**
 * Reads one axis: `FIELD=a,b,c`, `FIELD=from..to` or `FIELD=from..to:step` for numbers,
 * `flashboot=false,true`, `scalerType=QUEUE_DELAY,REQUEST_COUNT`.
 */
export function parseSweepAxis(text: string): Partial<SweepAxes> {
  const at = text.indexOf("=");
  const field = text.slice(0, at) as SweepField;
  const spec = text.slice(at + 1).trim();
  if (at <= 0 || !FIELDS.includes(field)) {
    throw new SweepSyntaxError(`--sweep "${text}": expected FIELD=VALUES with FIELD one of ${FIELDS.join(", ")}`);
  }
  if (spec === "") {
    throw new SweepSyntaxError(`--sweep ${field}: no values`);
  }
  if (NUMERIC.has(field)) {
    return { [field]: numericValues(field, spec) };
  }
  const values = spec.split(",").map((v) => v.trim());
  if (field === "flashboot") {
    for (const value of values) {
      if (value !== "true" && value !== "false") {
        throw new SweepSyntaxError(`--sweep flashboot: values must be true or false, got "${value}"`);
      }
    }
    return { flashboot: values.map((v) => v === "true") };
  }
  for (const value of values) {
    if (value !== "QUEUE_DELAY" && value !== "REQUEST_COUNT") {
      throw new SweepSyntaxError(`--sweep scalerType: values must be QUEUE_DELAY or REQUEST_COUNT, got "${value}"`);
    }
  }
  return { scalerType: values as CompiledEndpointSettings["scalerType"][] };
}

function numericValues(field: SweepField, spec: string): number[] {
  const range = /^(\d+)\.\.(\d+)(?::(\d+))?$/.exec(spec);
  let values: number[];
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    const step = Number(range[3] ?? 1);
    if (step <= 0 || to < from) {
      throw new SweepSyntaxError(`--sweep ${field}=${spec}: a range is from..to[:step] with from ≤ to and step ≥ 1`);
    }
    values = [];
    for (let v = from; v <= to && values.length <= MAX_VALUES_PER_AXIS; v += step) {
      values.push(v);
    }
  } else {
    values = spec.split(",").map((v) => {
      if (!/^\d+$/.test(v.trim())) {
        throw new SweepSyntaxError(
          `--sweep ${field}: "${v}" is not a whole number ≥ 0 (forms: a,b,c or from..to or from..to:step)`,
        );
      }
      return Number(v.trim());
    });
  }
  if (values.length > MAX_VALUES_PER_AXIS) {
    throw new SweepSyntaxError(`--sweep ${field}=${spec}: more than ${MAX_VALUES_PER_AXIS} values`);
  }
  return values;
}

/**
 * Every combination of the axes over a base configuration (the cartesian product), leaving out those that
 * break the endpoint's own rules (workersMin above workersMax, say), in a stable order.
 */
export function sweepConfigurations(base: CompiledEndpointSettings, axes: SweepAxes): CompiledEndpointSettings[] {
  let configurations: CompiledEndpointSettings[] = [base];
  for (const field of FIELDS) {
    const values = axes[field] as readonly unknown[] | undefined;
    if (values === undefined || values.length === 0) {
      continue;
    }
    configurations = configurations.flatMap((configuration) =>
      values.map((value) => ({ ...configuration, [field]: value }) as CompiledEndpointSettings),
    );
  }
  return configurations.filter((configuration) => checkEndpointSettings(configuration).length === 0);
}

/**
 * The points no other point beats on both objectives (lower is better for each), sorted by the first.
 * A point equal to another on both is kept once (the first).
 */
export function paretoFrontier<T>(points: readonly T[], x: (point: T) => number, y: (point: T) => number): T[] {
  const sorted = [...points].sort((a, b) => x(a) - x(b) || y(a) - y(b));
  const frontier: T[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (const point of sorted) {
    if (y(point) < best) {
      frontier.push(point);
      best = y(point);
    }
  }
  return frontier;
}
