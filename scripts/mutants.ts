/**
 * `npm run mutants`: proves that the tests guard the rules. Each mutation below removes or
 * weakens one check of the contracts. For each, one at a time, the script copies the project to
 * a temporary folder, applies the mutation there, compiles, and runs the property test (the CI
 * seeds only) and then the contract unit tests, each stopping at the first failure. A mutation
 * is killed when a test fails; the script prints killed / survived per mutation, writes
 * bench/results/mutants.json, and exits 1 if any survived. It is not part of `npm test` (it runs
 * the suites once per mutation, about an hour in all on two cores).
 *
 *   npm run mutants                 every mutation
 *   npm run mutants -- frozen nonce only the mutations whose id contains one of the words
 *
 * Within the unit tests, the suites that name the mutated contract run first (suitesFor).
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROPERTY_SEEDS } from "../test/helpers/seeds";

interface Mutation {
  id: string;
  description: string;
  file: string;
  /** Exact source text, found exactly once in the file. */
  find: string;
  replace: string;
}

const MUTATIONS: Mutation[] = [
  {
    id: "frozen-check",
    description: "the transfer rule ignores a court hold",
    file: "contracts/registry/DataAssetRegistry.sol",
    find: "if (f & FLAG_FROZEN != 0) bits |= _bit(Reason.Frozen);",
    replace: "",
  },
  {
    id: "pledged-check",
    description: "the transfer rule ignores an active pledge",
    file: "contracts/registry/DataAssetRegistry.sol",
    find: "if (pledgeBlocks && f & FLAG_PLEDGED != 0) bits |= _bit(Reason.Pledged);",
    replace: "",
  },
  {
    id: "disputed-check",
    description: "the transfer rule ignores an admitted objection",
    file: "contracts/registry/DataAssetRegistry.sol",
    find: "if (f & FLAG_DISPUTED != 0) bits |= _bit(Reason.Disputed);",
    replace: "",
  },
  {
    id: "expired-check",
    description: "the transfer rule ignores the end of validity",
    file: "contracts/registry/DataAssetRegistry.sol",
    find: "if (r.validUntil < block.timestamp) bits |= _bit(Reason.Expired);",
    replace: "",
  },
  {
    id: "membership-check",
    description: "the transfer rule lets non-members send and receive",
    file: "contracts/registry/DataAssetRegistry.sol",
    find: "if (!fromActive || !toActive) bits |= _bit(Reason.NotMember);",
    replace: "",
  },
  {
    id: "cross-border-check",
    description: "the transfer rule lets data go abroad without a clearance",
    file: "contracts/registry/DataAssetRegistry.sol",
    find: "if (toActive && clearanceNeeded && !_cleared(assetId, to)) bits |= _bit(Reason.CrossBorderNotCleared);",
    replace: "",
  },
  {
    id: "first-twice",
    description: "a first can be set twice",
    file: "contracts/milestones/MilestoneRegistry.sol",
    find: "return r.set && !r.annulled;",
    replace: "return false;",
  },
  {
    id: "nonce-check",
    description: "a used or cancelled nonce is accepted again (licence offers)",
    file: "contracts/access/SignedNonces.sol",
    find: "        _requireUnused(signer, nonce);\n        _usedNonces[signer][nonce] = true;",
    replace: "        _usedNonces[signer][nonce] = true;",
  },
  {
    id: "sell-order-holder-check",
    description: "a sell order's signature is not checked against the holder",
    file: "contracts/exchange/TradeDesk.sol",
    find: "signature.length == 0 ? !_placed[holder][orderHash] : !SignatureChecker.isValidSignatureNow(holder, orderHash, signature)",
    replace: "signature.length == 0 && !_placed[holder][orderHash]",
  },
  {
    id: "registrar-rules-frozen",
    description: "a registrar's ruling disposes of a court-frozen asset",
    file: "contracts/disputes/DisputeResolution.sol",
    find: "if (rec.frozen) revert AssetFrozen(o.assetId);",
    replace: "",
  },
  // Beyond the list the issue names: other checks whose loss a user would feel.
  {
    id: "holder-check",
    description: "the transfer rule lets anyone sell a holder's asset",
    file: "contracts/registry/DataAssetRegistry.sol",
    find: "if (!skipHolder && r.holder != from) bits |= _bit(Reason.NotHolder);",
    replace: "",
  },
  {
    id: "core-check",
    description: "core data circulates",
    file: "contracts/registry/DataAssetRegistry.sol",
    find: "if (r.grade == SecurityGrade.Core) bits |= _bit(Reason.CoreData);",
    replace: "",
  },
  {
    id: "listing-exchange-check",
    description: "another exchange trades a live listing",
    file: "contracts/exchange/TradeDesk.sol",
    find: "if (l.holder == seller && listedBy != msg.sender) revert NotListedHere(assetId, msg.sender);",
    replace: "",
  },
  {
    id: "registrar-rules-pledged",
    description: "a registrar's ruling disposes of a pledged asset",
    file: "contracts/disputes/DisputeResolution.sol",
    find: "if (rec.pledged) revert AssetPledged(o.assetId);",
    replace: "",
  },
  {
    id: "hold-owner-check",
    description: "a court lifts another court's hold",
    file: "contracts/disputes/DisputeResolution.sol",
    find: "if (court != msg.sender) revert NotHoldingCourt(assetId, caseHash, msg.sender);",
    replace: "",
  },
  {
    id: "revocable-check",
    description: "a licensor revokes a licence that was not granted as revocable",
    file: "contracts/licensing/LicenseRegistry.sol",
    find: "if (l.flags & FLAG_REVOCABLE == 0) revert NotRevocable(licenseId);",
    replace: "",
  },
  {
    id: "incentive-annulled-first",
    description: "the bureau records an incentive for an annulled first",
    file: "contracts/incentives/IncentiveRegistry.sol",
    find: "if (!first.set || first.annulled) revert FirstNotEarned(assetId, m);",
    replace: "if (!first.set) revert FirstNotEarned(assetId, m);",
  },
  {
    id: "incentive-unrecorded-first",
    description: "the bureau records an incentive for a first that never happened",
    file: "contracts/incentives/IncentiveRegistry.sol",
    find: "if (!first.set || first.annulled) revert FirstNotEarned(assetId, m);",
    replace: "if (first.annulled) revert FirstNotEarned(assetId, m);",
  },
  {
    id: "incentive-twice",
    description: "the same first gets two live incentives at one level (counted twice)",
    file: "contracts/incentives/IncentiveRegistry.sol",
    find: "return i.amount != 0 && !i.revoked && i.firstTag == firstTag;",
    replace: "return false;",
  },
  {
    id: "incentive-stale-recording",
    description: "an annulled recording's incentive blocks the incentive of a later genuine first",
    file: "contracts/incentives/IncentiveRegistry.sol",
    find: "return i.amount != 0 && !i.revoked && i.firstTag == firstTag;",
    replace: "return i.amount != 0 && !i.revoked;",
  },
  {
    id: "incentive-tag-time-only",
    description: "an incentive is bound to its first's time only: a first annulled and recorded again in one block keeps the old incentive",
    file: "contracts/incentives/IncentiveRegistry.sol",
    find: "return bytes12(keccak256(abi.encode(first.at, first.attester, first.evidenceHash)));",
    replace: "return bytes12(keccak256(abi.encode(first.at)));",
  },
  {
    id: "incentive-revoke-twice",
    description: "a withdrawn incentive is withdrawn again",
    file: "contracts/incentives/IncentiveRegistry.sol",
    find: "if (current.amount == 0 || current.revoked) revert IncentiveNotRecorded(assetId, m, l);",
    replace: "if (current.amount == 0) revert IncentiveNotRecorded(assetId, m, l);",
  },
];

