import { type JobReference, SchemaValidationError } from "./errors.js";

/**
 * The part of the Standard Schema interface (https://standardschema.dev, v1) the client uses. zod ≥ 3.24,
 * Valibot and ArkType implement it, so any of them validates inputs and outputs without the client
 * importing one.
 */
export interface StandardSchema<Output> {
  /** The Standard Schema property. */
  readonly "~standard": {
    /** The spec version. */
    readonly version: 1;
    /** The library that made the schema. */
    readonly vendor: string;
    /** Checks a value; the result has `value` on success, `issues` on failure. */
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  };
}

/** The result of a Standard Schema validation. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/** A schema with a throwing `parse`, for libraries that predate Standard Schema. */
export interface ParseSchema<Output> {
  /** Returns the parsed value or throws. */
  parse(value: unknown): Output;
}

/** What `endpoint()` accepts to validate a value: a Standard Schema (zod 4 is one) or a `{ parse }`. */
export type Schema<Output> = StandardSchema<Output> | ParseSchema<Output>;

/** Validates `value` with `schema` (when there is one); throws a {@link SchemaValidationError}. */
export async function validate<T>(
  schema: Schema<T> | undefined,
  value: unknown,
  subject: SchemaValidationError["subject"],
  job: JobReference | undefined,
): Promise<T> {
  if (schema === undefined) {
    return value as T;
  }
  if ("~standard" in schema) {
    const result = await schema["~standard"].validate(value);
    if (result.issues) {
      throw new SchemaValidationError(
        subject,
        result.issues.map((issue) => ({ message: issue.message, path: issuePath(issue.path) })),
        job,
      );
    }
    return result.value;
  }
  try {
    return schema.parse(value);
  } catch (error) {
    throw new SchemaValidationError(subject, [{ message: (error as Error).message ?? String(error) }], job, {
      cause: error,
    });
  }
}

function issuePath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string | undefined {
  if (!path || path.length === 0) {
    return undefined;
  }
  return path.map((segment) => String(typeof segment === "object" ? segment.key : segment)).join(".");
}
