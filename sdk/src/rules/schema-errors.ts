import type { components } from "../generated/openapi.js";

/** A field named in a refusal: the contract's `FieldError` (`workersMax`, `env.1BAD`, `volumeMounts.0.name`). */
export type FieldError = components["schemas"]["FieldError"];

/**
 * One error of a JSON Schema validator, in the shape Ajv reports it (only what {@link schemaFieldErrors}
 * reads, so this package needs no validator of its own).
 */
export interface ContractSchemaError {
  /** The keyword that failed: `minimum`, `required`, `enum`, … */
  keyword: string;
  /** Where in the value, as a JSON Pointer (`/volumeMounts/0/name`). */
  instancePath: string;
  /** The keyword's details (`missingProperty`, `additionalProperty`, `allowedValues`, …). */
  params: Record<string, unknown>;
  /** The validator's sentence, e.g. `must be <= 1000`. */
  message?: string;
  /** Set when the failing value is a property name (a `propertyNames` rule), not a property's value. */
  propertyName?: string;
}

/**
 * Turns a schema validator's errors into field errors that name the field a person would look for: the
 * one wording of contract violations, used by the control plane for its 400 problems and by the Pulumi
 * provider for `pulumi preview` failures, so both say the same thing about the same value.
 * `prefix` is put before every field (`""` for a body; the field is then `body` for the value itself).
 */
export function schemaFieldErrors(errors: readonly ContractSchemaError[], prefix = ""): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    // `if` repeats what its `then` branch reports; `propertyNames` repeats its inner error, which names the
    // offending property name (kept below).
    if (error.keyword === "if" || error.keyword === "propertyNames") {
      continue;
    }
    let field = error.instancePath.replace(/^\//, "").replaceAll("/", ".");
    let message = error.message ?? "is invalid";
    const params = error.params;
    if (error.propertyName !== undefined) {
      field = join(field, error.propertyName);
      message = `is not an allowed name: ${message}`;
    } else if (error.keyword === "required") {
      field = join(field, String(params.missingProperty));
      message = "is required";
    } else if (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties") {
      field = join(field, String(params.additionalProperty ?? params.unevaluatedProperty));
      message = "is not a known field";
    } else if (error.keyword === "discriminator") {
      // A `oneOf` picked by a tag (`volumeMounts.0.type`): the tag is missing, or names no branch.
      field = join(field, String(params.tag));
      message =
        params.error === "mapping"
          ? `${JSON.stringify(params.tagValue)} is not one of the kinds allowed here`
          : "is required, a string naming the kind";
    } else if (error.keyword === "enum" && Array.isArray(params.allowedValues)) {
      message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    }
    field = join(prefix, field) || "body";
    const key = `${field}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field, message });
    }
  }
  return out;
}

function join(a: string, b: string): string {
  return a && b ? `${a}.${b}` : a || b;
}
