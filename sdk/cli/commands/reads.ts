/**
 * Reads from the provenance API: show, history, licenses, lineage, holder, check, report
 * milestones. With --json each prints the API's answer as it came.
 */
import type { Command } from "commander";
import { TERRITORY } from "../../api/enums";
import type { AssetResponse, History, Lineage, MilestoneItem } from "../../api/schemas";
import { claimCsv, computeClaim, formatMinorUnits } from "../../incentives/claim";
import { NegativeAnswer, UsageError } from "../exit";
import { fields, formatAmount, formatTime, table } from "../output";
import { parseAssetRef, parseDate, parseEnum, parseInteger } from "../parse";
import { account, contextOf } from "./common";
import type { Context } from "../context";

/** The ref as the API takes it (validated first, so a malformed one never reaches the API). */
function apiRef(raw: string): string {
  const r = parseAssetRef("<ref>", raw);
  return r.kind === "id" ? r.id.toString() : r.value;
}

function showAsset(a: AssetResponse): string {
  return fields([
    ["asset", a.id],
    ["registration number", a.registrationNumber ?? "(not registered yet)"],
    ["name", a.name],
    ["status", a.status],
    ["holder", a.holder ? `${a.holder.address}${a.holder.name ? ` (${a.holder.name})` : ""}` : "-"],
    ["kind", `${a.kind}${a.productForm !== "none" ? ` / ${a.productForm}` : ""}`],
    ["category / grade", `${a.category} / ${a.grade}`],
    ["rights", a.rights.join(", ")],
    ["source", a.sourceType],
    ["content hash", a.contentHash],
    ["valid until", formatTime(a.validUntil)],
    ["publicity ends", a.publicityEnd === null ? undefined : formatTime(a.publicityEnd)],
    ["parents", a.parents.length > 0 ? a.parents.join(", ") : undefined],
    ["frozen", a.frozen ? `yes (${a.holds.length} court hold${a.holds.length === 1 ? "" : "s"})` : "no"],
    ["disputed", a.disputed ? "yes" : "no"],
    ["pledged", a.pledged ? "yes" : "no"],
    ["listed", a.listing ? `on ${a.listing.exchange}` : undefined],
    ["latest valuation", a.latestValuation ? `${formatAmount(a.latestValuation.value, a.latestValuation.currency)} (${a.latestValuation.method}, ${formatTime(a.latestValuation.valuationDate)})` : undefined],
    ["milestones", a.milestones.length > 0 ? a.milestones.join(", ") : undefined],
    ["as of block", a.asOfBlock],
  ]);
}

function showHistory(h: History): string {
  return table(["block", "event", "summary"], h.items.map((e) => [e.block, e.event, e.summary]));
}

function showLineage(l: Lineage): string {
  return [table(["asset", "registration number", "status", "depth"], l.nodes.map((n) => [n.id, n.registrationNumber ?? "", n.status, n.depth])), "", table(["parent", "child", "via licence"], l.edges.map((e) => [e.parent, e.child, e.parentLicense === "0" ? "-" : e.parentLicense]))].join("\n");
}

