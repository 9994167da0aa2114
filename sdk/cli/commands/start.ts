/** `drl start`: the local chain, the ledger, the indexer and the API (sdk/cli/start/run.ts). */
import type { Command } from "commander";
import { createOutput } from "../output";
import { parsePort } from "../parse";
import { classify } from "../exit";

interface StartFlags {
  demo?: boolean;
  dataDir?: string;
  rpcPort?: string;
  port?: string;
  rpc?: string;
  network?: string;
  json?: boolean;
}

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("start the local chain (or use --rpc), deploy once, and run the indexer and the provenance API")
    .option("--demo", "seed a realistic demo story once (embedded chain only)")
    .option("--data-dir <dir>", "where the chain, the deployment and the index live (default: DRL_DATA_DIR or ./.drl)")
    .option("--rpc-port <n>", "port of the local chain's JSON-RPC (default 8545)")
    .option("--port <n>", "port of the provenance API (default 8080)")
    .action(async (_flags: StartFlags, cmd: Command) => {
      const flags = cmd.optsWithGlobals<StartFlags>();
      const out = createOutput(flags.json === true);
      // Loaded here: the server and its dependencies are not needed by any other command.
      const { runStart } = await import("../start/run");
      const started = await runStart(
        {
          demo: flags.demo === true,
          dataDir: flags.dataDir ?? process.env.DRL_DATA_DIR ?? ".drl",
          rpcPort: flags.rpcPort === undefined ? 8545 : parsePort("--rpc-port", flags.rpcPort),
          port: flags.port === undefined ? 8080 : parsePort("--port", flags.port),
          ...(flags.rpc === undefined ? {} : { rpc: flags.rpc }),
          ...(flags.network === undefined ? {} : { network: flags.network }),
        },
        out,
      );
      // Runs until a signal: SIGINT (Ctrl-C, to this process or its group) or SIGTERM.
      await new Promise<void>((resolve) => {
        let count = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          count += 1;
          if (count > 1) process.exit(130);
          started.stop(signal).then(resolve, (e: unknown) => {
            process.stderr.write(`drl start: ${classify(e).message}\n`);
            resolve();
          });
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        process.on("SIGHUP", onSignal);
      });
    });
}
