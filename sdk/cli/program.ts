/** The `drl` command tree (commander). main.ts runs it with the top-level error handler. */
import { Command, Option } from "commander";
import { DEV_ACCOUNT_NAMES, isDevAccountName } from "./dev-accounts";
import { UsageError } from "./exit";
import { registerCerts } from "./commands/certs";
import { registerDeploy } from "./commands/deploy";
import { registerDev } from "./commands/dev";
import { registerFingerprint } from "./commands/fingerprint";
import { registerLedgerCommands } from "./commands/ledger";
import { registerReads } from "./commands/reads";
import { registerStart } from "./commands/start";
import { registerVerify } from "./commands/verify";

export function buildProgram(): Command {
  const program = new Command("drl")
    .description("Data Rights Ledger: register, license, trade and prove data rights")
    .option("--json", "machine output: reads print the API's JSON, transactions {txHash, blockNumber, events, ...ids}")
    .option("--rpc <url>", "the chain's JSON-RPC URL (default: DRL_RPC_URL, then the local drl start)")
    .option("--api <url>", "the provenance API URL (default: DRL_API_URL, then the local drl start)")
    .addOption(new Option("--network <name>", "use deployments/<name>.json (default: the local chain of drl start)"))
    .exitOverride();
  // A mistyped --as is a usage error before anything is looked up on the chain.
  program.hook("preAction", (_program, action) => {
    const as = action.opts<{ as?: unknown }>().as;
    if (typeof as === "string" && !isDevAccountName(as)) {
      throw new UsageError("--as", `"${as.slice(0, 40)}" is not a development account (one of ${DEV_ACCOUNT_NAMES.join(", ")})`);
    }
    // A command that sends needs a key: say so before any lookup.
    const signs = action.options.some((o) => o.long === "--as");
    const keystore = action.opts<{ keystore?: unknown }>().keystore;
    if (signs && as === undefined && keystore === undefined && !process.env.DRL_PRIVATE_KEY) {
      throw new UsageError("--as", "this command signs (a transaction or a certificate): pick a development account with --as NAME (local chain), or give a key with DRL_PRIVATE_KEY or --keystore FILE");
    }
  });
  registerStart(program);
  registerDeploy(program);
  registerDev(program);
  registerLedgerCommands(program);
  registerFingerprint(program);
  registerReads(program);
  registerVerify(program);
  registerCerts(program);
  // Subcommands exit through the same handler as the program.
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}
