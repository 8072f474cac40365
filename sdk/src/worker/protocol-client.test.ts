import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PING_JOB_IDS_MAX_CHARS, ProtocolClient, pingJobIdLists } from "./protocol-client.js";
import type { WorkerEnvironment } from "./worker-environment.js";

describe("pingJobIdLists", () => {
  it.each<[string, string[], number, string[]]>([
    ["no ids: no list", [], 10, []],
    ["one list when they fit", ["a", "b", "c"], 5, ["a,b,c"]],
    ["a new list when the next id would not fit", ["aa", "bb", "cc"], 5, ["aa,bb", "cc"]],
    ["an id longer than the limit alone", ["a", "bbbbbb", "c"], 5, ["a", "bbbbbb", "c"]],
  ])("%s", (_, ids, max, expected) => {
    expect(pingJobIdLists(ids, max)).toEqual(expected);
  });

  it("keeps every id once, and every list within the limit", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `${crypto.randomUUID()}-u${i}`);
    const lists = pingJobIdLists(ids);
    expect(lists.length).toBeGreaterThan(1);
    expect(lists.every((list) => list.length <= PING_JOB_IDS_MAX_CHARS)).toBe(true);
    expect(lists.flatMap((list) => list.split(","))).toEqual(ids);
  });
});

describe("ProtocolClient.ping against a server with Node's default 16 KB request-head limit", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  it("names 1,000 running jobs (~40 KB of ids) in requests the server accepts", async () => {
    const seen: string[] = [];
    server = createServer((request, response) => {
      const ids = new URL(request.url ?? "/", "http://x").searchParams.get("job_id");
      seen.push(...(ids ? ids.split(",") : []));
      response.end('{"ok":true}');
    });
    await new Promise<void>((done) => server?.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    const env: WorkerEnvironment = {
      takeUrl: `http://127.0.0.1:${port}/v2/ep/job-take/wk?gpu=none`,
      doneUrl: `http://127.0.0.1:${port}/v2/ep/job-done/wk/$ID?gpu=none`,
      streamUrl: `http://127.0.0.1:${port}/v2/ep/job-stream/wk/$ID?gpu=none`,
      pingUrl: `http://127.0.0.1:${port}/v2/ep/ping/wk?gpu=none`,
      pingIntervalMs: 1000,
      token: "tok",
      workerId: "wk",
      endpointId: "ep",
      orphanTimeoutMs: 0,
    };
    const ids = Array.from({ length: 1000 }, () => `${crypto.randomUUID()}-u1`);
    expect(await new ProtocolClient(env).ping(ids)).toBe(true);
    expect(seen.sort()).toEqual([...ids].sort());
  });
});
