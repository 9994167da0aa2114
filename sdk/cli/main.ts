#!/usr/bin/env node
/**
 * `drl`: the Data Rights Ledger's command line. Every failure ends here as one line and an exit
 * code (sdk/cli/exit.ts): 1 a negative answer or a refusal, 2 usage or input, 3 chain or network.
 */
import { CommanderError } from "commander";
import { classify, EXIT } from "./exit";
import { buildProgram } from "./program";

export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successes; commander already printed its usage error.
      return e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help" || e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { code, message } = classify(e);
    if (message) process.stderr.write(`drl: ${message}\n`);
    return code;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      // Done (start returns only once it has stopped): do not wait for idle sockets or timers.
      process.exit(code);
    },
    () => process.exit(EXIT.network),
  );
}