/** Test files of the server, the CLI and the API client (their own Anvil node or no chain at all): left out, as in `npm run coverage`. */
const ANVIL_SUITES = /^(api(-.*)?|tradability-agreement|indexer-.*|index-snapshot|replicas|start|cli-.*|sdk-api|infra|abi-decoder|certs-.*|evidence-court|portal-.*)\.test\.ts$/;

const root = path.resolve(__dirname, "..");

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const keep = (b: Buffer) => {
      out = (out + b.toString()).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("close", (code) => resolve({ code: code ?? 1, tail: out }));
  });
}

/** The first failing test and why, from mocha's output (the block after "N failing"). */
function firstFailure(tail: string): string {
  const after = tail.slice(tail.search(/\n\s+\d+ failing/));
  const title = /\n\s+1\) ([^\n]+)\n\s+([^\n]+?):?\n/.exec(after);
  // fast-check reports the property's own error after "Caused by:" (or "Got error:").
  const cause = Math.max(after.indexOf("Caused by:"), after.indexOf("Got error:"));
  const why = /((?:Assertion)?Error: [^\n]+)/.exec(after.slice(cause >= 0 ? cause : 0));
  const parts = [title?.[1], title?.[2], why?.[1]].filter((x): x is string => !!x).map((x) => x.trim());
  return parts.length > 0 ? parts.join(" › ").slice(0, 400) : "(see the output)";
}

function copyProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "drl-mutant-"));
  for (const entry of ["contracts", "test", "scripts", "sdk", "server", "deployments", "hardhat.config.ts", "tsconfig.json", "package.json"]) {
    cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/**
 * Every unit suite, those that name the mutated contract first: with --bail the run stops at the
 * first failure, so the suite most likely to fail runs before the others (all still run when
 * none fails, so no mutation is called survived on fewer tests).
 */
function suitesFor(m: Mutation, suites: readonly string[]): string[] {
  const contract = path.basename(m.file, ".sol");
  const names = (f: string) => readFileSync(path.join(root, f), "utf8").includes(contract);
  return [...suites.filter(names), ...suites.filter((f) => !names(f))];
}

interface Result {
  id: string;
  description: string;
  file: string;
  killed: boolean;
  killedBy: string | null;
  failingTest: string | null;
  seconds: number;
}

async function main(): Promise<void> {
  const words = process.argv.slice(2);
  const selected = words.length === 0 ? MUTATIONS : MUTATIONS.filter((m) => words.some((w) => m.id.includes(w)));
  if (selected.length === 0) throw new Error(`no mutation matches ${words.join(", ")}`);
  for (const m of MUTATIONS) {
    const source = readFileSync(path.join(root, m.file), "utf8");
    const count = source.split(m.find).length - 1;
    if (count !== 1) throw new Error(`mutation ${m.id}: its text occurs ${count} times in ${m.file} (must be exactly once)`);
  }
  const unitSuites = readdirSync(path.join(root, "test"))
    .filter((f) => f.endsWith(".test.ts") && f !== "properties.test.ts" && !ANVIL_SUITES.test(f))
    .map((f) => path.join("test", f));
  const hardhat = path.join(root, "node_modules", ".bin", "hardhat");
  const env = { DRL_PROPERTY_FIXED_SEEDS_ONLY: "1", FORCE_COLOR: "0" };

  const results: Result[] = [];
  for (const m of selected) {
    const started = Date.now();
    const dir = copyProject();
    const file = path.join(dir, m.file);
    writeFileSync(file, readFileSync(file, "utf8").replace(m.find, m.replace));
    process.stdout.write(`${m.id.padEnd(26)} ${m.description} … `);
    let killedBy: string | null = null;
    let failingTest: string | null = null;
    const compiled = await run(hardhat, ["compile", "--quiet"], dir, env);
    if (compiled.code !== 0) {
      killedBy = "compilation";
      failingTest = compiled.tail.split("\n").slice(-5).join(" ");
    } else {
      const props = await run(hardhat, ["test", "--no-compile", "--bail", "test/properties.test.ts"], dir, env);
      if (props.code !== 0) {
        killedBy = "property test";
        failingTest = firstFailure(props.tail);
      } else {
        const units = await run(hardhat, ["test", "--no-compile", "--bail", ...suitesFor(m, unitSuites)], dir, env);
        if (units.code !== 0) {
          killedBy = "unit tests";
          failingTest = firstFailure(units.tail);
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
    const seconds = Math.round((Date.now() - started) / 1000);
    const killed = killedBy !== null && killedBy !== "compilation";
    results.push({ id: m.id, description: m.description, file: m.file, killed, killedBy, failingTest, seconds });
    console.log(killed ? `killed by the ${killedBy} (${seconds} s): ${failingTest}` : killedBy ? `NOT RUN (${killedBy}: ${failingTest})` : `SURVIVED (${seconds} s)`);
  }

  const killed = results.filter((r) => r.killed).length;
  console.log(`\n${killed} of ${results.length} mutations killed${killed === results.length ? "" : `; survived or not run: ${results.filter((r) => !r.killed).map((r) => r.id).join(", ")}`}`);
  if (words.length === 0) {
    const out = path.join(root, "bench", "results", "mutants.json");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ seeds: PROPERTY_SEEDS, killed, total: results.length, mutations: results }, null, 2) + "\n");
    console.log(`wrote ${path.relative(root, out)}`);
  }
  if (killed !== results.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`mutants: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
});
