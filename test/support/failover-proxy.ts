import { createServer, request, type Server } from "node:http";

/**
 * A minimal load balancer for cluster tests: forwards each request to the first upstream that accepts a
 * connection, in order (as a load balancer whose health check drops a dead replica would). A request
 * whose upstream dies mid-way gets a 502, as behind a real one. Listens on 127.0.0.1 only.
 */
export interface FailoverProxy {
  url: string;
  /** Replaces the upstreams (base URLs), in order of preference. */
  setUpstreams(urls: readonly string[]): void;
  close(): Promise<void>;
}

/** Starts a {@link FailoverProxy} on a free loopback port. */
export async function startFailoverProxy(upstreams: readonly string[] = []): Promise<FailoverProxy> {
  let targets = [...upstreams];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const attempt = (index: number): void => {
        const target = targets[index];
        if (target === undefined) {
          res.writeHead(502, { "content-type": "text/plain" }).end("no upstream answers");
          return;
        }
        const url = new URL(req.url ?? "/", target);
        const upstream = request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on("error", () => res.destroy());
        });
        let connected = false;
        upstream.on("socket", (socket) => {
          if (socket.connecting) {
            socket.once("connect", () => {
              connected = true;
            });
          } else {
            connected = true;
          }
        });
        upstream.on("error", () => {
          if (!connected) {
            attempt(index + 1);
          } else if (!res.headersSent) {
            res.writeHead(502, { "content-type": "text/plain" }).end("upstream died");
          } else {
            res.destroy();
          }
        });
        upstream.end(body);
      };
      attempt(0);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setUpstreams: (urls) => {
      targets = [...urls];
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
