import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { schemaFieldErrors } from "@runfleet/sdk";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { parse } from "yaml";
import type { OperationFamily } from "../auth/principal.js";
import type { FieldError } from "../errors/control-plane-error.js";
import type { OperationId } from "./operation-types.js";

/** Where the contract lives: the repository root, two levels above this package's `src` or `dist`. */
export const OPENAPI_PATH = fileURLToPath(new URL("../../../openapi.yaml", import.meta.url));

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
/** An HTTP method the contract uses. */
export type HttpMethod = (typeof METHODS)[number];

interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Record<string, unknown>;
  $ref?: string;
}

interface OperationObject {
  operationId: string;
  tags?: string[];
  security?: unknown[];
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
  "x-runfleet-max-body-bytes"?: number;
  /** The load-balancing router: documented here, served by `load-balancing/` rather than a handler. */
  "x-runfleet-proxy"?: boolean;
  /**
   * True for a GET that changes state (`/stream` hands each chunk out once): a read-only key may not
   * call it, since it would take what the job's client is waiting for.
   */
  "x-runfleet-consumes"?: boolean;
  "x-runfleet-admin-only"?: boolean;
}

/** A validator of one part of a request; returns the field errors, or an empty list. */
export type PartValidator = (value: unknown) => FieldError[];

/** Everything the router needs to know about one operation, derived from the contract at start-up. */
export interface OperationDescriptor {
  operationId: OperationId;
  method: HttpMethod;
  /** The path as written in the contract, e.g. `/v2/{endpointId}/run`. */
  path: string;
  /** The same path in the router's syntax, e.g. `/v2/:endpointId/run`. */
  routerPath: string;
  family: OperationFamily;
  /** False when the operation declares `security: []`. */
  secured: boolean;
  readOnly: boolean;
  /** Only admin keys may call it (`x-runfleet-admin-only`), reads included. */
  adminOnly: boolean;
  /** Largest accepted body, in bytes, when the operation overrides the default. */
  maxBodyBytes: number | undefined;
  /** Whether the operation takes a body, and whether it must. */
  body: "none" | "optional" | "required";
  /** Content type of the success answer. */
  responseType: "application/json" | "application/x-ndjson" | "text/plain" | "application/yaml" | "text/html";
  /** Names of the header parameters, as the contract spells them. */
  headerNames: string[];
  validatePath: PartValidator;
  validateQuery: PartValidator;
  validateHeader: PartValidator;
  validateBody: PartValidator;
}

/** The parsed contract with a descriptor per operation. */
export interface OpenApiDocument {
  /** The YAML text, served at `/openapi.yaml`. */
  text: string;
  operations: OperationDescriptor[];
}

/** Operations that change nothing although their method is not GET. */
const READ_ONLY_POSTS = new Set(["waitJobStatusPost"]);

/**
 * Loads the contract and compiles one validator per request part of every operation (Ajv, JSON Schema
 * 2020-12, once at start-up). Parameters are coerced from strings (`?wait=500` is an integer); bodies are
 * validated as sent, with unknown fields refused where the schema says so.
 */
