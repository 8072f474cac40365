#!/usr/bin/env node
/**
 * A worker of a load-balancing endpoint (`type: LOAD_BALANCER`): no handler function, just an HTTP API
 * of its own. Runfleet starts it with `PORT` (and `PORT_HEALTH`, here the same port), asks it
 * `GET /ping` to know when it is ready (204 while it loads, 200 once it serves) and proxies the requests
 * sent to `/lb/<endpointId>/...` to it.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";

const port = Number(process.env.PORT ?? 8000);
const workerId = process.env.RUNFLEET_WORKER_ID ?? "local";
/** Simulated model loading: `/ping` answers 204 (initializing) until it is done. */
const loadMs = Number(process.env.MODEL_LOAD_MS ?? 500);

let loaded = false;
setTimeout(() => {
  loaded = true;
}, loadMs);

const app = new Hono();

// Health: 200 when ready, 204 while initializing; anything else takes the worker out of rotation.
app.get("/ping", (c) => (loaded ? c.json({ status: "healthy" }) : c.body(null, 204)));

// A JSON route: what an inference API would be.
app.post("/v1/generate", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as { prompt?: unknown };
  const prompt = typeof body.prompt === "string" ? body.prompt : "";
  return c.json({ workerId, text: prompt.split("").reverse().join(""), tokens: prompt.length });
});

// A streaming route (server-sent events): each token is sent as soon as it is produced.
app.get("/v1/stream", (c) => {
  const words = (c.req.query("prompt") ?? "hello from a load-balancing worker").split(" ");
  return streamSSE(c, async (stream) => {
    for (const word of words) {
      await stream.writeSSE({ data: JSON.stringify({ token: word, at: Date.now() }) });
      await stream.sleep(Number(c.req.query("intervalMs") ?? 100));
    }
    await stream.writeSSE({ event: "done", data: "[DONE]" });
  });
});

const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) => {
  console.log(`lb-hono-worker ${workerId} listening on 127.0.0.1:${info.port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
