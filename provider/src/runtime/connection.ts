import type { dynamic } from "@pulumi/pulumi";

/** Where the provider finds the control plane and how it authenticates, resolved for one call. */
export interface Connection {
  /** The control plane's base URL, without a trailing slash. */
  baseUrl: string;
  /** The API key sent as a bearer token. */
  apiKey: string;
}

/** Stack configuration keys the provider reads in `configure`. */
export const CONFIG_KEYS = { baseUrl: "runfleet:baseUrl", apiKey: "runfleet:apiKey" } as const;

/** Environment variables used when the stack configuration does not set a value. */
export const ENV_KEYS = { baseUrl: "RUNFLEET_BASE_URL", apiKey: "RUNFLEET_API_KEY" } as const;

/**
 * Connection settings taken from the stack configuration. They live in the provider process only: the
 * serialized provider never holds them, so a rotated key or a moved control plane needs no `pulumi up`,
 * and `pulumi destroy` (which runs the provider code stored in state) uses today's values.
 */
export class ConnectionSettings {
  private fromConfig: Partial<Connection> = {};

  /** Takes `runfleet:baseUrl` and `runfleet:apiKey` from the stack configuration the engine sends. */
  configure(request: dynamic.ConfigureRequest): void {
    this.fromConfig = {
      baseUrl: nonEmpty(request.config.get(CONFIG_KEYS.baseUrl)),
      apiKey: nonEmpty(request.config.get(CONFIG_KEYS.apiKey)),
    };
  }

  /**
   * The connection for the call being made: stack configuration first, then the environment, read now
   * rather than when the provider was built. Throws a message naming both ways to set what is missing.
   */
  resolve(env: NodeJS.ProcessEnv = process.env): Connection {
    const baseUrl = this.fromConfig.baseUrl ?? nonEmpty(env[ENV_KEYS.baseUrl]);
    const apiKey = this.fromConfig.apiKey ?? nonEmpty(env[ENV_KEYS.apiKey]);
    const missing: string[] = [];
    if (baseUrl === undefined) {
      missing.push(`the control plane URL (pulumi config set ${CONFIG_KEYS.baseUrl} <url>, or ${ENV_KEYS.baseUrl})`);
    }
    if (apiKey === undefined) {
      missing.push(`an API key (pulumi config set --secret ${CONFIG_KEYS.apiKey} <key>, or ${ENV_KEYS.apiKey})`);
    }
    if (baseUrl === undefined || apiKey === undefined) {
      throw new Error(`Runfleet provider is not configured: set ${missing.join(" and ")}`);
    }
    return { baseUrl: baseUrl.replace(/\/+$/, ""), apiKey };
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
