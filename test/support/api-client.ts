import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ControlPlane, type ControlPlaneOptions, createControlPlane } from "@runfleet/control-plane";
import type { paths } from "@runfleet/sdk/generated";
import createClient, { type Client } from "openapi-fetch";
import { contractResponses } from "./contract-responses.js";
import { TEST_ADMIN_KEY } from "./control-plane-process.js";

/** A control plane assembled in this process, with clients typed from the contract that call it in-process. */
export interface InProcessControlPlane {
  controlPlane: ControlPlane;
  /** Calls with the admin key. */
  api: Client<paths>;
  /** A client with another key (or none). */
  as: (key: string | undefined) => Client<paths>;
  dispose: () => Promise<void>;
}

/**
 * Assembles a control plane without a port and returns openapi-fetch clients whose `fetch` is the
 * application's own: the contract is exercised from both sides, with no network. Every answer is checked
 * against openapi.yaml (`contractResponses`): one that breaks it fails the call.
 */
export async function inProcessControlPlane(options: ControlPlaneOptions = {}): Promise<InProcessControlPlane> {
  const dataDir = mkdtempSync(join(tmpdir(), "runfleet-inproc-"));
  const controlPlane = await createControlPlane({ dataDir, adminKey: TEST_ADMIN_KEY, logLevel: "silent", ...options });
  const as = (key: string | undefined) => {
    const client = createClient<paths>({
      baseUrl: "http://control-plane.test",
      fetch: (request: Request) => controlPlane.fetch(request),
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    });
    client.use(contractResponses);
    return client;
  };
  return {
    controlPlane,
    api: as(TEST_ADMIN_KEY),
    as,
    dispose: async () => {
      await controlPlane.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
