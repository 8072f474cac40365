import { type FieldError, schemaFieldErrors } from "@runfleet/sdk";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { REQUEST_SCHEMAS, type RequestSchemaName } from "./generated/request-schemas.js";

/** The id under which the contract's schemas are registered, so their `#/components/schemas/` references resolve. */
const CONTRACT_ID = "runfleet:openapi";

/**
 * A resource's inputs checked against the contract's schema of its create body (from openapi.yaml, via
 * `npm run gen`): the same schema, validator (Ajv, JSON Schema 2020-12) and wording of errors as the control
 * plane's 400 answers, so `pulumi preview` refuses what the API would, for the same reason.
 */
export interface RequestValidator {
  /** The properties the resource takes: those of the schema, less the ones it leaves out. */
  readonly properties: readonly string[];
  /**
   * The field errors of `inputs`. Properties listed in `unknown` (values a preview does not know yet) are
   * treated as present and valid: they are left out of `inputs` and their `is required` errors dropped.
   */
  validate(inputs: Record<string, unknown>, unknown?: readonly string[]): FieldError[];
}

/**
 * The properties the contract's create body has and the provider does not take: the API never shows a
 * secret's value, so a refresh could not tell whether it changed.
 */
export const UNMANAGED_SECRETS: Readonly<Record<string, string>> = {
  secretEnv:
    "is not a property of this resource: the API never shows secret values, so Pulumi could not see them change; set them with `runfleet` or the API",
};

let ajv: Ajv2020 | undefined;

/** One Ajv for every resource, with the contract's schemas registered; configured as the control plane's body validator. */
function contractAjv(): Ajv2020 {
  if (ajv === undefined) {
    // `strict: false` because OpenAPI adds keywords JSON Schema does not know; with `discriminator`, a
    // `oneOf` with one reports the errors of the branch its tag picks.
    ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: false, useDefaults: false, discriminator: true });
    const addFormats = addFormatsPlugin as unknown as { default?: (a: Ajv2020) => void } & ((a: Ajv2020) => void);
    (addFormats.default ?? addFormats)(ajv);
    ajv.addSchema({ $id: CONTRACT_ID, components: { schemas: REQUEST_SCHEMAS } });
  }
  return ajv;
}

/**
 * The validator of the contract's `schemaName`. `omit` names properties of the schema the resource does not
 * manage, each with the reason a program setting it is told.
 */
export function requestValidator(
  schemaName: RequestSchemaName,
  omit: Readonly<Record<string, string>> = {},
): RequestValidator {
  const schema = REQUEST_SCHEMAS[schemaName] as { properties?: Record<string, unknown> };
  const properties = Object.keys(schema.properties ?? {}).filter((property) => !Object.hasOwn(omit, property));
  const compiled: ValidateFunction = contractAjv().compile({
    $ref: `${CONTRACT_ID}#/components/schemas/${schemaName}`,
  });
  return {
    properties,
    validate(inputs, unknown = []) {
      const unmanaged = Object.keys(inputs)
        .filter((property) => Object.hasOwn(omit, property))
        .map((property) => ({ field: property, message: omit[property] as string }));
      if (compiled(inputs)) {
        return unmanaged;
      }
      const contract = schemaFieldErrors(compiled.errors ?? []).filter(
        (error) => !(error.message === "is required" && unknown.includes(error.field)),
      );
      return [...unmanaged, ...contract];
    },
  };
}
