/**
 * `ts-node server/main.ts`: the indexer and the provenance API in one process, configured by
 * DRL_* environment variables (server/config.ts). Ctrl-C / SIGTERM stop it cleanly; a kill
 * at any other instant is safe too (every commit is atomic).
 */
import { ConfigError, loadServerConfig } from "./config";
import { DeploymentError } from "./deployment";
import { IndexerHaltedError } from "./indexer/indexer";
import { missingStartSettings } from "./process-env";
import { redactUrl, scrubber } from "./redact";
import { ListenError, startServer } from "./server";

async function main(): Promise<void> {
  const config = loadServerConfig();
  const missing = process.platform === "linux" ? missingStartSettings() : [];
  if (missing.length > 0) {
    console.log(`note: started without ${missing.join(" ")} (see server/process-env.ts): a backfill will use more memory`);
  }
  const server = await startServer(config, {
    serve: process.env.DRL_NO_API !== "1",
    log: (m) => console.log(`[indexer] ${m}`),
  });
  const cpLog = process.env.DRL_LOG_COMMITS === "1";
  if (cpLog) server.indexer.onCommit((cp, n) => console.log(`checkpoint ${cp.number} events ${n}`));
  if (server.url) console.log(`[api] listening on ${server.url} (indexing ${redactUrl(config.DRL_RPC_URL)}, index in ${config.DRL_INDEX_DIR}; metrics on ${server.adminUrl}/metrics)`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // An indexer that halts (deep reorg) keeps the API up so /v1/health can say why; an
  // indexer-only process has nothing left to do and exits non-zero.
  const timer = setInterval(() => {
    if (server.indexer.status.state === "halted" && !server.url) {
      console.error(`indexer halted: ${scrubber(config.DRL_RPC_URL)(server.indexer.status.lastError ?? "")}`);
      clearInterval(timer);
      void server.close().then(() => process.exit(2));
    }
  }, 200);
}

main().catch((e: unknown) => {
  // The node URL may carry a provider key: no message leaves the process with it.
  const scrub = scrubber(process.env.DRL_RPC_URL ?? "");
  if (e instanceof ConfigError || e instanceof DeploymentError || e instanceof IndexerHaltedError || e instanceof ListenError) {
    console.error(`drl server: ${scrub(e.message)}`);
    process.exit(2);
  }
  console.error(scrub(e instanceof Error ? (e.stack ?? e.message) : String(e)));
  process.exit(1);
});
