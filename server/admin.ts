/**
 * The admin listener: Prometheus `/metrics`, apart from the public API and on loopback by
 * default (DRL_ADMIN_HOST, DRL_ADMIN_PORT), so that the public never sees the server's
 * internals. Plain node:http, so that an indexer-only process serves it without Express.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Metrics } from "./metrics";

export interface AdminListener {
  url: string;
  server: Server;
  close(): Promise<void>;
}

function json(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export async function startAdmin(metrics: Metrics, host: string, port: number, log: (m: string) => void): Promise<AdminListener> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "application/json; charset=utf-8" }).end(json("not_found", "the admin listener serves /metrics only"));
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "application/json; charset=utf-8", allow: "GET, HEAD" }).end(json("method_not_allowed", "GET or HEAD"));
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(req.method === "HEAD" ? undefined : text),
      (e: unknown) => {
        log(`admin: metrics failed: ${e instanceof Error ? e.message : String(e)}`);
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" }).end(json("internal", "metrics could not be collected"));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${actual}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
