import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES } from "../scripts/lib/roles";
import { CNY, Field, Milestone, deployWorld, h, register, type World } from "./helpers/fixture";

const Level = { National: 0, Municipal: 1 } as const;
/** CNY 50,000.00 in fen. */
const FIFTY_K = 5_000_000n;

type FirstRecord = Awaited<ReturnType<World["ledger"]["milestones"]["milestoneOf"]>>;
/** A milestone record as the contract's struct argument (an ethers result is read-only; `at` is also Array.prototype.at). */
const recordArg = (r: FirstRecord) => ({ attester: r.attester, at: r[1], detail: r.detail, set: r.set, annulled: r.annulled, enterprise: r.enterprise, evidenceHash: r.evidenceHash });

interface Setup {
  w: World;
  /** alice's registered asset: its registration first is set. */
  id: bigint;
}

async function incentiveWorld(): Promise<Setup> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  return { w, id };
}

describe("IncentiveRegistry", () => {
  describe("constructor", () => {
    it("refuses a zero milestone registry", async () => {
      const { w } = await loadFixture(incentiveWorld);
      const f = await ethers.getContractFactory("IncentiveRegistry");
      await expect(f.deploy(await w.ledger.manager.getAddress(), ethers.ZeroAddress)).to.be.revertedWithCustomError(f, "ZeroAddress").withArgs(Field.Milestones);
    });

    it("reads the ledger's milestone registry", async () => {
      const { w } = await loadFixture(incentiveWorld);
      expect(await w.ledger.incentives.milestones()).to.equal(await w.ledger.milestones.getAddress());
    });
  });

  describe("recordIncentive", () => {
    it("lets the bureau record a national incentive for a recorded first, bound to that recording", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      const first = await w.ledger.milestones.milestoneOf(id, Milestone.Registration);
      const evidence = h("payment");
      await expect(w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, evidence))
        .to.emit(w.ledger.incentives, "IncentiveRecorded")
        .withArgs(id, Milestone.Registration, Level.National, FIFTY_K, CNY, evidence, first[1], w.bureau.address);
      const rec = await w.ledger.incentives.incentiveOf(id, Milestone.Registration, Level.National);
      expect([rec.amount, rec.currency, rec.revoked, rec.firstTag, rec.evidenceHash]).to.deep.equal([FIFTY_K, CNY, false, await w.ledger.incentives.tagOf(recordArg(first)), evidence]);
    });

    it("keeps the national and the municipal incentive of one first apart", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      await w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, h());
      await w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.Municipal, 1n, CNY, h());
      expect((await w.ledger.incentives.incentiveOf(id, Milestone.Registration, Level.National)).amount).to.equal(FIFTY_K);
      expect((await w.ledger.incentives.incentiveOf(id, Milestone.Registration, Level.Municipal)).amount).to.equal(1n);
    });

    for (const who of ["outsider", "alice", "registrar", "auditor"] as const) {
      it(`refuses ${who}: only the bureau records incentives (an enterprise cannot forge its own)`, async () => {
        const { w, id } = await loadFixture(incentiveWorld);
        await expect(w.ledger.incentives.connect(w[who]).recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, h()))
          .to.be.revertedWithCustomError(w.ledger.incentives, "AccessManagedUnauthorized")
          .withArgs(w[who].address);
      });
    }

    it("refuses an incentive for a first that was never recorded", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      await expect(w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Trade, Level.National, FIFTY_K, CNY, h()))
        .to.be.revertedWithCustomError(w.ledger.incentives, "FirstNotEarned")
        .withArgs(id, Milestone.Trade);
      await expect(w.ledger.incentives.connect(w.bureau).recordIncentive(999n, Milestone.Registration, Level.National, FIFTY_K, CNY, h()))
        .to.be.revertedWithCustomError(w.ledger.incentives, "FirstNotEarned")
        .withArgs(999n, Milestone.Registration);
    });

    it("refuses an incentive for an annulled first, and takes one for a later genuine recording of it", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      await w.ledger.milestones.connect(w.auditor).attestFinancing(id, h("loan"));
      await w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Financing, Level.National, FIFTY_K, CNY, h());
      await w.ledger.milestones.connect(w.registrar).annul(id, Milestone.Financing, h("wrong"));
      await expect(w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Financing, Level.Municipal, FIFTY_K, CNY, h()))
        .to.be.revertedWithCustomError(w.ledger.incentives, "FirstNotEarned")
        .withArgs(id, Milestone.Financing);
      // A later genuine first is another first: the old recording's incentive does not block it.
      await w.ledger.milestones.connect(w.auditor).attestFinancing(id, h("real loan"));
      const again = await w.ledger.milestones.milestoneOf(id, Milestone.Financing);
      const evidence = h("second payment");
      await expect(w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Financing, Level.National, 7n, CNY, evidence))
        .to.emit(w.ledger.incentives, "IncentiveRecorded")
        .withArgs(id, Milestone.Financing, Level.National, 7n, CNY, evidence, again[1], w.bureau.address);
    });

    it("takes the incentive of a first annulled and recorded again within one block (same time, another recording)", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      // Attest, pay, annul and attest again in one block: the two recordings share their time.
      await network.provider.send("evm_setAutomine", [false]);
      try {
        await w.ledger.milestones.connect(w.exchange).attestFinancing(id, h("prospectus"));
        await w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Financing, Level.National, FIFTY_K, CNY, h());
        await w.ledger.milestones.connect(w.registrar).annul(id, Milestone.Financing, h("wrong"));
        await w.ledger.milestones.connect(w.auditor).attestFinancing(id, h("credit agreement"));
        await network.provider.send("evm_mine", []);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      const old = await w.ledger.incentives.incentiveOf(id, Milestone.Financing, Level.National);
      expect(old.amount).to.equal(FIFTY_K);
      const again = await w.ledger.milestones.milestoneOf(id, Milestone.Financing);
      expect(old.firstTag).not.to.equal(await w.ledger.incentives.tagOf(recordArg(again)));
      await expect(w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Financing, Level.National, 7n, CNY, h())).to.emit(w.ledger.incentives, "IncentiveRecorded");
    });

    it("refuses a second live incentive at the same level for the same first (no double counting)", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      await w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, h());
      await expect(w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.National, 1n, CNY, h()))
        .to.be.revertedWithCustomError(w.ledger.incentives, "IncentiveAlreadyRecorded")
        .withArgs(id, Milestone.Registration, Level.National);
    });

    it("takes a corrected incentive once the wrong one is revoked", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      await w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, h());
      await w.ledger.incentives.connect(w.bureau).revokeIncentive(id, Milestone.Registration, Level.National, h("typo"));
      await w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.National, 4_000_000n, CNY, h());
      const rec = await w.ledger.incentives.incentiveOf(id, Milestone.Registration, Level.National);
      expect([rec.amount, rec.revoked]).to.deep.equal([4_000_000n, false]);
    });

    it("refuses bad input, naming the field", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      const c = w.ledger.incentives.connect(w.bureau);
      await expect(c.recordIncentive(id, 6, Level.National, FIFTY_K, CNY, h())).to.be.revertedWithCustomError(c, "OutOfRange").withArgs(Field.Kind, 6);
      await expect(c.recordIncentive(id, Milestone.Registration, 2, FIFTY_K, CNY, h())).to.be.revertedWithCustomError(c, "OutOfRange").withArgs(Field.Level, 2);
      await expect(c.recordIncentive(id, Milestone.Registration, Level.National, 0n, CNY, h())).to.be.revertedWithCustomError(c, "OutOfRange").withArgs(Field.Amount, 0);
      await expect(c.recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, "0x000000", h())).to.be.revertedWithCustomError(c, "ZeroHash").withArgs(Field.Currency);
      await expect(c.recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, ethers.ZeroHash)).to.be.revertedWithCustomError(c, "ZeroHash").withArgs(Field.EvidenceHash);
    });

    it("is stopped with the contract (emergency stop)", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      await w.ledger.manager.connect(w.admin).setTargetClosed(await w.ledger.incentives.getAddress(), true);
      await expect(w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, h()))
        .to.be.revertedWithCustomError(w.ledger.incentives, "AccessManagedUnauthorized")
        .withArgs(w.bureau.address);
    });
  });

  describe("revokeIncentive", () => {
    it("lets the bureau withdraw an incentive: it stays on record as revoked", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      await w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.Municipal, FIFTY_K, CNY, h());
      const reason = h("recorded in error");
      await expect(w.ledger.incentives.connect(w.bureau).revokeIncentive(id, Milestone.Registration, Level.Municipal, reason))
        .to.emit(w.ledger.incentives, "IncentiveRevoked")
        .withArgs(id, Milestone.Registration, Level.Municipal, reason, w.bureau.address);
      const rec = await w.ledger.incentives.incentiveOf(id, Milestone.Registration, Level.Municipal);
      expect([rec.amount, rec.revoked]).to.deep.equal([FIFTY_K, true]);
    });

    it("refuses an outsider and the enterprise itself", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      await w.ledger.incentives.connect(w.bureau).recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, h());
      for (const who of [w.outsider, w.alice]) {
        await expect(w.ledger.incentives.connect(who).revokeIncentive(id, Milestone.Registration, Level.National, h()))
          .to.be.revertedWithCustomError(w.ledger.incentives, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
    });

    it("refuses to revoke what was never recorded, or twice", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      const c = w.ledger.incentives.connect(w.bureau);
      await expect(c.revokeIncentive(id, Milestone.Registration, Level.National, h()))
        .to.be.revertedWithCustomError(c, "IncentiveNotRecorded")
        .withArgs(id, Milestone.Registration, Level.National);
      await c.recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, h());
      await c.revokeIncentive(id, Milestone.Registration, Level.National, h());
      await expect(c.revokeIncentive(id, Milestone.Registration, Level.National, h()))
        .to.be.revertedWithCustomError(c, "IncentiveNotRecorded")
        .withArgs(id, Milestone.Registration, Level.National);
    });

    it("refuses bad input, naming the field", async () => {
      const { w, id } = await loadFixture(incentiveWorld);
      const c = w.ledger.incentives.connect(w.bureau);
      await c.recordIncentive(id, Milestone.Registration, Level.National, FIFTY_K, CNY, h());
      await expect(c.revokeIncentive(id, 6, Level.National, h())).to.be.revertedWithCustomError(c, "OutOfRange").withArgs(Field.Kind, 6);
      await expect(c.revokeIncentive(id, Milestone.Registration, 2, h())).to.be.revertedWithCustomError(c, "OutOfRange").withArgs(Field.Level, 2);
      await expect(c.revokeIncentive(id, Milestone.Registration, Level.National, ethers.ZeroHash)).to.be.revertedWithCustomError(c, "ZeroHash").withArgs(Field.ReasonHash);
    });
  });

  it("holds the BUREAU role's two duties and nothing else", async () => {
    const { w } = await loadFixture(incentiveWorld);
    const target = await w.ledger.incentives.getAddress();
    for (const name of ["recordIncentive", "revokeIncentive"] as const) {
      const selector = w.ledger.incentives.interface.getFunction(name)?.selector ?? "";
      expect(await w.ledger.manager.getTargetFunctionRole(target, selector)).to.equal(ROLES.BUREAU);
    }
  });
});
