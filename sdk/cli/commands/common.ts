/**
 * What the commands share: the context of a command (global flags), the signing client,
 * asset references resolved to ids, files fingerprinted, text hashed, and how a transaction
 * is printed.
 */
import { Option, type Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { ApiRequestError } from "../../api/client";
import { fingerprint, FingerprintError, type DirectoryProgress, type FileProgress } from "../../fingerprint/fingerprint";
import { LedgerClient, type TxResult } from "../../ledger/client";
import { textHash } from "../../text";
import { Context, type GlobalOptions } from "../context";
import { devWallet, isDevAccountName } from "../dev-accounts";
import { UsageError } from "../exit";
import { fields, toJson } from "../output";
import { parseAddress, parseAssetRef, parseEnum, type AssetRefKind } from "../parse";
import { resolveSigner, type SignerOptions } from "../signer";

/** The global flags merged with the command's own. */
export function contextOf(cmd: Command): Context {
  return new Context(cmd.optsWithGlobals<GlobalOptions>());
}

/** The signing flags of a command that sends. */
export type SigningFlags = SignerOptions;

/** Adds --as and --keystore to a command that sends a transaction. */
export function signing(cmd: Command): Command {
  return cmd
    .option("--as <name>", "sign as a development account (local chain only; see drl dev accounts)")
    .option("--keystore <file>", "sign with an encrypted JSON keystore (password: DRL_KEYSTORE_PASSWORD or a prompt)");
}

/** A client that signs as --as / DRL_PRIVATE_KEY / --keystore. */
export async function signingClient(ctx: Context, opts: SignerOptions): Promise<LedgerClient> {
  const provider = ctx.rpc();
  const signer = await resolveSigner(opts, provider, ctx.local);
  return LedgerClient.connect({ runner: signer, deployment: ctx.deployment(), rpcUrl: ctx.rpcUrl });
}

/** A read-only client. */
export function readingClient(ctx: Context): LedgerClient {
  return LedgerClient.connect({ runner: ctx.rpc(), deployment: ctx.deployment(), rpcUrl: ctx.rpcUrl });
}

/** An address, or (on the local chain) a development account's name. */
export function account(ctx: Context, flag: string, raw: string): string {
  if (ctx.local && isDevAccountName(raw)) return devWallet(raw).address;
  return parseAddress(flag, raw);
}

/**
 * An asset reference as an id: a decimal id is checked on chain, a registration number or a
 * content hash is looked up in the API. An unknown one is a usage error naming the argument.
 */
export async function assetId(ctx: Context, flag: string, raw: string): Promise<bigint> {
  const ref: AssetRefKind = parseAssetRef(flag, raw);
  if (ref.kind === "id") {
    const client = readingClient(ctx);
    const status = await client.call(() => client.contracts.registry.statusOf(ref.id));
    if (status === 0n) throw new UsageError(flag, `there is no asset ${ref.id}`);
    return ref.id;
  }
  try {
    const a = await ctx.api().asset(ref.value);
    return BigInt(a.id);
  } catch (e) {
    if (e instanceof ApiRequestError && e.status === 404) throw new UsageError(flag, `no asset has ${ref.kind === "registrationNumber" ? "registration number" : "content hash"} ${ref.value}`);
    throw e;
  }
}

/** A progress bar on stderr for long work, only on a terminal and without --json. */
export function progressBar(ctx: Context, label: string): { update(done: number, total: number): void; stop(): void } {
  if (ctx.out.json || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

const BIG = 64 * 2 ** 20;

/** The fingerprint (0x SHA-256) of a FILE flag or a data path; a progress bar over 64 MiB. */
export async function fileHash(ctx: Context, flag: string, file: string): Promise<{ hash: string; sha256: string; size: number; manifest?: string }> {
  const bar = progressBar(ctx, `hashing ${file}`);
  let shown = false;
  try {
    const fp = await fingerprint(file, {
      onProgress: (p: FileProgress | DirectoryProgress) => {
        if (p.totalBytes > BIG || shown) {
          shown = true;
          bar.update(Math.floor(p.bytes / 2 ** 20), Math.max(1, Math.ceil(p.totalBytes / 2 ** 20)));
        }
      },
    });
    return { hash: fp.hash, sha256: fp.sha256, size: fp.size, ...("manifest" in fp ? { manifest: fp.manifest } : {}) };
  } catch (e) {
    if (e instanceof FingerprintError) throw new UsageError(flag, e.message);
    throw e;
  } finally {
    bar.stop();
  }
}

/** A text flag (`--case`, `--reason`, `--org-id`) hashed the one documented way (sdk/text.ts). */
export function hashText(flag: string, text: string): string {
  if (text.trim().length === 0) throw new UsageError(flag, "must not be empty");
  return textHash(text, flag);
}

/** An enum flag whose value is an API name or a kebab-case alias. */
export function enumOption(flags: string, description: string, names: readonly string[]): Option {
  return new Option(flags, `${description} (${names.join(", ")})`);
}

export function enumValue<const T extends readonly string[]>(flag: string, names: T, raw: string): T[number] {
  return parseEnum(flag, names, raw);
}

/** Prints a transaction: `{txHash, blockNumber, events, ...ids}` with --json, a sentence otherwise. */
export function printTx<T extends TxResult>(ctx: Context, tx: T, sentence: string, extra: [string, unknown][] = []): void {
  ctx.out.result(tx, () => [sentence, fields([...extra, ["transaction", tx.txHash], ["block", tx.blockNumber]])].join("\n"));
}

export { toJson };
