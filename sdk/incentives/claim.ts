/**
 * The matching-fund claim of an enterprise for its "firsts" (the pilot zone's rule, given as
 * configuration: deployments/config/matching-funds.json, served by the API at /v1/config).
 *
 * For each incentive the bureau recorded for a first of the enterprise (national or
 * municipal), the matching amount is the incentive times the level's ratio, rounded down to
 * the currency's minor unit. The enterprise's matching funds over all its firsts are capped
 * per enterprise. What counts for nothing, with the reason shown:
 *   - every incentive of an annulled first ("annulled");
 *   - an incentive the bureau withdrew ("revoked");
 *   - an incentive in another currency than the rule's ("currency").
 *
 * The cap is cumulative: a report for a period counts what the enterprise's earlier firsts
 * already drew on the cap, so claims for consecutive periods never add up to more than the
 * cap. Give every first up to the period's end (`milestones` before `from` included); only
 * those inside the period are claimed. Browser-compatible (the portal computes the same claim).
 */
import type { MatchingRule, MilestoneItem } from "../api/schemas";

export type NotCounted = "annulled" | "revoked" | "currency";

export interface IncentiveLine {
  level: "national" | "municipal";
  /** Minor units, as recorded. */
  amount: string;
  currency: string;
  evidenceHash: string;
  /** Minor units: amount × ratio, rounded down; "0" when not counted. */
  matching: string;
  notCounted: NotCounted | null;
}

export interface ClaimLine {
  assetId: string;
  kind: MilestoneItem["kind"];
  at: number;
  block: number;
  annulled: boolean;
  incentives: IncentiveLine[];
  /** Minor units: the sum of the incentives' matching amounts, before the cap. */
  matching: string;
  /** Minor units: what this first claims after the cap (earlier firsts draw on the cap first). */
  claim: string;
}

export interface Claim {
  rule: MatchingRule;
  /** The period, unix seconds (null: open). */
  from: number | null;
  to: number | null;
  firsts: ClaimLine[];
  /** All minor units. */
  totals: {
    /** Matching before the cap, of the period's firsts. */
    matching: string;
    /** What firsts before the period already drew on the cap. */
    capUsedBefore: string;
    /** The claim for the period, the cap applied. */
    claim: string;
    /** The cap, in minor units. */
    cap: string;
    /** Cap left after this claim. */
    capRemaining: string;
  };
}

/** A decimal text as a fraction: "0.5" → [5n, 10n]. */
function fraction(decimal: string): [bigint, bigint] {
  const [whole = "0", frac = ""] = decimal.split(".");
  return [BigInt(whole + frac), 10n ** BigInt(frac.length)];
}

/** A major-unit amount in minor units: "1000000" with 2 digits → 100000000n (extra digits are cut). */
export function toMinorUnits(major: string, digits: number): bigint {
  const [whole = "0", frac = ""] = major.split(".");
  return BigInt(whole) * 10n ** BigInt(digits) + BigInt((frac + "0".repeat(digits)).slice(0, digits) || "0");
}

/** Minor units as a major-unit decimal text: 150050n with 2 digits → "1500.50". */
export function formatMinorUnits(minor: bigint | string, digits: number): string {
  const v = BigInt(minor);
  if (digits === 0) return v.toString();
  const s = v.toString().padStart(digits + 1, "0");
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/**
 * The claim for the firsts in [from, to] (unix seconds, inclusive; null for open), the cap
 * drawn on by every earlier first in `milestones`. `milestones` may come in any order.
 */
export function computeClaim(milestones: readonly MilestoneItem[], rule: MatchingRule, period: { from?: number | null; to?: number | null } = {}): Claim {
  const from = period.from ?? null;
  const to = period.to ?? null;
  const cap = toMinorUnits(rule.capPerEnterprise, rule.minorUnitDigits);
  const ratio = { national: fraction(rule.ratios.national), municipal: fraction(rule.ratios.municipal) };
  // The cap is drawn on in the order the firsts happened (block, then log).
  const ordered = [...milestones].filter((m) => to === null || m.at <= to).sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
  let used = 0n;
  let usedBefore = 0n;
  let matchingInPeriod = 0n;
  let claimInPeriod = 0n;
  const firsts: ClaimLine[] = [];
  for (const m of ordered) {
    const incentives: IncentiveLine[] = m.incentives.map((i) => {
      const notCounted: NotCounted | null = m.annulled !== null ? "annulled" : i.revoked !== null ? "revoked" : i.currency !== rule.currency ? "currency" : null;
      const [num, den] = ratio[i.level];
      const matching = notCounted === null ? (BigInt(i.amount) * num) / den : 0n;
      return { level: i.level, amount: i.amount, currency: i.currency, evidenceHash: i.evidenceHash, matching: matching.toString(), notCounted };
    });
    const matching = incentives.reduce((s, i) => s + BigInt(i.matching), 0n);
    const claim = matching < cap - used ? matching : cap - used;
    used += claim;
    if (from !== null && m.at < from) {
      usedBefore += claim;
      continue;
    }
    matchingInPeriod += matching;
    claimInPeriod += claim;
    firsts.push({ assetId: m.assetId, kind: m.kind, at: m.at, block: m.block, annulled: m.annulled !== null, incentives, matching: matching.toString(), claim: claim.toString() });
  }
  return {
    rule,
    from,
    to,
    firsts,
    totals: {
      matching: matchingInPeriod.toString(),
      capUsedBefore: usedBefore.toString(),
      claim: claimInPeriod.toString(),
      cap: cap.toString(),
      capRemaining: (cap - used).toString(),
    },
  };
}

/** One RFC 4180 field: always quoted, quotes doubled. */
const csvField = (v: string | number): string => `"${String(v).replace(/"/g, '""')}"`;

export const CLAIM_CSV_HEADER = ["assetId", "kind", "at_utc", "block", "annulled", "level", "incentive", "currency", "evidenceHash", "notCounted", "matching", "claimForFirst"] as const;

/**
 * The milestone report with its claim as CSV (the portal's download and `drl report milestones
 * --csv`): a row per incentive of each first (a first without incentives has one row with the
 * incentive columns empty), amounts in major units, then a TOTAL row (matching before the cap,
 * the claim after it) and a CAP row (cap, drawn before the period, remaining).
 */
export function claimCsv(claim: Claim): string {
  const d = claim.rule.minorUnitDigits;
  const money = (minor: string) => formatMinorUnits(minor, d);
  const rows: (string | number)[][] = [];
  for (const f of claim.firsts) {
    const base = [f.assetId, f.kind, new Date(f.at * 1000).toISOString(), f.block, f.annulled ? "yes" : "no"];
    if (f.incentives.length === 0) rows.push([...base, "", "", "", "", "", money("0"), money(f.claim)]);
    f.incentives.forEach((i, n) => rows.push([...base, i.level, money(i.amount), i.currency, i.evidenceHash, i.notCounted ?? "", money(i.matching), n === 0 ? money(f.claim) : ""]));
  }
  rows.push(["TOTAL", "", "", "", "", "", "", claim.rule.currency, "", "", money(claim.totals.matching), money(claim.totals.claim)]);
  rows.push(["CAP", "", "", "", "", "", money(claim.totals.cap), claim.rule.currency, "", `drawn before the period ${money(claim.totals.capUsedBefore)}`, "", `remaining ${money(claim.totals.capRemaining)}`]);
  return [CLAIM_CSV_HEADER.join(","), ...rows.map((r) => r.map(csvField).join(","))].join("\n") + "\n";
}
