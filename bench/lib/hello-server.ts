/**
 * The baseline of the indexer benchmark: a bare Express 5 app with one route, `GET /hello`
 * → `{"hello":"world"}`, started the same way as the API server (a `node` child with ts-node
 * transpile-only) so that both run under the same conditions. The same app settings as the
 * API (no x-powered-by, no ETag). Prints `listening <port>` when ready.
 *
 *   HELLO_PORT=0 node -r ts-node/register/transpile-only bench/lib/hello-server.ts
 */
import express from "express";
import type { AddressInfo } from "node:net";

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.get("/hello", (_req, res) => {
  res.json({ hello: "world" });
});

const server = app.listen(Number(process.env.HELLO_PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
