import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, NODE } from "../support/workers.js";

const TEMPLATE_SECRET = "hf_template_secret_value_7f3a";
const ENDPOINT_SECRET = "db_endpoint_secret_value_9c1d";
const BUCKET_SECRET = "bucket_access_secret_value_4e8b";

/** Every byte the store keeps on disk: the database and its write-ahead log. */
const storeBytes = (dataDir: string) =>
  Buffer.concat(
    readdirSync(dataDir)
      .filter((f) => f.startsWith("runfleet.sqlite"))
      .map((f) => readFileSync(join(dataDir, f))),
  );

describe("secret env values and bucket secrets", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane();
  });

  afterAll(async () => {
    await cp.dispose();
  });

  it("are write-only through the API, encrypted at rest, and given to workers in plain text", async () => {
    const script =
      "console.log('seen', process.env.HF_TOKEN, process.env.DB_PASS, process.env.PLAIN); setTimeout(() => {}, 60000)";
    const template = await cp.call<{ id: string; env: object; secretEnv: object }>("POST", "/v1/templates", {
      name: "secretive",
      command: [NODE, "-e", script],
      env: { PLAIN: "plain_value" },
      secretEnv: { HF_TOKEN: TEMPLATE_SECRET },
    });
    expect(template.status).toBe(201);
    expect(template.body.env).toEqual({ PLAIN: "plain_value" });
    expect(template.body.secretEnv).toEqual({ HF_TOKEN: "********" });
    const endpoint = await cp.call<{ id: string; secretEnv: object }>("POST", "/v1/endpoints", {
      name: "secretive",
      templateId: template.body.id,
      computeType: "CPU",
      workersMin: 1,
      secretEnv: { DB_PASS: ENDPOINT_SECRET },
    });
    expect(endpoint.status).toBe(201);
    expect(endpoint.body.secretEnv).toEqual({ DB_PASS: "********" });

    // Nothing the API answers shows a value.
    for (const path of [
      "/v1/templates",
      `/v1/templates/${template.body.id}`,
      "/v1/endpoints",
      `/v1/endpoints/${endpoint.body.id}`,
    ]) {
      const text = JSON.stringify((await cp.call("GET", path)).body);
      expect(text).not.toContain(TEMPLATE_SECRET);
      expect(text).not.toContain(ENDPOINT_SECRET);
    }

    // The worker the control plane starts gets the plain values.
    const logs = join(cp.dataDir, "logs");
    const line = await eventually(
      () => {
        for (const file of readdirSync(logs).filter((f) => f.endsWith(".stdout.log"))) {
          const text = readFileSync(join(logs, file), "utf8");
          if (text.includes("seen")) {
            return text.trim();
          }
        }
        return undefined;
      },
      20_000,
      "the worker's output",
    );
    expect(line).toBe(`seen ${TEMPLATE_SECRET} ${ENDPOINT_SECRET} plain_value`);

    // A bucket secret given with a job reaches the worker that takes it.
    const external = await createExternalEndpoint(cp, ["true"]);
    const run = await cp.call<{ id: string }>("POST", `/v2/${external}/run`, {
      input: {},
      s3Config: {
        accessId: "AKIAEXAMPLE",
        accessSecret: BUCKET_SECRET,
        bucketName: "b",
        endpointUrl: "http://127.0.0.1:9",
      },
    });
    expect(run.status).toBe(200);
    const worker = await registerWorker(cp, external);
    const take = await fetch(`${cp.url}/v2/${external}/job-take/${worker.id}?job_in_progress=0`, {
      headers: { authorization: worker.token },
    });
    const job = (await take.json()) as { id: string; s3Config: { accessSecret: string } };
    expect(job.id).toBe(run.body.id);
    expect(job.s3Config.accessSecret).toBe(BUCKET_SECRET);

    // At rest, only ciphertext: no secret in the database file or its log, and sealed values there.
    const bytes = storeBytes(cp.dataDir);
    for (const secret of [TEMPLATE_SECRET, ENDPOINT_SECRET, BUCKET_SECRET]) {
      expect(bytes.includes(secret)).toBe(false);
    }
    expect(bytes.includes("plain_value")).toBe(true);
    expect(bytes.includes("rfenc:v1:")).toBe(true);
    expect((statSync(join(cp.dataDir, "secret-key")).mode & 0o777).toString(8)).toBe("600");
  });

  it("registry passwords are encrypted at rest too, and never answered back", async () => {
    const password = "registry_password_value_5d2e";
    const created = await cp.call<{ id: string }>("POST", "/v1/registry-auths", {
      name: "at-rest",
      username: "ci",
      password,
    });
    expect(created.status).toBe(201);
    await eventually(async () => (storeBytes(cp.dataDir).includes("at-rest") ? true : undefined));
    expect(storeBytes(cp.dataDir).includes(password)).toBe(false);
    const changed = await cp.call("PATCH", `/v1/registry-auths/${created.body.id}`, { password: `${password}-2` });
    expect(changed.status).toBe(200);
    expect(JSON.stringify(changed.body)).not.toContain(password);
    expect(storeBytes(cp.dataDir).includes(password)).toBe(false);
  });

  it("keeps a stored value when the redacted placeholder is sent back, and refuses ambiguity", async () => {
    const created = await cp.call<{ id: string; version: number }>("POST", "/v1/templates", {
      name: "round-trip",
      command: ["true"],
      secretEnv: { KEPT: "kept_secret_value", DROPPED: "dropped_secret_value" },
    });
    const read = await cp.call<{ secretEnv: Record<string, string> }>("GET", `/v1/templates/${created.body.id}`);
    const patched = await cp.call<{ secretEnv: object; version: number }>("PATCH", `/v1/templates/${created.body.id}`, {
      secretEnv: { KEPT: read.body.secretEnv.KEPT, ADDED: "added_secret_value" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.secretEnv).toEqual({ KEPT: "********", ADDED: "********" });
    expect(patched.body.version).toBe(created.body.version + 1);
    // The kept value is the original one: an endpoint's worker registration shows the real environment.
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "round-trip",
      templateId: created.body.id,
      computeType: "CPU",
      workersMax: 0,
    });
    const registered = await cp.call<{ env: Record<string, string> }>(
      "POST",
      `/v1/endpoints/${endpoint.body.id}/workers`,
      {},
    );
    expect(registered.body.env).toMatchObject({ KEPT: "kept_secret_value", ADDED: "added_secret_value" });
    expect(registered.body.env.DROPPED).toBeUndefined();

    const unknown = await cp.call<{ code: string; errors: { field: string }[] }>(
      "PATCH",
      `/v1/templates/${created.body.id}`,
      {
        secretEnv: { NEVER_SET: "********" },
      },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]?.field).toBe("secretEnv.NEVER_SET");
    const both = await cp.call<{ code: string; errors: { field: string }[] }>("POST", "/v1/templates", {
      name: "ambiguous",
      command: ["true"],
      env: { TOKEN: "a" },
      secretEnv: { TOKEN: "b" },
    });
    expect(both.status).toBe(400);
    expect(both.body.errors[0]?.field).toBe("secretEnv.TOKEN");
  });

  it("are still readable after a restart on the same data directory", async () => {
    const dataDir = cp.dataDir;
    await cp.stop();
    cp = await startTestControlPlane({}, dataDir);
    const templates = await cp.call<{ name: string; id: string }[]>("GET", "/v1/templates");
    const tpl = templates.body.find((t) => t.name === "round-trip") as { id: string };
    const endpoints = await cp.call<{ name: string; id: string }[]>("GET", "/v1/endpoints");
    const ep = endpoints.body.find((e) => e.name === "round-trip") as { id: string };
    expect(tpl).toBeDefined();
    const registered = await cp.call<{ env: Record<string, string> }>("POST", `/v1/endpoints/${ep.id}/workers`, {});
    expect(registered.body.env.KEPT).toBe("kept_secret_value");
  });
});
