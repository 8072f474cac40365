import type { operations } from "@runfleet/sdk/generated";
import type { Principal } from "../auth/principal.js";
import type { QueryDefaults } from "./generated/query-defaults.js";

/**
 * The operations of the contract the router proxies to workers (`x-runfleet-proxy`): documented there,
 * served by the load balancer rather than by a handler of the table.
 */
export type ProxiedOperationId = "proxyLoadBalancerGet" | "proxyLoadBalancerPost";

/** Every operation of the contract served by a handler, by its `operationId`. */
export type OperationId = Exclude<keyof operations, ProxiedOperationId>;

type Parameters<Op extends OperationId, In extends "path" | "query" | "header"> = operations[Op]["parameters"] extends {
  [K in In]?: infer P;
}
  ? [P] extends [never]
    ? Record<string, never>
    : NonNullable<P>
  : Record<string, never>;

type RequestBodyOf<Op extends OperationId> = operations[Op] extends { requestBody: { content: infer C } }
  ? C[keyof C]
  : operations[Op] extends { requestBody?: { content: infer C } }
    ? C[keyof C] | undefined
    : undefined;

/** A body as a handler gives it: newline-delimited JSON is a stream of its documents, sent as they come. */
type ContentOf<R> = R extends { content: infer C }
  ? C extends { "application/x-ndjson": infer Line }
    ? AsyncIterable<Line>
    : C[keyof C]
  : undefined;

type Responses<Op extends OperationId> = operations[Op]["responses"];

/**
 * The statuses a handler may answer with: those the operation documents with a body other than a
 * problem document (problems are thrown as errors and answered by the error table).
 */
export type SuccessStatus<Op extends OperationId> = {
  [S in keyof Responses<Op>]: Responses<Op>[S] extends { content: { "application/problem+json": unknown } } ? never : S;
}[keyof Responses<Op>];

/** A handler's answer: a documented status with the body the contract gives for it. */
export type OperationResult<Op extends OperationId> = {
  [S in SuccessStatus<Op>]: {
    status: S;
    body: ContentOf<operations[Op]["responses"][S]>;
    /** Extra answer headers. */
    headers?: Record<string, string>;
  };
}[SuccessStatus<Op>];

/**
 * The query as a handler sees it: validation has filled in every parameter the contract gives a
 * `default:` ({@link QueryDefaults}, generated from openapi.yaml), so those are never undefined.
 */
type QueryOf<Op extends OperationId> = Op extends keyof QueryDefaults
  ? Parameters<Op, "query"> & {
      [K in keyof QueryDefaults[Op] & keyof Parameters<Op, "query">]-?: NonNullable<Parameters<Op, "query">[K]>;
    }
  : Parameters<Op, "query">;

/** The validated request, typed from the contract. */
export interface OperationInput<Op extends OperationId> {
  path: Parameters<Op, "path">;
  query: QueryOf<Op>;
  header: Parameters<Op, "header">;
  body: RequestBodyOf<Op>;
}

/** What a handler receives. */
export interface OperationContext<Op extends OperationId> {
  /** Parameters and body, already validated against the contract. */
  input: OperationInput<Op>;
  /** The authenticated caller; null for operations without security. */
  principal: Principal | null;
  /** The raw request (headers a handler may need beyond the declared ones). */
  request: Request;
  /**
   * The address of the peer that sent the request, as the connection shows it (a load balancer's or a
   * follower's when one relayed it); null when the request did not come over a socket.
   */
  remoteAddress: string | null;
  /** Aborted when the client goes away; long polls stop early on it. */
  signal: AbortSignal;
  /**
   * Ends the request's count against admission control's in-flight limit before the answer is ready
   * (a runsync whose job is stored, and which now only waits). A no-op for requests not counted.
   */
  admitted: () => void;
}

/** A handler of one operation. */
export type OperationHandler<Op extends OperationId> = (
  context: OperationContext<Op>,
) => OperationResult<Op> | Promise<OperationResult<Op>>;

/**
 * The handler table: one entry per operation of the contract. Declared with `satisfies`, so a missing
 * operation, an undocumented status or a body of the wrong shape is a compile error.
 */
export type OperationHandlers = { [Op in OperationId]: OperationHandler<Op> };
