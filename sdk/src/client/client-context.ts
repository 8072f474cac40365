import type { Client } from "openapi-fetch";
import type { paths } from "../generated/openapi.js";
import type { CompiledRunfleetOptions } from "./runfleet-options.js";

/** What every helper needs: the typed openapi-fetch client and the compiled options. */
export interface ClientContext {
  /** The openapi-fetch client, with auth, retries and the chosen `fetch`. */
  readonly api: Client<paths>;
  /** The client's options with defaults applied. */
  readonly options: CompiledRunfleetOptions;
}
