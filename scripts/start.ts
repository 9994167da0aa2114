/**
 * `npm start`: the same as `drl start` (sdk/cli/start/run.ts): the local chain with its state
 * in .drl/ (or DRL_DATA_DIR), the ledger deployed once, the development accounts' roles and
 * members, the indexer and the provenance API. Arguments pass through:
 *
 *   npm start -- --demo --port 8081
 */
import { run } from "../sdk/cli/main";

run(["start", ...process.argv.slice(2)]).then(
  (code) => process.exit(code),
  () => process.exit(3),
);
