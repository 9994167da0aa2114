/**
 * The matching-fund claim (sdk/incentives/claim.ts): ratios per level, the cap per enterprise
 * drawn on in the order the firsts happened (also across report periods), and what earns
 * nothing (annulled firsts, withdrawn incentives, another currency). The rule comes from the
 * configuration file the server serves.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Incentive, MatchingRule, MilestoneItem } from "../sdk/api/schemas";
import { CLAIM_CSV_HEADER, claimCsv, computeClaim, formatMinorUnits, toMinorUnits } from "../sdk/incentives/claim";
import { MatchingRuleError, loadMatchingRule } from "../sdk/incentives/rule";

const RULE: MatchingRule = loadMatchingRule();
const ADDR = "0x1000000000000000000000000000000000000001";
const HASH = `0x${"ab".repeat(32)}`;
const where = (block: number, logIndex = 0) => ({ block, time: 1_700_000_000 + block, tx: HASH, logIndex });

function incentive(level: Incentive["level"], yuan: number, over: Partial<Incentive> = {}): Incentive {
  return { ...where(1), level, amount: String(BigInt(yuan) * 100n), currency: "CNY", evidenceHash: HASH, bureau: ADDR, revoked: null, ...over };
}

function first(block: number, incentives: Incentive[], over: Partial<MilestoneItem> = {}): MilestoneItem {
  return { ...where(block), assetId: String(block), kind: "registration", enterprise: ADDR, attester: ADDR, at: 1_700_000_000 + block, evidenceHash: null, detail: 0, annulled: null, incentives, ...over };
}

const yuan = (minor: string) => formatMinorUnits(minor, RULE.minorUnitDigits);

describe("Matching-fund claim", () => {
  it("reads the zone's rule from the configuration file: 1:1 national, 1:0.5 municipal, CNY 1,000,000 per enterprise", () => {
    expect(RULE).to.deep.include({ currency: "CNY", minorUnitDigits: 2, ratios: { national: "1", municipal: "0.5" }, capPerEnterprise: "1000000" });
  });

  it("matches a national incentive 1:1 and a municipal one 1:0.5", () => {
    const c = computeClaim([first(10, [incentive("national", 100_000), incentive("municipal", 30_001)])], RULE);
    const line = c.firsts[0];
    expect(line?.incentives.map((i) => yuan(i.matching))).to.deep.equal(["100000.00", "15000.50"]);
    expect(yuan(c.totals.claim)).to.equal("115000.50");
    expect(yuan(c.totals.capRemaining)).to.equal("884999.50");
  });

  it("rounds a half fen down, never paying more than the rule", () => {
    const c = computeClaim([first(10, [incentive("municipal", 0, { amount: "3" })])], RULE);
    expect(c.totals.claim).to.equal("1");
  });

  it("caps the enterprise's total, the earliest firsts drawing on the cap first", () => {
    const c = computeClaim([first(30, [incentive("municipal", 400_000)]), first(10, [incentive("national", 600_000)]), first(20, [incentive("municipal", 500_000)])], RULE);
    expect(c.firsts.map((f) => [f.assetId, yuan(f.matching), yuan(f.claim)])).to.deep.equal([
      ["10", "600000.00", "600000.00"],
      ["20", "250000.00", "250000.00"],
      ["30", "200000.00", "150000.00"],
    ]);
    expect([yuan(c.totals.matching), yuan(c.totals.claim), yuan(c.totals.capRemaining)]).to.deep.equal(["1050000.00", "1000000.00", "0.00"]);
  });

  it("counts what earlier periods drew on the cap, so consecutive claims never exceed it", () => {
    const all = [first(10, [incentive("national", 900_000)]), first(20, [incentive("national", 300_000)])];
    const firstHalf = computeClaim(all, RULE, { to: all[0]!.at });
    const secondHalf = computeClaim(all, RULE, { from: all[1]!.at });
    expect(yuan(firstHalf.totals.claim)).to.equal("900000.00");
    expect(secondHalf.firsts.map((f) => f.assetId)).to.deep.equal(["20"]);
    expect([yuan(secondHalf.totals.capUsedBefore), yuan(secondHalf.totals.claim)]).to.deep.equal(["900000.00", "100000.00"]);
    expect(BigInt(firstHalf.totals.claim) + BigInt(secondHalf.totals.claim)).to.equal(toMinorUnits(RULE.capPerEnterprise, 2));
  });

  it("gives nothing for an annulled first, a withdrawn incentive, or another currency, and says why", () => {
    const annulled = first(10, [incentive("national", 100_000)], { annulled: { by: ADDR, reasonHash: HASH, at: where(11) } });
    const revoked = first(20, [incentive("national", 100_000, { revoked: { by: ADDR, reasonHash: HASH, at: where(21) } })]);
    const usd = first(30, [incentive("national", 100_000, { currency: "USD" })]);
    const c = computeClaim([annulled, revoked, usd], RULE);
    expect(c.firsts.map((f) => [f.incentives[0]?.notCounted, f.claim])).to.deep.equal([
      ["annulled", "0"],
      ["revoked", "0"],
      ["currency", "0"],
    ]);
    expect(c.totals.claim).to.equal("0");
  });

  it("follows a changed rule: the parameters are configuration", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "drl-rule-"));
    const file = path.join(dir, "rule.json");
    writeFileSync(file, JSON.stringify({ ...RULE, ratios: { national: "0.8", municipal: "0.25" }, capPerEnterprise: "50000" }));
    const rule = loadMatchingRule(file);
    const c = computeClaim([first(10, [incentive("national", 10_000), incentive("municipal", 400_000)])], rule);
    expect(c.firsts[0]?.incentives.map((i) => yuan(i.matching))).to.deep.equal(["8000.00", "100000.00"]);
    expect(yuan(c.totals.claim)).to.equal("50000.00");
  });

  it("refuses a rule file with a bad parameter, naming it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "drl-rule-"));
    const file = path.join(dir, "rule.json");
    writeFileSync(file, JSON.stringify({ ...RULE, ratios: { national: "one", municipal: "0.5" } }));
    expect(() => loadMatchingRule(file)).to.throw(MatchingRuleError, "ratios.national: must be a decimal ratio");
    writeFileSync(file, "{ not json");
    expect(() => loadMatchingRule(file)).to.throw(MatchingRuleError, "file: is not JSON");
    expect(() => loadMatchingRule(path.join(dir, "missing.json"))).to.throw(MatchingRuleError, "cannot be read (ENOENT)");
  });

  it("writes the claim as CSV: a row per incentive, then the total and the cap", () => {
    const c = computeClaim([first(10, [incentive("national", 600_000), incentive("municipal", 900_000)]), first(20, [])], RULE);
    const rows = claimCsv(c).trimEnd().split("\n");
    expect(rows[0]).to.equal(CLAIM_CSV_HEADER.join(","));
    expect(rows).to.have.length(6);
    expect(rows[1]).to.contain('"national","600000.00","CNY"').and.contain('"600000.00","1000000.00"');
    expect(rows[2]).to.contain('"municipal","900000.00"').and.match(/"450000.00",""$/);
    expect(rows[3]).to.match(/^"20","registration",.*"0.00","0.00"$/);
    expect(rows[4]).to.equal('"TOTAL","","","","","","","CNY","","","1050000.00","1000000.00"');
    expect(rows[5]).to.contain('"CAP"').and.contain('"1000000.00"').and.contain("remaining 0.00");
  });
});
