import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import type { Middleware } from "openapi-fetch";
import { parse } from "yaml";

// Every answer a test's client receives is checked against openapi.yaml: a documented status, the documented
// content type, and a body that its schema accepts. A handler that answers outside the contract then fails
// the test that called it, whatever that test asserts.

const SPEC_PATH = resolve(import.meta.dirname, "../../openapi.yaml");
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

type Json = Record<string, unknown>;
interface MediaType {
  schema?: Json;
}
interface ResponseObject {
  $ref?: string;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId: string;
  responses: Record<string, ResponseObject>;
  "x-runfleet-proxy"?: boolean;
}
interface Spec {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, ResponseObject> };
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Literal characters of the template: the more, the more specific (`/v1/keys/x` before `{id}`). */
  literal: number;
  operation: Operation;
}

/** Checks one received answer; returns what breaks the contract, or an empty list. */
export type ResponseCheck = (answer: {
  method: string;
  url: string;
  status: number;
  contentType: string | null;
  body: unknown;
}) => string[];

let shared: ResponseCheck | undefined;

/** The contract's response check, compiled once per test file. */
export function contractResponseCheck(): ResponseCheck {
  shared ??= compile(parse(readFileSync(SPEC_PATH, "utf8")) as Spec);
  return shared;
}

function compile(spec: Spec): ResponseCheck {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const addFormats = addFormatsPlugin as unknown as { default?: (a: Ajv2020) => void } & ((a: Ajv2020) => void);
  (addFormats.default ?? addFormats)(ajv);
  ajv.addSchema({ $id: "runfleet:openapi", components: { schemas: spec.components.schemas } });
  const validators = new Map<Json, ValidateFunction>();
  const validatorOf = (schema: Json) => {
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile(
        JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"runfleet:openapi#/components/')) as Json,
      );
      validators.set(schema, validate);
    }
    return validate;
  };

  const routes: Route[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (!operation || operation["x-runfleet-proxy"]) {
        continue;
      }
      const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
      routes.push({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${source}$`),
        literal: template.replace(/\{[^}]+\}/g, "").length,
        operation,
      });
    }
  }
  routes.sort((a, b) => b.literal - a.literal);

  return ({ method, url, status, contentType, body }) => {
    const path = new URL(url, "http://control-plane.test").pathname;
    const route = routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
    if (!route) {
      // Not an operation of the contract (an unknown route, an undocumented method): nothing to hold it to.
      return [];
    }
    const where = `${method.toUpperCase()} ${path} (${route.operation.operationId}) answered ${status}`;
    let response = route.operation.responses[String(status)] ?? route.operation.responses.default;
    if (!response) {
      return [`${where}: the contract documents no such status`];
    }
    if (response.$ref) {
      response = spec.components.responses[response.$ref.split("/").pop() as string] ?? {};
    }
    const documented = Object.keys(response.content ?? {});
    if (documented.length === 0) {
      return body === undefined || body === "" ? [] : [`${where}: the contract documents no body, one was sent`];
    }
    const type = (contentType ?? "").split(";")[0]?.trim() ?? "";
    const media = response.content?.[type];
    if (!media) {
      return [`${where}: content type ${type || "(none)"} is not one of ${documented.join(", ")}`];
    }
    if (!(type === "application/json" || type.endsWith("+json")) || !media.schema) {
      return [];
    }
    const validate = validatorOf(media.schema);
    if (validate(body)) {
      return [];
    }
    return (validate.errors ?? []).map((e) => `${where}: body${e.instancePath} ${e.message ?? "is invalid"}`);
  };
}

/** Throws when an answer breaks the contract (see {@link contractResponseCheck}). */
export function assertContractResponse(answer: Parameters<ResponseCheck>[0]): void {
  const problems = contractResponseCheck()(answer);
  if (problems.length > 0) {
    throw new Error(
      `the answer breaks openapi.yaml:\n  ${problems.join("\n  ")}\nbody: ${JSON.stringify(answer.body)}`,
    );
  }
}

/** An openapi-fetch middleware that fails the call when its answer breaks the contract. */
export const contractResponses: Middleware = {
  async onResponse({ request, response }) {
    const contentType = response.headers.get("content-type");
    // Streams (ndjson, the load-balancing router) are checked by their status and content type only.
    const readable = contentType !== null && /json($|;)/.test(contentType) && !contentType.includes("ndjson");
    const text = readable ? await response.clone().text() : undefined;
    assertContractResponse({
      method: request.method,
      url: request.url,
      status: response.status,
      contentType,
      body: text === undefined || text === "" ? undefined : JSON.parse(text),
    });
    return undefined;
  },
};
