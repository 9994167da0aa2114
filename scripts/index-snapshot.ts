/**
 * `npm run index:snapshot -- [--index DIR] --out DIR`: writes a consistent copy of an index
 * (state, undo journals, kept block hashes, checkpoint and its state digest) to a new
 * directory, to start another replica from instead of a backfill from the deploy block.
 *
 * The copy is read through one LevelDB iterator (an implicit snapshot: one commit's state),
 * not copied file by file. LevelDB lets one process open an index, so the server using it
 * must be stopped first. The replica started from the copy (DRL_INDEX_DIR=<out>) checks that
 * the snapshot's block is still on its node's chain before it resumes, and halts if not.
 *
 * Exit codes: 0 written; 2 bad arguments (a message names the flag); 1 anything else, such as
 * an index still open in a running server.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { IndexStore, SnapshotTargetError } from "../server/store/store";

const USAGE = [
  "usage: npm run index:snapshot -- [--index DIR] --out DIR",
  "  --index DIR  the index to copy (default: $DRL_INDEX_DIR, else .drl/index); stop the server using it first",
  "  --out DIR    a new or empty directory for the copy; start a replica on it with DRL_INDEX_DIR=DIR",
].join("\n");

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

interface Args {
  index: string;
  out: string;
}

export function parseSnapshotArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Args | "help" {
  const got: Partial<Args> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") return "help";
    const m = /^--(index|out)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(arg.startsWith("-") ? `unknown option ${arg}` : `unexpected argument ${JSON.stringify(arg)}`);
    const name = m[1] as keyof Args;
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a directory`);
      i++;
    }
    if (value.trim() === "") throw new UsageError(`--${name} needs a directory, not an empty string`);
    if (got[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    got[name] = value;
  }
  const index = got.index ?? (env.DRL_INDEX_DIR || ".drl/index");
  if (got.out === undefined) throw new UsageError("--out is required: the directory to write the copy to");
  if (path.resolve(index) === path.resolve(got.out)) throw new UsageError("--out must not be the index itself");
  return { index, out: got.out };
}

function isLocked(e: unknown): boolean {
  const code = (x: unknown): unknown => (x && typeof x === "object" && "code" in x ? x.code : undefined);
  const cause = e && typeof e === "object" && "cause" in e ? e.cause : undefined;
  return code(e) === "LEVEL_LOCKED" || code(cause) === "LEVEL_LOCKED";
}

async function main(): Promise<number> {
  let args: Args | "help";
  try {
    args = parseSnapshotArgs(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`index:snapshot: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (args === "help") {
    console.log(USAGE);
    return 0;
  }
  // A LevelDB directory has a CURRENT file; opening anything else would create an empty index.
  if (!existsSync(path.join(args.index, "CURRENT"))) {
    console.error(`index:snapshot: --index: there is no index at ${args.index}\n${USAGE}`);
    return 2;
  }
  let store: IndexStore;
  try {
    store = await IndexStore.open(args.index);
  } catch (e) {
    if (isLocked(e)) {
      console.error(`index:snapshot: the index at ${args.index} is open in another process (LevelDB allows one); stop the server using it, then run this again`);
      return 1;
    }
    throw e;
  }
  try {
    const { entries, checkpoint } = await store.copyTo(args.out);
    if (!checkpoint) {
      console.log(`index:snapshot: copied ${entries} entries to ${args.out}; the index has no indexed block yet (a replica started on it backfills from the deploy block)`);
    } else {
      console.log(
        `index:snapshot: copied ${entries} entries to ${args.out} at block ${checkpoint.number} (${checkpoint.hash}), state digest ${checkpoint.digest ?? "unknown (an index from before digests)"}. ` +
          `Start a replica on it with DRL_INDEX_DIR=${args.out}: it checks that block ${checkpoint.number} is on its chain, then resumes.`,
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof SnapshotTargetError) {
      console.error(`index:snapshot: --out: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`index:snapshot: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