export function loadOpenApiDocument(path: string = OPENAPI_PATH): OpenApiDocument {
  const text = readFileSync(path, "utf8");
  const spec = parse(text) as {
    paths: Record<string, Record<string, unknown> & { parameters?: ParameterObject[] }>;
    components: { parameters: Record<string, ParameterObject>; schemas: Record<string, unknown> };
  };
  const root = {
    $id: "runfleet:openapi",
    components: { schemas: withoutDiscriminatorMappings(spec.components.schemas) },
  };
  const bodies = newAjv(false);
  bodies.addSchema(root);
  const params = newAjv(true);
  params.addSchema(root);

  const resolveParameter = (parameter: ParameterObject): ParameterObject => {
    if (parameter.$ref) {
      const name = parameter.$ref.split("/").pop() as string;
      const resolved = spec.components.parameters[name];
      if (!resolved) {
        throw new Error(`openapi.yaml: unknown parameter ${parameter.$ref}`);
      }
      return resolved;
    }
    return parameter;
  };

  const operations: OperationDescriptor[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation || operation["x-runfleet-proxy"] === true) {
        continue;
      }
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(resolveParameter);
      const partValidator = (location: "path" | "query" | "header", prefix: string): PartValidator => {
        const own = parameters.filter((p) => p.in === location);
        const schema = {
          type: "object",
          properties: Object.fromEntries(own.map((p) => [p.name, refToRoot(p.schema ?? {})])),
          required: own.filter((p) => p.required).map((p) => p.name),
        };
        const validate = wrap(params.compile(schema), prefix);
        // Python's spelling of booleans (`?isStream=True`, what the runpod SDK sends) is accepted as the
        // lower-case JSON spelling that the contract documents and Ajv coerces.
        const booleans = own.filter((p) => p.schema?.type === "boolean").map((p) => p.name);
        if (booleans.length === 0) {
          return validate;
        }
        return (value) => {
          const values = value as Record<string, unknown>;
          for (const name of booleans) {
            const given = values[name];
            if (given === "True" || given === "False") {
              values[name] = given.toLowerCase();
            }
          }
          return validate(values);
        };
      };
      const bodyContent = operation.requestBody?.content ?? {};
      const bodySchema = Object.values(bodyContent)[0]?.schema;
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith("2"))?.[1];
      const responseType = (Object.keys(success?.content ?? {})[0] ??
        "application/json") as OperationDescriptor["responseType"];
      const tag = operation.tags?.[0] ?? "system";
      operations.push({
        operationId: operation.operationId as OperationId,
        method,
        path,
        routerPath: path.replace(/\{([^}]+)\}/g, ":$1"),
        family: tag as OperationFamily,
        secured: !(Array.isArray(operation.security) && operation.security.length === 0),
        readOnly:
          (method === "get" || READ_ONLY_POSTS.has(operation.operationId)) && operation["x-runfleet-consumes"] !== true,
        adminOnly: operation["x-runfleet-admin-only"] === true,
        maxBodyBytes: operation["x-runfleet-max-body-bytes"],
        body: !operation.requestBody ? "none" : operation.requestBody.required ? "required" : "optional",
        responseType,
        headerNames: parameters.filter((p) => p.in === "header").map((p) => p.name),
        validatePath: partValidator("path", ""),
        validateQuery: partValidator("query", ""),
        validateHeader: partValidator("header", ""),
        validateBody: bodySchema ? wrap(bodies.compile(refToRoot(bodySchema)), "") : () => [],
      });
    }
  }
  return { text, operations };
}

function newAjv(coerce: boolean): Ajv2020 {
  // `strict: false` because OpenAPI adds keywords JSON Schema does not know (`example`, `x-*`). With
  // `discriminator`, a `oneOf` with one reports the errors of the branch its tag picks, not of every branch.
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    coerceTypes: coerce,
    useDefaults: coerce,
    discriminator: true,
  });
  const addFormats = addFormatsPlugin as unknown as { default?: (a: Ajv2020) => void } & ((a: Ajv2020) => void);
  (addFormats.default ?? addFormats)(ajv);
  return ajv;
}

/**
 * The schemas with each `discriminator.mapping` left out: Ajv refuses a mapping, and picks the branch by the
 * tag's `const` in each branch, which is what the contract's mappings say too.
 */
function withoutDiscriminatorMappings<T>(schemas: T): T {
  return JSON.parse(JSON.stringify(schemas), (key, value) => {
    if (key === "discriminator" && typeof value === "object" && value !== null) {
      const { mapping: _mapping, ...rest } = value as Record<string, unknown>;
      return rest;
    }
    return value;
  }) as T;
}

/** Rewrites `#/components/...` references so they resolve inside the registered root document. */
function refToRoot(schema: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"runfleet:openapi#/components/'));
}

function wrap(validate: ValidateFunction, prefix: string): PartValidator {
  return (value) => (validate(value) ? [] : schemaFieldErrors(validate.errors ?? [], prefix));
}
