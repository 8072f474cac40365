import {
  createConfiguration,
  type KubeConfig,
  type Middleware,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
  Watch,
} from "@kubernetes/client-node";

/** A request to the Kubernetes API as the apiserver's audit log and RBAC name it. */
export interface KubernetesApiRequest {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete` or `deletecollection`. */
  verb: string;
  /** The resource, with its subresource if any: `pods`, `secrets`, `pods/log`, `pods/exec`. */
  resource: string;
}

/** Called once for each request the driver sends to the Kubernetes API. */
export type KubernetesApiRequestListener = (request: KubernetesApiRequest) => void;

/**
 * The verb and resource of a request, from its method and URL: pure, table-tested. Paths are
 * `/api/v1/...` (the core group) or `/apis/<group>/<version>/...`, then `namespaces/<ns>/` for a
 * namespaced resource, then the resource, its name and a subresource. A GET is a `watch` with
 * `watch=true`, a `get` with a name and a `list` without, as the apiserver counts them.
 */
export function apiRequestOf(method: string, url: string): KubernetesApiRequest {
  const parsed = new URL(url, "http://apiserver");
  const parts = parsed.pathname.split("/").filter((part) => part.length > 0);
  // Past the group and version: `api/v1` or `apis/<group>/<version>`.
  let rest = parts[0] === "apis" ? parts.slice(3) : parts.slice(2);
  if (rest[0] === "namespaces" && rest.length >= 3) {
    rest = rest.slice(2);
  }
  const [kind = "unknown", name, subresource] = rest;
  const resource = subresource !== undefined ? `${kind}/${subresource}` : kind;
  const watch = parsed.searchParams.get("watch");
  let verb: string;
  switch (method.toUpperCase()) {
    case "GET":
      verb = watch === "true" || watch === "1" ? "watch" : name !== undefined ? "get" : "list";
      break;
    case "POST":
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name !== undefined ? "delete" : "deletecollection";
      break;
    default:
      verb = method.toLowerCase();
  }
  return { verb, resource };
}

/**
 * A client-node API configuration like `KubeConfig.makeApiClient`'s, plus a middleware that reports each
 * request it sends: every call of the generated API objects (`CoreV1Api`, ...) passes through it.
 */
export function countedApiConfiguration(config: KubeConfig, listener: KubernetesApiRequestListener) {
  const server = config.getCurrentCluster()?.server;
  if (server === undefined) {
    throw new Error("the kubeconfig has no current cluster");
  }
  const counter: Middleware = {
    pre: async (context: RequestContext) => {
      listener(apiRequestOf(context.getHttpMethod(), context.getUrl()));
      return context;
    },
    post: async (context: ResponseContext) => context,
  };
  return createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: config },
    promiseMiddleware: [counter],
  });
}

/**
 * A watch that reports each watch request it opens (informers open theirs through a `Watch`, outside the
 * API objects' middleware): one at the start and one per re-watch, never one per event.
 */
export class CountedWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly listener: KubernetesApiRequestListener,
  ) {
    super(config);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    this.listener(apiRequestOf("GET", `${path}?watch=true`));
    return super.watch(path, queryParams, callback, done);
  }
}
