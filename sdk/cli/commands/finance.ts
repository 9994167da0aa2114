/** `drl value`, `drl pledge propose|accept|release|enforce`, `drl milestone record|annul` and `drl incentive record|revoke`. */
import type { Command } from "commander";
import { VALUATION_METHOD } from "../../api/enums";
import { UsageError } from "../exit";
import { formatAmount } from "../output";
import { parseAmount, parseCurrency, parseDate, parseEnum, parseId } from "../parse";
import { registerIncentives } from "./incentives";
import { account, assetId, contextOf, fileHash, hashText, printTx, signing, signingClient, type SigningFlags } from "./common";

export function registerFinance(program: Command): void {
  signing(
    program
      .command("value")
      .description("evaluator: record a valuation")
      .argument("<ref>", "the asset")
      .requiredOption("--method <m>", `valuation method (${VALUATION_METHOD.join(", ")})`)
      .requiredOption("--value <amount>", "the value, e.g. 1200000 or 99.50")
      .requiredOption("--currency <c>", "ISO 4217 code, e.g. CNY")
      .requiredOption("--date <date>", "valuation date")
      .requiredOption("--report <file>", "the valuation report (fingerprinted)"),
  ).action(async (ref: string, f: { method: string; value: string; currency: string; date: string; report: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const input = {
      method: parseEnum("--method", VALUATION_METHOD, f.method),
      value: parseAmount("--value", f.value),
      currency: parseCurrency("--currency", f.currency),
      valuationDate: parseDate("--date", f.date),
      reportHash: (await fileHash(ctx, "--report", f.report)).hash,
    };
    if (input.value === 0n) throw new UsageError("--value", "must be above zero");
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).recordValuation({ assetId: id, ...input });
    printTx(ctx, tx, `Recorded valuation ${tx.valuationId} of asset ${id}: ${formatAmount(input.value, input.currency)} (${input.method}).`, [["valuation id", tx.valuationId]]);
  });

  const pledge = program.command("pledge").description("pledges of the holding right");
  signing(
    pledge
      .command("propose")
      .description("holder: propose a pledge to a creditor")
      .argument("<ref>", "the asset")
      .requiredOption("--to <addr>", "the pledgee (creditor)")
      .requiredOption("--amount <amount_currency...>", "secured amount: AMOUNT CURRENCY")
      .requiredOption("--due <date>", "due date")
      .requiredOption("--registry-ref <text>", "the pledge registry's reference (stored hashed)"),
  ).action(async (ref: string, f: { to: string; amount: string[]; due: string; registryRef: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    if (f.amount.length !== 2) throw new UsageError("--amount", "takes AMOUNT CURRENCY, e.g. --amount 500000 CNY");
    const securedAmount = parseAmount("--amount", f.amount[0] ?? "");
    if (securedAmount === 0n) throw new UsageError("--amount", "must be above zero");
    const currency = parseCurrency("--amount", f.amount[1] ?? "");
    const pledgee = account(ctx, "--to", f.to);
    const dueDate = parseDate("--due", f.due, { endOfDay: true });
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).proposePledge({ assetId: id, pledgee, securedAmount, currency, dueDate, registryRefHash: hashText("--registry-ref", f.registryRef) });
    printTx(ctx, tx, `Proposed pledge ${tx.pledgeId} of asset ${id} to ${pledgee}.`, [["pledge id", tx.pledgeId]]);
  });
  const byId = (name: "accept" | "release" | "enforce", what: string) =>
    signing(pledge.command(name).description(what).argument("<pledge-id>", "the pledge").option("--case <text>", "court case (enforce by court order)")).action(
      async (raw: string, f: { case?: string } & SigningFlags, cmd: Command) => {
        const ctx = contextOf(cmd);
        const pledgeId = parseId("<pledge-id>", raw);
        const client = await signingClient(ctx, f);
        const tx =
          name === "accept"
            ? await client.acceptPledge({ pledgeId })
            : name === "release"
              ? await client.releasePledge({ pledgeId })
              : f.case !== undefined
                ? await client.courtEnforcePledge({ pledgeId, caseHash: hashText("--case", f.case) })
                : await client.enforcePledge({ pledgeId });
        printTx(ctx, { ...tx, pledgeId }, `Pledge ${pledgeId}: ${name === "accept" ? "accepted" : name === "release" ? "released" : "enforced"}.`);
      },
    );
  byId("accept", "pledgee: accept a proposed pledge");
  byId("release", "pledgee: release a pledge");
  byId("enforce", "pledgee after the due date (or a court with --case): enforce a pledge");

  const milestone = program.command("milestone").description("the firsts of a data asset");
  signing(
    milestone
      .command("record")
      .description("record a first: financialStatements (auditor), opening, financing")
      .argument("<ref>", "the asset")
      .argument("<kind>", "financialStatements, opening or financing")
      .requiredOption("--evidence <file>", "the evidence (fingerprinted)")
      .option("--detail <d>", "for financialStatements: inventory or intangible"),
  ).action(async (ref: string, kindRaw: string, f: { evidence: string; detail?: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const kind = parseEnum("<kind>", ["financialStatements", "opening", "financing"] as const, kindRaw);
    const detail = f.detail === undefined ? undefined : parseEnum("--detail", ["inventory", "intangibleAsset", "intangible"] as const, f.detail);
    if (kind === "financialStatements" && detail === undefined) throw new UsageError("--detail", "is required for financialStatements (inventory or intangible)");
    const evidence = await fileHash(ctx, "--evidence", f.evidence);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).recordMilestone({
      assetId: id,
      kind,
      evidenceHash: evidence.hash,
      ...(detail === undefined ? {} : { detail: detail === "intangible" ? "intangibleAsset" : detail }),
    });
    printTx(ctx, { ...tx, assetId: id }, `Recorded the ${kind} milestone of asset ${id}.`);
  });
  registerIncentives(program, milestone);
}
