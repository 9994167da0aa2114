/**
 * Whose key signs: `--as NAME` (a development account, local chain only), DRL_PRIVATE_KEY, or
 * `--keystore FILE` (an encrypted JSON keystore; the password from DRL_KEYSTORE_PASSWORD or a
 * prompt on the terminal). Keys and passwords are never printed: errors name the flag only.
 */
import { readFile } from "node:fs/promises";
import { Wallet, type Provider, type Signer } from "ethers";
import { DEV_ACCOUNT_NAMES, devWallet, isDevAccountName } from "./dev-accounts";
import { UsageError } from "./exit";

export interface SignerOptions {
  as?: string;
  keystore?: string;
}

const HOW = "give a key with DRL_PRIVATE_KEY or --keystore FILE";

/** Reads a password from the terminal without echoing it. */
async function promptPassword(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new UsageError("--keystore", "needs DRL_KEYSTORE_PASSWORD (no terminal to ask for the password)");
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = "";
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString("utf8")) {
        if (ch === "\r" || ch === "\n") {
          done();
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          done();
          reject(new UsageError("--keystore", "no password given"));
          return;
        }
        value = ch === "\u007f" ? value.slice(0, -1) : value + ch;
      }
    };
    const done = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
    };
    stdin.on("data", onData);
  });
}

/** True when the node is the embedded Anvil of `drl start` (chain 31337 reporting anvil). */
export async function isLocalDevChain(provider: Provider): Promise<boolean> {
  try {
    const net = await provider.getNetwork();
    if (net.chainId !== 31337n) return false;
    const send = (provider as Partial<{ send(m: string, p: unknown[]): Promise<unknown> }>).send;
    if (typeof send !== "function") return false;
    const version = await send.call(provider, "web3_clientVersion", []);
    return typeof version === "string" && version.toLowerCase().includes("anvil");
  } catch {
    return false;
  }
}

/** The signer a command sends with, connected to `provider`. */
export async function resolveSigner(opts: SignerOptions, provider: Provider, local: boolean): Promise<Signer> {
  if (opts.as !== undefined) {
    if (!isDevAccountName(opts.as)) throw new UsageError("--as", `"${opts.as.slice(0, 40)}" is not a development account (one of ${DEV_ACCOUNT_NAMES.join(", ")})`);
    if (!local || !(await isLocalDevChain(provider))) {
      throw new UsageError("--as", `works only on the local chain of drl start; on this chain ${HOW}`);
    }
    return devWallet(opts.as).connect(provider);
  }
  if (opts.keystore !== undefined) {
    let json: string;
    try {
      json = await readFile(opts.keystore, "utf8");
    } catch (e) {
      throw new UsageError("--keystore", `cannot read ${opts.keystore} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    const password = process.env.DRL_KEYSTORE_PASSWORD ?? (await promptPassword(`password for ${opts.keystore}: `));
    try {
      const w = await Wallet.fromEncryptedJson(json, password);
      return w.connect(provider);
    } catch (e) {
      const msg = e instanceof Error ? e.message : "";
      throw new UsageError("--keystore", /password/i.test(msg) ? "wrong password" : "is not an encrypted JSON keystore");
    }
  }
  const key = process.env.DRL_PRIVATE_KEY;
  if (key !== undefined && key !== "") {
    try {
      return new Wallet(key.startsWith("0x") ? key : `0x${key}`, provider);
    } catch {
      throw new UsageError("DRL_PRIVATE_KEY", "is not a 32-byte hex private key");
    }
  }
  throw new UsageError("--as", `this command signs (a transaction or a certificate): ${local ? "pick a development account with --as NAME, or " : ""}${HOW}`);
}
