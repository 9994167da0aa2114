/**
 * The lists that hang off one asset or one member — lineage, licences, evidence anchors and
 * references, a member's assets and firsts — are bounded per request and say so: pages with
 * cursors, or a cap with a `truncated` flag. The store is filled directly with more entries
 * than any cap (what thousands of ledger events would leave), and read through Queries as the
 * API does.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ZeroHash } from "ethers";
import * as S from "../sdk/api/schemas";
import { Queries } from "../server/state/queries";
import { K } from "../server/store/keys";
import type { StoredAnchor, StoredAsset, StoredEvidenceRef, StoredHistoryEvent, StoredLicense, StoredMilestone } from "../server/store/records";
import { IndexStore, type Checkpoint } from "../server/store/store";

const MODULES = { compliance: "c".repeat(40), licenses: "d".repeat(40) };
const CP: Checkpoint = { number: 100, hash: `0x${"ab".repeat(32)}`, timestamp: 1_800_000_000 };
const HOLDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const where = (block: number) => ({ block, time: 1_700_000_000 + block, tx: `0x${"12".repeat(32)}`, logIndex: 0 });
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

function asset(id: number, parents: number[] = []): StoredAsset {
  return {
    id: String(id),
    registrationNumber: null,
    status: "registered",
    holder: HOLDER,
    applicant: HOLDER,
    name: `asset ${id}`,
    kind: "product",
    productForm: "dataset",
    category: "enterprise",
    rightsBits: 7,
    sourceType: "selfCollected",
    grade: "general",
    personalInfo: "none",
    registrantType: "enterprise",
    validUntil: CP.timestamp + 86_400,
    contentHash: hash(id),
    sourceEvidenceHash: hash(id + 1_000_000),
    metadataHash: hash(id + 2_000_000),
    metadataUri: "ipfs://x",
    metadataVersion: 1,
    parents: parents.map(String),
    parentLicenses: parents.map(() => "0"),
    commitment: ZeroHash,
    applied: where(1),
    publicityEnd: null,
    confirmed: null,
    refused: null,
    cancelled: null,
    objectionsOpen: false,
    disputed: false,
    objections: [],
    frozen: false,
    holds: [],
    pledged: false,
    listing: null,
    milestones: [],
    annulledMilestones: [],
    latestValuation: null,
    updated: where(1),
  };
}

function license(id: number, assetId: number): StoredLicense {
  return {
    id: String(id),
    module: MODULES.licenses,
    assetId: String(assetId),
    parentId: null,
    depth: 0,
    licensor: HOLDER,
    licensee: HOLDER,
    rightsBits: 2,
    territory: "domestic",
    start: CP.timestamp - 10,
    end: id % 2 === 0 ? CP.timestamp - 1 : CP.timestamp + 10_000,
    sublicensable: false,
    revocable: false,
    scopeHash: ZeroHash,
    termsHash: ZeroHash,
    feeAmount: "0",
    feeCurrency: "CNY",
    viaOffer: false,
    granted: where(2),
    revoked: null,
    ended: null,
    sublicenses: [],
  };
}

describe("Bounded lists of one asset or member: pages, caps and truncated flags", function () {
  let dir: string;
  let store: IndexStore;

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), "drl-lists-"));
    store = await IndexStore.open(dir);
    const put: [string, unknown][] = [[K.checkpoint, CP]];
    // Asset 1 has 2,600 children (ids 10..2609); asset 2 one parent (1) and no children.
    put.push([K.asset("1"), asset(1)], [K.asset("2"), asset(2, [1])], [K.child("1", "2"), 1]);
    for (let c = 10; c < 2_610; c++) put.push([K.asset(String(c)), asset(c, [1])], [K.child("1", String(c)), 1]);
    // 7 licences of asset 2 (odd ids in force, even ones lapsed).
    for (let l = 1; l <= 7; l++) put.push([K.license(MODULES.licenses, String(l)), license(l, 2)], [K.assetLicense(MODULES.licenses, "2", String(l)), 1]);
    // A hash cited 250 times and anchored by 205 parties; another cited 3 times.
    const many = hash(77);
    for (let i = 0; i < 250; i++) {
      const ref: StoredEvidenceRef = { ...where(10 + i), event: "MilestoneRecorded", assetId: "1", field: "evidenceHash" };
      put.push([K.evidenceRef(many, 10 + i, 0, "evidenceHash"), ref]);
    }
    for (let i = 0; i < 205; i++) {
      const anchorer = `0x${(i + 1).toString(16).padStart(40, "0")}`;
      const a: StoredAnchor = { root: many, anchorer, itemCount: 1, manifestHash: ZeroHash, anchored: where(5), revoked: null };
      put.push([K.evidenceAnchor(many, anchorer), a]);
    }
    for (let i = 0; i < 3; i++) put.push([K.evidenceRef(hash(78), 10 + i, 0, "evidenceHash"), { ...where(10 + i), event: "MilestoneRecorded", assetId: "1", field: "evidenceHash" }]);
    // The holder holds assets 1, 2 and 10..2609; 5 firsts recorded.
    for (const id of ["1", "2"]) put.push([K.index("holder", HOLDER.toLowerCase(), id), 1]);
    for (let m = 0; m < 5; m++) {
      const ms: StoredMilestone = { ...where(20 + m), assetId: "1", kind: "registration", enterprise: HOLDER, attester: HOLDER, at: 1_700_000_000 + m, evidenceHash: null, detail: 0, annulled: null };
      put.push([K.milestone(HOLDER, ms.at, "1", 0, ms.block, 0), ms]);
    }
    for (let e = 0; e < 5; e++) {
      const ev: StoredHistoryEvent = { ...where(30 + e), contract: "registry", event: "MetadataChanged", actor: HOLDER, summary: `change ${e}`, args: {} };
      put.push([K.history("1", ev.block, 0), ev]);
    }
    await store.db.batch(put.map(([key, v]) => ({ type: "put" as const, key, value: JSON.stringify(v) })));
  });

  after(async function () {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function over<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    const reader = store.reader();
    try {
      return await fn(new Queries(reader, CP, MODULES));
    } finally {
      await reader.close();
    }
  }

  it("caps a lineage with thousands of descendants at 500 nodes and says it is truncated", async function () {
    const l = S.Lineage.parse(await over((q) => q.lineage("1")));
    expect(l.truncated).to.equal(true);
    expect(l.nodes.length).to.equal(500);
    expect(new Set(l.nodes.map((n) => n.id)).size).to.equal(500);
    for (const e of l.edges) expect(e.parent).to.equal("1");
    const small = S.Lineage.parse(await over((q) => q.lineage("2")));
    expect(small.truncated).to.equal(false);
    expect(small.nodes.map((n) => [n.id, n.depth])).to.deep.equal([
      ["2", 0],
      ["1", -1],
    ]);
  });

  it("pages an asset's licences in id order with cursors, truncated until the last page", async function () {
    const whole = S.AssetLicenses.parse(await over((q) => q.assetLicenses("2", 200, undefined)));
    expect(whole.truncated).to.equal(false);
    expect(whole.cursor).to.equal(null);
    expect(whole.active.map((l) => l.id)).to.deep.equal(["1", "3", "5", "7"]);
    expect(whole.ended.map((l) => l.id)).to.deep.equal(["2", "4", "6"]);
    const seen: string[] = [];
    const flags: boolean[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = S.AssetLicenses.parse(await over((q) => q.assetLicenses("2", 3, cursor)));
      seen.push(...[...page.active, ...page.ended].map((l) => l.id).sort((a, b) => Number(a) - Number(b)));
      flags.push(page.truncated);
      expect(page.truncated).to.equal(page.cursor !== null);
      if (!page.cursor) break;
      cursor = page.cursor;
    }
    expect(seen).to.deep.equal(["1", "2", "3", "4", "5", "6", "7"]);
    expect(flags).to.deep.equal([true, true, false]);
  });

  it("caps a hash's anchors and citing events at 200 each and flags each cut", async function () {
    const e = S.Evidence.parse(await over((q) => q.evidence(hash(77), {})));
    expect(e.anchors.length).to.equal(200);
    expect(e.anchorsTruncated).to.equal(true);
    expect(e.references.length).to.equal(200);
    expect(e.referencesTruncated).to.equal(true);
    expect(e.references.map((r) => r.block)).to.deep.equal(Array.from({ length: 200 }, (_, i) => 10 + i), "the oldest 200");
    expect(e.anchored).to.equal(true);
    const few = S.Evidence.parse(await over((q) => q.evidence(hash(78), {})));
    expect(few.references.length).to.equal(3);
    expect(few).to.include({ anchorsTruncated: false, referencesTruncated: false });
  });

  it("gives a member's assets and firsts as pages with cursor, never partial", async function () {
    const first = S.MemberAssets.parse({ address: HOLDER, ...(await over((q) => q.memberAssets(HOLDER, 1, undefined))) });
    expect(first.items.map((a) => a.id)).to.deep.equal(["1"]);
    expect(first.partial).to.equal(false);
    expect(first.cursor).to.be.a("string").and.to.equal(first.nextCursor);
    const second = await over((q) => q.memberAssets(HOLDER, 1, first.cursor ?? undefined));
    expect(second.items.map((a) => a.id)).to.deep.equal(["2"]);
    expect(second.cursor).to.equal(null);

    const ms: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = S.MemberMilestones.parse(await over((q) => q.milestones(HOLDER, undefined, undefined, 2, cursor)));
      expect(page.partial).to.equal(false);
      expect(page.cursor).to.equal(page.nextCursor);
      ms.push(...page.items.map((m) => String(m.at)));
      if (!page.cursor) break;
      cursor = page.cursor;
    }
    expect(ms).to.deep.equal(Array.from({ length: 5 }, (_, m) => String(1_700_000_000 + m)));
  });

  it("pages an asset's history with cursor (= nextCursor), never partial", async function () {
    const summaries: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = S.History.parse(JSON.parse(await over((q) => q.historyJson("1", 2, cursor))));
      expect(page.partial).to.equal(false);
      expect(page.cursor).to.equal(page.nextCursor);
      summaries.push(...page.items.map((e) => e.summary));
      if (!page.cursor) break;
      cursor = page.cursor;
    }
    expect(summaries).to.deep.equal(["change 0", "change 1", "change 2", "change 3", "change 4"]);
  });
});