export function registerReads(program: Command): void {
  program
    .command("show")
    .description("an asset's record (from the API)")
    .argument("<ref>", "asset id, registration number or content hash")
    .action(async (ref: string, _f: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const a = await ctx.api().asset(apiRef(ref));
      ctx.out.result(a, () => showAsset(a));
    });
  program
    .command("history")
    .description("every event of an asset, oldest first")
    .argument("<ref>", "asset id, registration number or content hash")
    .action(async (ref: string, _f: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const api = ctx.api();
      const first = await api.history(apiRef(ref), { limit: 200 });
      const items = [...first.items];
      for (let cursor = first.nextCursor; cursor; ) {
        const page = await api.history(apiRef(ref), { limit: 200, cursor });
        items.push(...page.items);
        cursor = page.nextCursor;
      }
      const all = { ...first, items, nextCursor: null };
      ctx.out.result(all, () => showHistory(all));
    });
  program
    .command("licenses")
    .description("an asset's licences, active and ended")
    .argument("<ref>", "asset id, registration number or content hash")
    .action(async (ref: string, _f: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const l = await ctx.api().licenses(apiRef(ref));
      const rows = [...l.active, ...l.ended].map((x) => [x.id, x.parentId ?? "-", x.licensee.address, x.rights.join(","), x.territory, x.state, `${formatTime(x.start).slice(0, 10)} → ${formatTime(x.end).slice(0, 10)}`]);
      ctx.out.result(l, () => (rows.length === 0 ? `Asset ${l.assetId} has no licences.` : table(["licence", "parent", "licensee", "rights", "territory", "state", "term (local dates)"], rows)));
    });
  program
    .command("lineage")
    .description("an asset's ancestors and descendants")
    .argument("<ref>", "asset id, registration number or content hash")
    .action(async (ref: string, _f: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const l = await ctx.api().lineage(apiRef(ref));
      ctx.out.result(l, () => showLineage(l));
    });
  program
    .command("holder")
    .description("who held the asset at a block")
    .argument("<ref>", "asset id, registration number or content hash")
    .requiredOption("--at-block <n>", "block number")
    .action(async (ref: string, f: { atBlock: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const h = await ctx.api().holderAt(apiRef(ref), parseInteger("--at-block", f.atBlock, 0, Number.MAX_SAFE_INTEGER));
      ctx.out.result(h, () =>
        h.holder === null
          ? `At block ${h.atBlock}, asset ${h.assetId} had no holder (not registered yet, or cancelled).`
          : `At block ${h.atBlock}, asset ${h.assetId} was held by ${h.holder.address}${h.holder.name ? ` (${h.holder.name})` : ""}${h.since ? `, since block ${h.since.block}` : ""}.`,
      );
    });
  program
    .command("check")
    .description("pre-trade check: exit 0 if tradable, 1 if not, with every reason in words")
    .argument("<ref>", "asset id, registration number or content hash")
    .requiredOption("--buyer <addr>", "the buyer or licensee")
    .option("--seller <addr>", "the seller (default: the holder)")
    .option("--rights <r>", "holding (a transfer), processing or operation (a licence)", "holding")
    .option("--territory <t>", "domestic or crossBorder", "domestic")
    .option("--sublicense", "a sublicence rather than a licence")
    .option("--confirm-chain", "also ask the contracts (eth_call at the head) and show both answers")
    .action(async (ref: string, f: { buyer: string; seller?: string; rights: string; territory: string; sublicense?: boolean; confirmChain?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const q = {
        buyer: account(ctx, "--buyer", f.buyer),
        ...(f.seller === undefined ? {} : { seller: account(ctx, "--seller", f.seller) }),
        rights: parseEnum("--rights", ["holding", "processing", "operation"] as const, f.rights),
        territory: parseEnum("--territory", TERRITORY, f.territory),
        ...(f.sublicense ? { sublicense: true } : {}),
        ...(f.confirmChain ? { confirm: "chain" as const } : {}),
      };
      const t = await ctx.api().tradability(apiRef(ref), q);
      ctx.out.result(t, () =>
        t.tradable
          ? `Asset ${t.assetId} is tradable to ${t.buyer} (${t.rights}, ${t.territory}).`
          : [`Asset ${t.assetId} is NOT tradable to ${t.buyer} (${t.rights}, ${t.territory}):`, ...t.reasons.map((r) => `  - ${r.message} (${r.code})`)].join("\n"),
      );
      // The reasons are the answer; exit 1 says "no" to a script.
      if (!t.tradable) throw new NegativeAnswer("");
    });
  const report = program.command("report").description("reports");
  report
    .command("milestones")
    .description("an enterprise's firsts (registration, listing, trade, …) and its matching-fund claim for them, the cap applied")
    .requiredOption("--member <addr>", "the enterprise's account")
    .option("--from <date>", "from this date (YYYY-MM-DD or ISO-8601)")
    .option("--to <date>", "to this date, inclusive")
    .option("--csv", "print the report and the claim as CSV")
    .action(async (f: { member: string; from?: string; to?: string; csv?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      await reportMilestones(ctx, f);
    });
}

/**
 * The milestone report with the matching-fund claim (sdk/incentives/claim.ts), by the rule the
 * API serves (GET /v1/config), so the CLI and the portal always state the same claim. Every
 * first up to `--to` is read, because earlier firsts draw on the cap first.
 */
async function reportMilestones(ctx: Context, f: { member: string; from?: string; to?: string; csv?: boolean }): Promise<void> {
  const member = account(ctx, "--member", f.member);
  const from = f.from === undefined ? undefined : parseDate("--from", f.from);
  const to = f.to === undefined ? undefined : parseDate("--to", f.to, { endOfDay: true });
  if (from !== undefined && to !== undefined && from > to) throw new UsageError("--from", "must not be after --to");
  const api = ctx.api();
  const config = await api.config();
  const upToEnd: MilestoneItem[] = [];
  for await (const m of api.allMilestones(member, { ...(to === undefined ? {} : { to }), limit: 200 })) upToEnd.push(m);
  const claim = computeClaim(upToEnd, config.matchingRule, { from: from ?? null, to: to ?? null });
  if (f.csv && !ctx.out.json) {
    process.stdout.write(claimCsv(claim));
    return;
  }
  const items: MilestoneItem[] = upToEnd.filter((m) => from === undefined || m.at >= from);
  const rule = config.matchingRule;
  const money = (minor: string) => `${formatMinorUnits(minor, rule.minorUnitDigits)} ${rule.currency}`;
  ctx.out.result({ address: member, from: from ?? null, to: to ?? null, items, claim }, () => {
    if (items.length === 0) return `No milestones for ${member} in that period.\nClaim: ${money("0")}.`;
    const rows = claim.firsts.map((c) => [
      c.assetId,
      c.kind,
      formatTime(c.at),
      c.block,
      c.annulled ? "yes" : "",
      c.incentives.map((i) => `${i.level} ${formatMinorUnits(i.amount, rule.minorUnitDigits)} ${i.currency}${i.notCounted ? ` (not counted: ${i.notCounted})` : ""}`).join("; "),
      formatMinorUnits(c.matching, rule.minorUnitDigits),
      formatMinorUnits(c.claim, rule.minorUnitDigits),
    ]);
    const t = claim.totals;
    return [
      table(["asset", "milestone", "when", "block", "annulled", "incentives", "matching", "claim"], rows),
      "",
      `Rule: national 1:${rule.ratios.national}, municipal 1:${rule.ratios.municipal}, cap ${money(t.cap)} per enterprise (${rule.policy}).`,
      `Matching for the period: ${money(t.matching)}${BigInt(t.capUsedBefore) > 0n ? `; earlier firsts already drew ${money(t.capUsedBefore)} of the cap` : ""}.`,
      `Claim: ${money(t.claim)}${BigInt(t.claim) < BigInt(t.matching) ? " (the cap applied)" : ""}; cap remaining ${money(t.capRemaining)}. An annulled first, or a withdrawn incentive, earns nothing.`,
    ].join("\n");
  });
}
