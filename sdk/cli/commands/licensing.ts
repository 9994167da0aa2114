/** `drl license grant|offer|accept|sublicense|revoke`. */
import type { Command } from "commander";
import { TERRITORY } from "../../api/enums";
import { readLicenseOffer, writeLicenseOffer } from "../../offers/offer";
import { UsageError } from "../exit";
import { formatTime } from "../output";
import { parseAmount, parseCurrency, parseDate, parseEnum, parseId, parseRights } from "../parse";
import type { Context } from "../context";
import { account, assetId, contextOf, fileHash, hashText, printTx, signing, signingClient, type SigningFlags } from "./common";

interface TermFlags {
  to: string;
  rights: string;
  territory: string;
  from: string;
  until: string;
  sublicensable?: boolean;
  revocable?: boolean;
  terms?: string;
  scope?: string;
  fee?: string[];
}

function termOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--to <addr>", "the licensee")
    .requiredOption("--rights <r,...>", "processing and/or operation")
    .option("--territory <t>", `${TERRITORY.join(" or ")}`, "domestic")
    .requiredOption("--from <date>", "start (YYYY-MM-DD local midnight, or ISO-8601)")
    .requiredOption("--until <date>", "end (a date includes that whole day)")
    .option("--sublicensable", "the licensee may sublicense")
    .option("--revocable", "the licensor may revoke it")
    .option("--terms <file>", "the licence terms (fingerprinted)")
    .option("--scope <text>", "the scope of use (stored hashed)")
    .option("--fee <amount_currency...>", "fee: AMOUNT CURRENCY (e.g. --fee 12000 CNY)");
}

async function terms(ctx: Context, f: TermFlags) {
  const start = parseDate("--from", f.from);
  const end = parseDate("--until", f.until, { endOfDay: true });
  if (end <= start) throw new UsageError("--until", "must be after --from");
  let fee: { amount: bigint; currency: string } | undefined;
  if (f.fee !== undefined) {
    if (f.fee.length !== 2) throw new UsageError("--fee", "takes AMOUNT CURRENCY, e.g. --fee 12000 CNY");
    fee = { amount: parseAmount("--fee", f.fee[0] ?? ""), currency: parseCurrency("--fee", f.fee[1] ?? "") };
  }
  const termsHash = f.terms === undefined ? hashText("--terms", "no separate terms") : (await fileHash(ctx, "--terms", f.terms)).hash;
  return {
    licensee: account(ctx, "--to", f.to),
    rights: parseRights("--rights", f.rights, ["processing", "operation"]) as ("processing" | "operation")[],
    territory: parseEnum("--territory", TERRITORY, f.territory),
    start,
    end,
    sublicensable: f.sublicensable === true,
    revocable: f.revocable === true,
    scopeHash: hashText("--scope", f.scope ?? "any use within the rights granted"),
    termsHash,
    ...(fee ? { fee } : {}),
  };
}

export function registerLicensing(program: Command): void {
  const license = program.command("license").description("licences of processing and operation rights");
  signing(termOptions(license.command("grant").description("holder: grant a licence").argument("<ref>", "the asset"))).action(async (ref: string, f: TermFlags & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const t = await terms(ctx, f);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).grantLicense({ assetId: id, terms: t });
    printTx(ctx, tx, `Granted licence ${tx.licenseId} on asset ${id} to ${t.licensee}.`, [["licence id", tx.licenseId]]);
  });
  signing(
    termOptions(license.command("offer").description("holder: sign a licence offer (nothing is sent) and write it to a file").argument("<ref>", "the asset"))
      .requiredOption("--deadline <date>", "the offer can be accepted until then")
      .requiredOption("--out <file>", "where to write the signed offer"),
  ).action(async (ref: string, f: TermFlags & SigningFlags & { deadline: string; out: string }, cmd: Command) => {
    const ctx = contextOf(cmd);
    const t = await terms(ctx, f);
    const deadline = parseDate("--deadline", f.deadline, { endOfDay: true });
    const id = await assetId(ctx, "<ref>", ref);
    const signed = await (await signingClient(ctx, f)).signLicenseOffer({ assetId: id, terms: t, deadline });
    try {
      await writeLicenseOffer(f.out, signed);
    } catch (e) {
      throw new UsageError("--out", `cannot write ${f.out} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    ctx.out.result({ file: f.out, assetId: id, licensee: t.licensee, deadline, signer: signed.signer }, () => `Wrote the signed offer for asset ${id} to ${f.out} (acceptable until ${formatTime(deadline)}).`);
  });
  signing(license.command("accept").description("licensee: accept a signed offer file").argument("<offer.json>", "the offer file")).action(async (file: string, f: SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const offer = await readLicenseOffer(file);
    const tx = await (await signingClient(ctx, f)).acceptLicenseOffer(offer);
    printTx(ctx, tx, `Accepted the offer: licence ${tx.licenseId}.`, [["licence id", tx.licenseId]]);
  });
  signing(termOptions(license.command("sublicense").description("licensee of a sublicensable licence: sublicense").argument("<license-id>", "the parent licence"))).action(
    async (raw: string, f: TermFlags & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const parentId = parseId("<license-id>", raw);
      const t = await terms(ctx, f);
      const tx = await (await signingClient(ctx, f)).sublicense({ parentId, terms: t });
      printTx(ctx, tx, `Granted sublicence ${tx.licenseId} under licence ${parentId} to ${t.licensee}.`, [["licence id", tx.licenseId]]);
    },
  );
  signing(license.command("revoke").description("licensor: revoke a revocable licence (--court: a court order)").argument("<license-id>", "the licence").option("--reason <text>", "why (stored hashed)").option("--case <text>", "the court case (with --court)").option("--court", "revoke by court order")).action(
    async (raw: string, f: { reason?: string; case?: string; court?: boolean } & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const licenseId = parseId("<license-id>", raw);
      const client = await signingClient(ctx, f);
      if (f.court) {
        if (f.case === undefined) throw new UsageError("--case", "is required with --court");
        const tx = await client.courtRevokeLicense({ licenseId, caseHash: hashText("--case", f.case) });
        printTx(ctx, { ...tx, licenseId }, `Revoked licence ${licenseId} by court order.`);
        return;
      }
      if (f.reason === undefined) throw new UsageError("--reason", "is required");
      const tx = await client.revokeLicense({ licenseId, reasonHash: hashText("--reason", f.reason) });
      printTx(ctx, { ...tx, licenseId }, `Revoked licence ${licenseId}.`);
    },
  );
}
