/**
 * `drl incentive record|revoke` (the pilot zone's bureau) and `drl milestone annul` (the
 * registrar): the records behind an enterprise's matching-fund claim (`drl report milestones`).
 */
import type { Command } from "commander";
import { INCENTIVE_LEVEL, MILESTONE } from "../../api/enums";
import { UsageError } from "../exit";
import { formatAmount } from "../output";
import { parseAmount, parseCurrency, parseEnum } from "../parse";
import { assetId, contextOf, fileHash, hashText, printTx, signing, signingClient, type SigningFlags } from "./common";

export function registerIncentives(program: Command, milestone: Command): void {
  signing(
    milestone
      .command("annul")
      .description("registrar: annul a wrongly recorded first (it earns nothing, and its incentives count for nothing)")
      .argument("<ref>", "the asset")
      .argument("<kind>", `the first (${MILESTONE.join(", ")})`)
      .requiredOption("--reason <text>", "the decision (stored hashed)"),
  ).action(async (ref: string, kindRaw: string, f: { reason: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const kind = parseEnum("<kind>", MILESTONE, kindRaw);
    const reasonHash = hashText("--reason", f.reason);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).annulMilestone({ assetId: id, kind, reasonHash });
    printTx(ctx, { ...tx, assetId: id }, `Annulled the ${kind} first of asset ${id}: it earns nothing.`);
  });

  const incentive = program.command("incentive").description("bureau: the national and municipal incentives paid for firsts (the basis of matching funds)");
  signing(
    incentive
      .command("record")
      .description("bureau: record an incentive paid for a first (recorded and not annulled)")
      .argument("<ref>", "the asset")
      .argument("<kind>", `the first (${MILESTONE.join(", ")})`)
      .requiredOption("--level <level>", `who paid it (${INCENTIVE_LEVEL.join(", ")})`)
      .requiredOption("--amount <amount_currency...>", "the amount paid: AMOUNT CURRENCY, e.g. 200000 CNY or 99.50 CNY")
      .requiredOption("--evidence <file>", "the payment's evidence (fingerprinted)"),
  ).action(async (ref: string, kindRaw: string, f: { level: string; amount: string[]; evidence: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const kind = parseEnum("<kind>", MILESTONE, kindRaw);
    const level = parseEnum("--level", INCENTIVE_LEVEL, f.level);
    if (f.amount.length !== 2) throw new UsageError("--amount", "takes AMOUNT CURRENCY, e.g. --amount 200000 CNY");
    const amount = parseAmount("--amount", f.amount[0] ?? "");
    if (amount === 0n) throw new UsageError("--amount", "must be above zero");
    const currency = parseCurrency("--amount", f.amount[1] ?? "");
    const evidence = await fileHash(ctx, "--evidence", f.evidence);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).recordIncentive({ assetId: id, kind, level, amount, currency, evidenceHash: evidence.hash });
    printTx(ctx, { ...tx, assetId: id }, `Recorded a ${level} incentive of ${formatAmount(amount, currency)} for the ${kind} first of asset ${id}.`);
  });
  signing(
    incentive
      .command("revoke")
      .description("bureau: withdraw an incentive recorded in error (it counts for nothing)")
      .argument("<ref>", "the asset")
      .argument("<kind>", `the first (${MILESTONE.join(", ")})`)
      .requiredOption("--level <level>", `the incentive's level (${INCENTIVE_LEVEL.join(", ")})`)
      .requiredOption("--reason <text>", "the decision (stored hashed)"),
  ).action(async (ref: string, kindRaw: string, f: { level: string; reason: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const kind = parseEnum("<kind>", MILESTONE, kindRaw);
    const level = parseEnum("--level", INCENTIVE_LEVEL, f.level);
    const reasonHash = hashText("--reason", f.reason);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).revokeIncentive({ assetId: id, kind, level, reasonHash });
    printTx(ctx, { ...tx, assetId: id }, `Withdrew the ${level} incentive for the ${kind} first of asset ${id}.`);
  });
}
