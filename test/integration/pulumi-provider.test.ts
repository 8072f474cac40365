import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import {
  ConnectionSettings,
  createProviders,
  type EndpointOutputs,
  endpointSpec,
  type RunfleetProviders,
  RunfleetResourceProvider,
} from "@runfleet/pulumi/runtime";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestControlPlane, TEST_ADMIN_KEY, type TestControlPlane } from "../support/control-plane-process.js";
import { newOpenSshPublicKey } from "../support/ssh.js";

/** The configure request the engine sends, built from a plain map of stack configuration. */
function stackConfig(values: Record<string, string>) {
  const get = (key: string) => values[key];
  return {
    config: {
      get,
      require: (key: string) => {
        const value = get(key);
        if (value === undefined) {
          throw new Error(`missing ${key}`);
        }
        return value;
      },
    },
  };
}

describe("the Pulumi provider's methods, called directly against a real control plane", () => {
  let cp: TestControlPlane;
  let providers: RunfleetProviders;
  let templateId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane();
  });

  afterAll(async () => {
    await cp.dispose();
  });

  beforeEach(async () => {
    providers = createProviders();
    providers.configure(stackConfig({ "runfleet:baseUrl": cp.url, "runfleet:apiKey": TEST_ADMIN_KEY }));
    const created = await providers.template.create({
      name: `tpl-${Math.random().toString(36).slice(2)}`,
      command: ["true"],
    });
    templateId = created.id;
  });

  const endpointInputs = (settings: Record<string, unknown> = {}) => ({
    name: "echo",
    templateId,
    computeType: "CPU" as const,
    workersMax: 0,
    ...settings,
  });

  it("check accepts valid inputs and returns them unchanged", async () => {
    const inputs = endpointInputs({ workersMin: 0, workersMax: 2, env: { A: "1" } });
    expect(await providers.endpoint.check?.({} as never, inputs)).toEqual({ inputs });
  });

  it("check names both properties when workersMin exceeds workersMax", async () => {
    const result = await providers.endpoint.check?.({} as never, endpointInputs({ workersMin: 3, workersMax: 1 }));
    expect(result?.failures?.map((f) => f.property)).toEqual(["workersMin", "workersMax"]);
    expect(result?.failures?.[0]?.reason).toBe("workersMin (3) must not exceed workersMax (1)");
  });

  it.each([
    [{ idleTimeout: 0 }, "idleTimeout"],
    [{ gpuCount: 1.5 }, "gpuCount"],
    [{ scalerType: "FASTEST" }, "scalerType"],
    [{ env: { "1BAD": "x" } }, "env"],
    [{ workerMax: 2 }, "workerMax"],
  ])("check rejects %o naming %s", async (settings, property) => {
    const result = await providers.endpoint.check?.({} as never, endpointInputs(settings) as never);
    expect(result?.failures?.map((f) => f.property)).toEqual([property]);
  });

  it("check passes values a preview does not know yet through unchecked", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const inputs = { ...endpointInputs(), workersMax: unknown, workersMin: 5 };
    expect(await providers.endpoint.check?.({} as never, inputs as never)).toEqual({ inputs });
  });

  it("creates an endpoint with the declared settings and echoes the server's values", async () => {
    const { id, outs } = await providers.endpoint.create(endpointInputs({ workersMax: 2, idleTimeout: 30 }));
    const { body } = await cp.call<{ id: string; workersMax: number }>("GET", `/v1/endpoints/${id}`);
    expect(body).toMatchObject({ id, workersMax: 2, idleTimeout: 30, computeType: "CPU" });
    expect(outs).toMatchObject({ endpointId: id, workersMax: 2, idleTimeout: 30, scalerType: "QUEUE_DELAY" });
  });

  it("diff reports an in-place change for workersMax and nothing for unchanged or omitted settings", async () => {
    const { id, outs } = await providers.endpoint.create(endpointInputs({ workersMax: 2 }));
    const olds = outs as EndpointOutputs;
    expect(await providers.endpoint.diff?.(id, olds, endpointInputs({ workersMax: 2 }))).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    // A change leaves `changes` unset: the engine then diffs the inputs itself and marks each property.
    expect(await providers.endpoint.diff?.(id, olds, endpointInputs({ workersMax: 4 }))).toEqual({
      replaces: [],
      deleteBeforeReplace: false,
    });
    // env compares as a map; gpuTypeIds is a priority list, so its order counts.
    const withEnv = await providers.endpoint.update?.(
      id,
      olds,
      endpointInputs({ workersMax: 2, env: { A: "1", B: "2" }, gpuTypeIds: ["a", "b"] }),
    );
    const stored = withEnv?.outs as EndpointOutputs;
    expect(
      (
        await providers.endpoint.diff?.(
          id,
          stored,
          endpointInputs({ workersMax: 2, env: { B: "2", A: "1" }, gpuTypeIds: ["a", "b"] }),
        )
      )?.changes,
    ).toBe(false);
    expect(
      (
        await providers.endpoint.diff?.(
          id,
          stored,
          endpointInputs({ workersMax: 2, env: { A: "1", B: "2" }, gpuTypeIds: ["b", "a"] }),
        )
      )?.changes,
    ).toBeUndefined();
  });

  it("diff answers a plain `changes: true` for state an older provider wrote (no recorded inputs)", async () => {
    const { id, outs } = await providers.endpoint.create(endpointInputs({ workersMax: 2 }));
    const { __declaredInputs: _declared, ...legacy } = outs as EndpointOutputs & { __declaredInputs?: string[] };
    expect(await providers.endpoint.diff?.(id, legacy as EndpointOutputs, endpointInputs({ workersMax: 4 }))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("update patches only what changed and keeps the endpoint's id", async () => {
    const { id, outs } = await providers.endpoint.create(endpointInputs({ workersMax: 2, idleTimeout: 30 }));
    // Drift made outside Pulumi on a property the program does not change survives the update.
    await cp.call("PATCH", `/v1/endpoints/${id}`, { scalerValue: 9 });
    const result = await providers.endpoint.update?.(
      id,
      outs as EndpointOutputs,
      endpointInputs({ workersMax: 5, idleTimeout: 30 }),
    );
    expect(result?.outs).toMatchObject({ endpointId: id, workersMax: 5, idleTimeout: 30, scalerValue: 9 });
    const { body } = await cp.call<{ workersMax: number }>("GET", `/v1/endpoints/${id}`);
    expect(body.workersMax).toBe(5);
  });

  it("a setting removed from the program is a change, and the update returns it to the server's default", async () => {
    const { id, outs } = await providers.endpoint.create(endpointInputs({ flashboot: true, idleTimeout: 30 }));
    // scalerValue was never declared: drift on it is the control plane's business, and it survives.
    await cp.call("PATCH", `/v1/endpoints/${id}`, { scalerValue: 9 });
    const olds = outs as EndpointOutputs;
    expect(await providers.endpoint.diff?.(id, olds, endpointInputs({ idleTimeout: 30 }))).toEqual({
      replaces: [],
      deleteBeforeReplace: false,
    });
    const result = await providers.endpoint.update?.(id, olds, endpointInputs({ idleTimeout: 30 }));
    expect(result?.outs).toMatchObject({ flashboot: false, idleTimeout: 30, scalerValue: 9 });
    expect((await cp.call("GET", `/v1/endpoints/${id}`)).body).toMatchObject({ flashboot: false, scalerValue: 9 });
    // Once reset, the setting is no longer declared: the next run sees no change.
    const after = result?.outs as EndpointOutputs;
    expect((await providers.endpoint.diff?.(id, after, endpointInputs({ idleTimeout: 30 })))?.changes).toBe(false);
  });

  it("a template setting removed from the program is reset too (memoryLimitMb back to no limit)", async () => {
    const name = `tpl-${Math.random().toString(36).slice(2)}`;
    const { id, outs } = await providers.template.create({ name, imageName: "img:1", memoryLimitMb: 512 });
    const updated = await providers.template.update?.(id, outs as never, { name, imageName: "img:1" });
    expect(updated?.outs).toMatchObject({ templateId: id, memoryLimitMb: null, imageName: "img:1" });
  });

  it("SSH keys: registered with their fingerprint, kept as given (comment and all), replaced on a change, removed", async () => {
    const name = `ssh-${Math.random().toString(36).slice(2)}`;
    const line = (comment: string) => `${newOpenSshPublicKey()} ${comment}`;
    const inputs = { name, publicKey: line("alice@laptop") };
    const { id, outs } = await providers.sshKey.create(inputs);
    const registered = (await cp.call<{ fingerprint: string; publicKey: string }>("GET", `/v1/ssh-keys/${id}`)).body;
    expect(outs).toMatchObject({
      sshKeyId: id,
      name,
      type: "ssh-ed25519",
      fingerprint: registered.fingerprint,
      publicKey: inputs.publicKey,
    });
    expect(outs).not.toHaveProperty("lastUsedAt");
    // The control plane drops the comment; the state keeps the program's line, so nothing looks changed.
    expect(registered.publicKey).toBe(inputs.publicKey.split(" ").slice(0, 2).join(" "));
    const olds = outs as never;
    expect((await providers.sshKey.diff?.(id, olds, inputs))?.changes).toBe(false);
    expect((await providers.sshKey.read?.(id, olds))?.props).toMatchObject({ publicKey: inputs.publicKey });
    expect((await providers.sshKey.diff?.(id, olds, { ...inputs, name: `${name}-2` }))?.replaces).toEqual(["name"]);
    expect((await providers.sshKey.diff?.(id, olds, { ...inputs, publicKey: line("x") }))?.replaces).toEqual([
      "publicKey",
    ]);
    const bad = await providers.sshKey.check?.({} as never, { name, publicKey: "" });
    expect(bad?.failures?.map((failure) => failure.property)).toContain("publicKey");
    await providers.sshKey.delete?.(id, olds);
    expect((await cp.call("GET", `/v1/ssh-keys/${id}`)).status).toBe(404);
    expect(await providers.sshKey.read?.(id, olds)).toEqual({});
  });

  it("registry credentials: the password stays in state only, changes in place, and a template pulls with them", async () => {
    const name = `ra-${Math.random().toString(36).slice(2)}`;
    const inputs = { name, username: "ci", password: "first-password" };
    const { id, outs } = await providers.registryAuth.create(inputs);
    expect(outs).toMatchObject({ registryAuthId: id, username: "ci", password: "first-password" });
    const olds = outs as never;
    expect((await providers.registryAuth.diff?.(id, olds, inputs))?.changes).toBe(false);
    const changed = { ...inputs, password: "second-password" };
    expect(await providers.registryAuth.diff?.(id, olds, changed)).toEqual({
      replaces: [],
      deleteBeforeReplace: false,
    });
    const updated = await providers.registryAuth.update?.(id, olds, changed);
    expect(updated?.outs).toMatchObject({ registryAuthId: id, password: "second-password" });
    // A refresh keeps the password it cannot read back.
    expect((await providers.registryAuth.read?.(id, updated?.outs as never))?.props).toMatchObject({
      password: "second-password",
    });
    const template = await providers.template.create({
      name: `${name}-tpl`,
      imageName: "127.0.0.1:5000/acme/private:1",
      containerRegistryAuthId: id,
      containerDiskInGb: 20,
      volumeMounts: [{ type: "volume", name: "hf-cache", mountPath: "/runpod-volume" }],
    });
    expect(template.outs).toMatchObject({
      containerRegistryAuthId: id,
      containerDiskInGb: 20,
      volumeMounts: [{ type: "volume", name: "hf-cache", mountPath: "/runpod-volume" }],
    });
    await expect(providers.registryAuth.delete?.(id, updated?.outs as never)).rejects.toThrow(/registry_auth_in_use/);
    const bad = await providers.template.check?.(
      {} as never,
      {
        name: "x",
        imageName: "i:1",
        volumeMounts: [{ type: "volume", name: "Bad Name", mountPath: "relative" }],
      } as never,
    );
    expect(bad?.failures).toEqual([
      { property: "volumeMounts", reason: expect.stringMatching(/^volumeMounts\.0\.name: must match pattern/) },
      { property: "volumeMounts", reason: expect.stringMatching(/^volumeMounts\.0\.mountPath: must match pattern/) },
    ]);
  });

  it("update reports the control plane's refusal with the fields it names", async () => {
    const { id, outs } = await providers.endpoint.create(endpointInputs({ workersMax: 2 }));
    await expect(
      providers.endpoint.update?.(id, outs as EndpointOutputs, endpointInputs({ workersMin: 3, workersMax: 2 })),
    ).rejects.toThrow(
      /update endpoint failed: .*workersMin: workersMin \(3\) must not exceed workersMax \(2\).*invalid_scaling, HTTP 400/,
    );
  });

  it("read refreshes drift, and reports an endpoint deleted out of band as gone", async () => {
    const { id, outs } = await providers.endpoint.create(endpointInputs({ workersMax: 2 }));
    await cp.call("PATCH", `/v1/endpoints/${id}`, { workersMax: 7, idleTimeout: 9 });
    const refreshed = await providers.endpoint.read?.(id, outs as EndpointOutputs);
    expect(refreshed?.props).toMatchObject({ workersMax: 7, idleTimeout: 9 });
    // The inputs the program declared, with what the control plane has now: the next preview compares
    // the program with these and marks workersMax. idleTimeout was not declared, so it stays out.
    expect(refreshed?.inputs).toEqual({ name: "echo", templateId, computeType: "CPU", workersMax: 7 });
    await cp.call("DELETE", `/v1/endpoints/${id}`);
    expect(await providers.endpoint.read?.(id, outs as EndpointOutputs)).toEqual({});
  });

  it("delete removes the endpoint and succeeds when it is already gone", async () => {
    const { id, outs } = await providers.endpoint.create(endpointInputs());
    await providers.endpoint.delete?.(id, outs as EndpointOutputs);
    expect((await cp.call("GET", `/v1/endpoints/${id}`)).status).toBe(404);
    await expect(providers.endpoint.delete?.(id, outs as EndpointOutputs)).resolves.toBeUndefined();
  });

  it("create reports the control plane's refusal and leaves nothing behind", async () => {
    const before = (await cp.call<unknown[]>("GET", "/v1/endpoints")).body.length;
    await expect(providers.endpoint.create(endpointInputs({ templateId: "tpl_missing" }))).rejects.toThrow(
      /create endpoint failed: no template with id tpl_missing \(templateId: .*\) \[template_not_found, HTTP 404\]/,
    );
    expect((await cp.call<unknown[]>("GET", "/v1/endpoints")).body.length).toBe(before);
  });

  /** An endpoint provider whose step after the POST fails, with other parts of its spec replaced. */
  const failingAfterCreate = (overrides: Partial<typeof endpointSpec> = {}) => {
    const connection = new ConnectionSettings();
    connection.configure(stackConfig({ "runfleet:baseUrl": cp.url, "runfleet:apiKey": TEST_ADMIN_KEY }));
    const outputs = () => {
      throw new Error("outputs failed");
    };
    return new RunfleetResourceProvider({ ...endpointSpec, outputs, ...overrides }, connection);
  };

  it("create deletes what the control plane created when a later step fails", async () => {
    const failing = failingAfterCreate();
    const before = (await cp.call<{ id: string }[]>("GET", "/v1/endpoints")).body.map((e) => e.id);
    await expect(failing.create(endpointInputs())).rejects.toThrow("outputs failed");
    expect((await cp.call<{ id: string }[]>("GET", "/v1/endpoints")).body.map((e) => e.id)).toEqual(before);
  });

  it("create reports an object it could not remove again as created, so that state keeps it", async () => {
    const failing = failingAfterCreate({
      remove: async () => {
        throw new Error("control plane went away");
      },
    });
    const inputs = { ...endpointInputs(), __provider: "serialized provider" };
    const error = await failing
      .create(inputs)
      .catch((e: unknown) => e as { id: string; properties: object; reasons: string[] });
    expect(error).toMatchObject({
      id: expect.stringMatching(/^ep_/),
      properties: { __provider: "serialized provider", templateId },
      reasons: ["Error: outputs failed", "removing it again failed too: Error: control plane went away"],
    });
    expect((await cp.call("GET", `/v1/endpoints/${error.id}`)).status).toBe(200);
  });

  it("updates a template in place, name included, and refuses to delete one in use", async () => {
    const name = `tpl-${Math.random().toString(36).slice(2)}`;
    const { id, outs } = await providers.template.create({ name, command: ["true"], env: { A: "1" } });
    expect(await providers.template.diff?.(id, outs as never, { name: `${name}-2`, command: ["true"] })).toEqual({
      replaces: [],
      deleteBeforeReplace: false,
    });
    const updated = await providers.template.update?.(id, outs as never, {
      name: `${name}-2`,
      command: ["true"],
      env: { A: "1" },
    });
    expect(updated?.outs).toMatchObject({ templateId: id, name: `${name}-2`, env: { A: "1" } });
    await providers.endpoint.create({ name: "user", templateId: id, computeType: "CPU", workersMax: 0 });
    await expect(providers.template.delete?.(id, outs as never)).rejects.toThrow(/template_in_use/);
  });

  it("check requires a template to run something, naming imageName and command", async () => {
    const result = await providers.template.check?.({} as never, { name: "x" });
    expect(result?.failures?.map((f) => f.property)).toEqual(["imageName", "command"]);
  });

  it("check refuses two volume mounts at one path, with the control plane's words", async () => {
    const volumeMounts = [
      { type: "volume" as const, name: "a", mountPath: "/data" },
      { type: "hostPath" as const, hostPath: "/srv", mountPath: "/data" },
    ];
    const result = await providers.template.check?.({} as never, { name: "x", imageName: "i:1", volumeMounts });
    expect(result?.failures).toEqual([
      { property: "volumeMounts", reason: "mountPath /data is used by more than one volume mount" },
    ]);
    const { status, body } = await cp.call<{ errors: unknown[] }>("POST", "/v1/templates", {
      name: "x",
      imageName: "i:1",
      volumeMounts,
    });
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      { field: "volumeMounts", message: "mountPath /data is used by more than one volume mount" },
    ]);
  });

  it("an API key replaces on any change, keeps its secret across refresh, and is gone once revoked", async () => {
    const { id, outs } = await providers.apiKey.create({ name: "app", scope: "invoke" });
    expect(outs).toMatchObject({ keyId: id, scope: "invoke", key: expect.stringMatching(/^rf_/) });
    const key = (outs as { key: string }).key;
    expect((await cp.call("GET", "/v1/endpoints", undefined, key)).status).toBe(403);
    expect(await providers.apiKey.diff?.(id, outs as never, { name: "app", scope: "read" })).toEqual({
      replaces: ["scope"],
      deleteBeforeReplace: false,
    });
    expect((await providers.apiKey.read?.(id, outs as never))?.props).toMatchObject({ key });
    // ApiKey.get reads with no stored outputs: the description, but no secret (the API never shows it again).
    const got = await providers.apiKey.read?.(id, {} as never);
    expect(got?.props).toMatchObject({ keyId: id, name: "app", scope: "invoke" });
    expect(got?.props).not.toHaveProperty("key");
    expect(got?.inputs).toBeUndefined();
    await providers.apiKey.delete?.(id, outs as never);
    expect(await providers.apiKey.read?.(id, outs as never)).toEqual({});
  });

  it("names a resource declared without a name after it, once, and keeps that name", async () => {
    const declared = { templateId, computeType: "CPU" as const, workersMax: 0, __autonamePrefix: "web" };
    const first = await providers.endpoint.check?.({} as never, declared as never);
    const name = (first?.inputs as { name?: string } | undefined)?.name;
    expect(name).toMatch(/^web-[0-9a-f]{7}$/);
    expect(first?.inputs).toMatchObject({ __autonamePrefix: "web" });
    // The next run (olds are the checked inputs of the last one) keeps the name, whatever else changes.
    const next = await providers.endpoint.check?.(first?.inputs as never, { ...declared, workersMax: 1 } as never);
    expect(next?.inputs).toMatchObject({ name, workersMax: 1 });
    // An explicit name wins; and a name chosen by the program before is not kept once it is left out.
    const explicit = await providers.endpoint.check?.(first?.inputs as never, { ...declared, name: "mine" } as never);
    expect(explicit?.inputs).toMatchObject({ name: "mine" });
    expect(explicit?.inputs).not.toHaveProperty("__autonamePrefix");
    const renamed = await providers.endpoint.check?.(explicit?.inputs as never, declared as never);
    expect((renamed?.inputs as { name?: string } | undefined)?.name).not.toBe("mine");
    // Created and refreshed, the marker survives in the inputs, so the name stays stable after a refresh.
    const { id, outs } = await providers.endpoint.create(first?.inputs as never);
    expect(outs).toMatchObject({ name });
    expect((await providers.endpoint.read?.(id, outs as never))?.inputs).toMatchObject({
      name,
      __autonamePrefix: "web",
    });
  });

  it("reads an endpoint made outside Pulumi (Endpoint.get): its settings, no inputs", async () => {
    const { body } = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "made-with-curl",
      templateId,
      computeType: "CPU",
      workersMax: 3,
    });
    const got = await providers.endpoint.read?.(body.id, {} as never);
    expect(got).toMatchObject({ id: body.id, props: { endpointId: body.id, name: "made-with-curl", workersMax: 3 } });
    expect(got?.inputs).toBeUndefined();
  });

  it("names the URL it could not reach", async () => {
    // A port nothing listens on: one the system just handed out and took back.
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    server.close();
    const unreachable = createProviders();
    unreachable.configure(stackConfig({ "runfleet:baseUrl": `http://127.0.0.1:${port}/`, "runfleet:apiKey": "k" }));
    await expect(unreachable.endpoint.create(endpointInputs())).rejects.toThrow(
      `cannot reach the Runfleet control plane: POST http://127.0.0.1:${port}/v1/endpoints failed: fetch failed`,
    );
    await expect(unreachable.endpoint.read?.("ep_x", {} as never)).rejects.toThrow(
      /GET http:\/\/127\.0\.0\.1:\d+\/v1\/endpoints\/ep_x failed: fetch failed \(.*ECONNREFUSED.*\) \(check runfleet:baseUrl or RUNFLEET_BASE_URL\)/,
    );
  });

  it("reads the connection at call time: stack config first, then RUNFLEET_BASE_URL / RUNFLEET_API_KEY", async () => {
    const fromEnv = createProviders();
    const saved = { url: process.env.RUNFLEET_BASE_URL, key: process.env.RUNFLEET_API_KEY };
    try {
      delete process.env.RUNFLEET_BASE_URL;
      delete process.env.RUNFLEET_API_KEY;
      await expect(fromEnv.endpoint.create(endpointInputs())).rejects.toThrow(
        /not configured: set the control plane URL \(pulumi config set runfleet:baseUrl <url>, or RUNFLEET_BASE_URL\) and an API key/,
      );
      process.env.RUNFLEET_BASE_URL = cp.url;
      process.env.RUNFLEET_API_KEY = TEST_ADMIN_KEY;
      const { id } = await fromEnv.endpoint.create(endpointInputs());
      expect((await cp.call("GET", `/v1/endpoints/${id}`)).status).toBe(200);
      process.env.RUNFLEET_API_KEY = "rf_wrong_key_0123456789abcdef";
      await expect(fromEnv.endpoint.read?.(id, {} as never)).rejects.toThrow(/HTTP 401/);
    } finally {
      restoreEnv("RUNFLEET_BASE_URL", saved.url);
      restoreEnv("RUNFLEET_API_KEY", saved.key);
    }
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}
