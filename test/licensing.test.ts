import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  CNY,
  DAY,
  YEAR,
  Grade,
  Rights,
  Territory,
  deployWorld,
  h,
  licenseTerms,
  register,
  submit,
  type LicenseTerms,
  type World,
  OFFER_TYPES,
} from "./helpers/fixture";

type Terms = LicenseTerms;

interface Offer {
  assetId: bigint;
  terms: Terms;
  nonce: bigint;
  deadline: number;
}

const FLAG_CROSS_BORDER = 1n;
const FLAG_SUBLICENSABLE = 2n;
const FLAG_REVOKED = 4n;
const ZERO_HASH = ethers.ZeroHash;


/** Processing-use, domestic, now .. now + 30 days, unless overridden. */
const terms = licenseTerms;

/** The LicenseGranted event's Terms struct, in ABI order. */
function tuple(t: Terms): unknown[] {
  return [t.licensee, t.rights, t.territory, t.start, t.end, t.sublicensable, t.scopeHash, t.termsHash, t.feeAmount, t.feeCurrency];
}

/** First 20 bytes of keccak256(abi.encode(scopeHash, termsHash, feeAmount, feeCurrency)). */
function termsDigest(t: Terms): string {
  const full = ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "bytes32", "uint96", "bytes3"],
      [t.scopeHash, t.termsHash, t.feeAmount, t.feeCurrency],
    ),
  );
  return ethers.dataSlice(full, 0, 20);
}

/** Arguments of verifyTerms for `t`. */
function verifyArgs(t: Terms): [string, string, bigint, string] {
  return [t.scopeHash, t.termsHash, t.feeAmount, t.feeCurrency];
}

interface Fx extends World {
  id: bigint;
}

async function assetFixture(): Promise<Fx> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  return { ...w, id };
}

/** Grants a licence from the holder and returns its id. */
async function grantFrom(w: Fx, holder: HardhatEthersSigner, t: Terms, assetId: bigint = w.id): Promise<bigint> {
  const licenseId = await w.ledger.licenses.nextLicenseId();
  await w.ledger.licenses.connect(holder).grant(assetId, t);
  return licenseId;
}

/** Sublicenses from `parentId` as `licensor` and returns the new id. */
async function subFrom(w: Fx, licensor: HardhatEthersSigner, parentId: bigint, t: Terms): Promise<bigint> {
  const licenseId = await w.ledger.licenses.nextLicenseId();
  await w.ledger.licenses.connect(licensor).sublicense(parentId, t);
  return licenseId;
}

/** Terms for a sublicence that sits exactly within `parent`'s term. */
async function subTerms(licensee: string, parent: Terms, overrides: Partial<Terms> = {}): Promise<Terms> {
  return terms(licensee, { start: parent.start, end: parent.end, ...overrides });
}

async function domain(w: Fx, overrides: { chainId?: bigint; verifyingContract?: string } = {}) {
  const { chainId } = await ethers.provider.getNetwork();
  return {
    name: "DRL LicenseRegistry",
    version: "1",
    chainId: overrides.chainId ?? chainId,
    verifyingContract: overrides.verifyingContract ?? (await w.ledger.licenses.getAddress()),
  };
}

async function sign(w: Fx, signer: HardhatEthersSigner, offer: Offer, overrides: { chainId?: bigint; verifyingContract?: string } = {}) {
  return signer.signTypedData(await domain(w, overrides), OFFER_TYPES, offer);
}

async function offerFor(w: Fx, licensee: string, nonce: bigint, overrides: Partial<Terms> = {}): Promise<Offer> {
  return { assetId: w.id, terms: await terms(licensee, overrides), nonce, deadline: (await time.latest()) + DAY };
}

async function clearCrossBorder(w: Fx, assetId: bigint = w.id): Promise<void> {
  await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(assetId, h("route"), 0, (await time.latest()) + YEAR);
}

describe("LicenseRegistry", () => {
  describe("deployment", () => {
    it("refuses a zero registry address", async () => {
      const w = await loadFixture(assetFixture);
      const factory = await ethers.getContractFactory("LicenseRegistry");
      await expect(factory.deploy(await w.ledger.manager.getAddress(), ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, "ZeroAddress")
        .withArgs("registry");
    });

    it("exposes the registry, MAX_DEPTH and the EIP-712 type hashes", async () => {
      const w = await loadFixture(assetFixture);
      const l = w.ledger.licenses;
      expect(await l.registry()).to.equal(await w.ledger.registry.getAddress());
      expect(await l.MAX_DEPTH()).to.equal(3n);
      const enc = ethers.TypedDataEncoder.from(OFFER_TYPES);
      expect(await l.TERMS_TYPEHASH()).to.equal(ethers.id(enc.encodeType("Terms")));
      expect(await l.OFFER_TYPEHASH()).to.equal(ethers.id(enc.encodeType("Offer")));
      expect(await l.nextLicenseId()).to.equal(1n);
    });
  });

  describe("grant", () => {
    it("lets the holder grant a licence and stores it", async () => {
      const w = await loadFixture(assetFixture);
      const t = await terms(w.bob.address, { feeAmount: 250_000n });
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.bob.address, w.alice.address, 0n, tuple(t), false);

      const l = await w.ledger.licenses.licenseOf(1n);
      expect(l.licensee).to.equal(w.bob.address);
      expect(l.rights).to.equal(BigInt(Rights.PROCESSING));
      expect(l.flags).to.equal(0n);
      expect(l.start).to.equal(BigInt(t.start));
      expect(l.end).to.equal(BigInt(t.end));
      expect(l.assetId).to.equal(w.id);
      expect(l.parentId).to.equal(0n);
      expect(l.termsDigest).to.equal(termsDigest(t));
      expect(await w.ledger.licenses.nextLicenseId()).to.equal(2n);
      expect(await w.ledger.licenses.isInForce(1n)).to.equal(true);
      expect(await w.ledger.licenses.grantsRights(1n, w.id, w.bob.address, Rights.PROCESSING)).to.equal(true);
      expect(await w.ledger.licenses.verifyTerms(1n, ...verifyArgs(t))).to.equal(true);
      expect(await w.ledger.licenses.termsDigestOf(...verifyArgs(t))).to.equal(termsDigest(t));
    });

    it("stores the sublicensable flag and both licensable rights", async () => {
      const w = await loadFixture(assetFixture);
      const t = await terms(w.bob.address, { rights: Rights.PROCESSING | Rights.OPERATION, sublicensable: true });
      const id = await grantFrom(w, w.alice, t);
      const l = await w.ledger.licenses.licenseOf(id);
      expect(l.flags).to.equal(FLAG_SUBLICENSABLE);
      expect(l.rights).to.equal(6n);
      expect(await w.ledger.licenses.grantsRights(id, w.id, w.bob.address, Rights.OPERATION)).to.equal(true);
      expect(await w.ledger.licenses.grantsRights(id, w.id, w.bob.address, Rights.PROCESSING | Rights.OPERATION)).to.equal(true);
    });

    it("refuses a caller that is not the holder (registry's NotHolder)", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.connect(w.bob).grant(w.id, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotHolder")
        .withArgs(w.id, w.bob.address);
    });

    it("refuses a licensee that is not a member", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.outsider.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.outsider.address);
    });

    it("refuses a suspended holder", async () => {
      const w = await loadFixture(assetFixture);
      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.alice.address);
    });

    it("refuses a zero licensee", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(ethers.ZeroAddress)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroAddress")
        .withArgs("licensee");
    });

    for (const rights of [0, Rights.HOLDING, Rights.ALL, 8]) {
      it(`refuses rights ${rights} outside PROCESSING|OPERATION`, async () => {
        const w = await loadFixture(assetFixture);
        await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address, { rights })))
          .to.be.revertedWithCustomError(w.ledger.licenses, "OutOfRange")
          .withArgs("rights", rights);
      });
    }

    it("refuses a territory outside the enum", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address, { territory: 2 })))
        .to.be.revertedWithCustomError(w.ledger.licenses, "OutOfRange")
        .withArgs("territory", 2);
    });

    it("refuses rights the asset does not claim", async () => {
      const w = await loadFixture(assetFixture);
      const id = await register(w, w.alice, { rights: Rights.HOLDING | Rights.PROCESSING });
      const t = await terms(w.bob.address, { rights: Rights.OPERATION });
      await expect(grantFrom(w, w.alice, t, id))
        .to.be.revertedWithCustomError(w.ledger.licenses, "RightsNotHeld")
        .withArgs(Rights.OPERATION, Rights.PROCESSING);
      // The right it does claim can be licensed.
      const ok = await grantFrom(w, w.alice, await terms(w.bob.address), id);
      expect(await w.ledger.licenses.grantsRights(ok, id, w.bob.address, Rights.PROCESSING)).to.equal(true);
    });

    it("refuses a term beyond the asset's validity", async () => {
      const w = await loadFixture(assetFixture);
      const [, , , , validUntil] = await w.ledger.registry.recordOf(w.id);
      const t = await terms(w.bob.address, { end: Number(validUntil) + 1 });
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.be.revertedWithCustomError(w.ledger.licenses, "TermExceedsLicensor")
        .withArgs(t.start, t.end, 0, validUntil);
      // Up to the validity date itself is fine.
      const id = await grantFrom(w, w.alice, await terms(w.bob.address, { end: Number(validUntil) }));
      expect((await w.ledger.licenses.licenseOf(id)).end).to.equal(validUntil);
    });

    it("refuses an end not after the start", async () => {
      const w = await loadFixture(assetFixture);
      const now = await time.latest();
      for (const [start, end] of [
        [now + 10 * DAY, now + 5 * DAY],
        [now + 10 * DAY, now + 10 * DAY],
      ] as const) {
        await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address, { start, end })))
          .to.be.revertedWithCustomError(w.ledger.licenses, "EndBeforeStart")
          .withArgs(start, end);
      }
    });

    it("refuses an end in the past", async () => {
      const w = await loadFixture(assetFixture);
      const now = await time.latest();
      const t = await terms(w.bob.address, { start: now - 10 * DAY, end: now - 1 });
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.be.revertedWithCustomError(w.ledger.licenses, "InPast")
        .withArgs("end", t.end, anyValue);
    });

    for (const field of ["scopeHash", "termsHash"] as const) {
      it(`refuses a zero ${field}`, async () => {
        const w = await loadFixture(assetFixture);
        await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address, { [field]: ZERO_HASH })))
          .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
          .withArgs(field);
      });
    }

    it("refuses a zero fee currency", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address, { feeCurrency: "0x000000" })))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs("feeCurrency");
    });

    it("refuses an asset that is not registered yet", async () => {
      const w = await loadFixture(assetFixture);
      const id = await submit(w, w.alice);
      await expect(grantFrom(w, w.alice, await terms(w.bob.address), id))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetNotRegistered")
        .withArgs(id);
    });

    it("refuses a frozen asset", async () => {
      const w = await loadFixture(assetFixture);
      await w.ledger.disputes.connect(w.court).freeze(w.id, h());
      await expect(grantFrom(w, w.alice, await terms(w.bob.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(w.id);
    });

    it("refuses a disputed asset", async () => {
      const w = await loadFixture(assetFixture);
      await w.ledger.disputes.connect(w.bob).object(w.id, h());
      await expect(grantFrom(w, w.alice, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed")
        .withArgs(w.id);
    });

    it("refuses an expired asset", async () => {
      const w = await loadFixture(assetFixture);
      const [, , , , validUntil] = await w.ledger.registry.recordOf(w.id);
      await time.increaseTo(validUntil + 1n);
      await expect(grantFrom(w, w.alice, await terms(w.bob.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetExpired")
        .withArgs(w.id, validUntil);
    });

    it("refuses a cancelled asset", async () => {
      const w = await loadFixture(assetFixture);
      await w.ledger.registry.connect(w.alice).cancel(w.id, h());
      await expect(grantFrom(w, w.alice, await terms(w.bob.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetCancelled")
        .withArgs(w.id);
    });

    it("refuses core data", async () => {
      const w = await loadFixture(assetFixture);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.Core, h());
      await expect(grantFrom(w, w.alice, await terms(w.bob.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "CoreDataRestricted")
        .withArgs(w.id);
    });

    it("allows licensing a pledged asset", async () => {
      const w = await loadFixture(assetFixture);
      const p = w.ledger.pledges;
      const due = (await time.latest()) + YEAR;
      const pledgeId = await p.connect(w.alice).propose.staticCall(w.id, w.carol.address, 1_000_000n, CNY, due, h());
      await p.connect(w.alice).propose(w.id, w.carol.address, 1_000_000n, CNY, due, h());
      await p.connect(w.carol).accept(pledgeId);
      const [, , , , , , , pledged] = await w.ledger.registry.recordOf(w.id);
      expect(pledged).to.equal(true);

      const t = await terms(w.bob.address);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.bob.address, w.alice.address, 0n, tuple(t), false);
      expect(await w.ledger.licenses.isInForce(1n)).to.equal(true);
    });

    it("requires cross-border clearance for a cross-border licence", async () => {
      const w = await loadFixture(assetFixture);
      const t = await terms(w.bob.address, { territory: Territory.CrossBorder });
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(w.id, w.bob.address);

      await clearCrossBorder(w);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.bob.address, w.alice.address, 0n, tuple(t), false);
      expect((await w.ledger.licenses.licenseOf(1n)).flags).to.equal(FLAG_CROSS_BORDER);
    });

    it("requires clearance for a foreign licensee even with a domestic territory", async () => {
      const w = await loadFixture(assetFixture);
      const t = await terms(w.dave.address, { territory: Territory.Domestic });
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(w.id, w.dave.address);

      await clearCrossBorder(w);
      const id = await grantFrom(w, w.alice, t);
      expect(await w.ledger.licenses.grantsRights(id, w.id, w.dave.address, Rights.PROCESSING)).to.equal(true);
    });
  });

  describe("sublicense", () => {
    async function withRoot(w: Fx, overrides: Partial<Terms> = {}): Promise<{ rootId: bigint; root: Terms }> {
      const root = await terms(w.bob.address, { rights: Rights.PROCESSING | Rights.OPERATION, sublicensable: true, ...overrides });
      const rootId = await grantFrom(w, w.alice, root);
      return { rootId, root };
    }

    it("lets a sublicensable licensee sublicense within its licence", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, root } = await withRoot(w);
      const t = await terms(w.carol.address, { start: root.start, end: root.end - DAY });
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, t))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(2n, w.id, w.carol.address, w.bob.address, rootId, tuple(t), false);

      const l = await w.ledger.licenses.licenseOf(2n);
      expect(l.licensee).to.equal(w.carol.address);
      expect(l.parentId).to.equal(rootId);
      expect(l.assetId).to.equal(w.id);
      expect(l.flags).to.equal(1n << 4n); // depth 1, not sublicensable
      expect(l.termsDigest).to.equal(termsDigest(t));
      expect(await w.ledger.licenses.isInForce(2n)).to.equal(true);
      expect(await w.ledger.licenses.grantsRights(2n, w.id, w.carol.address, Rights.PROCESSING)).to.equal(true);
    });

    it("refuses a caller that is not the parent's licensee", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId } = await withRoot(w);
      for (const who of [w.carol, w.alice]) {
        await expect(w.ledger.licenses.connect(who).sublicense(rootId, await terms(w.carol.address)))
          .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensee")
          .withArgs(rootId, who.address);
      }
      await expect(w.ledger.licenses.connect(w.bob).sublicense(99n, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensee")
        .withArgs(99n, w.bob.address);
    });

    it("refuses a parent that is not sublicensable", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId } = await withRoot(w, { sublicensable: false });
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotSublicensable")
        .withArgs(rootId);
    });

    it("refuses a revoked parent", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId } = await withRoot(w);
      await w.ledger.licenses.connect(w.alice).revoke(rootId, h());
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "LicenseNotInForce")
        .withArgs(rootId);
    });

    it("refuses a parent whose term has not begun or has ended", async () => {
      const w = await loadFixture(assetFixture);
      const now = await time.latest();
      const { rootId, root } = await withRoot(w, { start: now + 10 * DAY, end: now + 20 * DAY });
      const t = await terms(w.carol.address, { start: root.start, end: root.end });
      expect(await w.ledger.licenses.isInForce(rootId)).to.equal(false);
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, t))
        .to.be.revertedWithCustomError(w.ledger.licenses, "LicenseNotInForce")
        .withArgs(rootId);

      await time.increaseTo(root.start);
      expect(await w.ledger.licenses.isInForce(rootId)).to.equal(true);
      const subId = await subFrom(w, w.bob, rootId, t);
      expect(await w.ledger.licenses.isInForce(subId)).to.equal(true);

      await time.increaseTo(root.end + 1);
      expect(await w.ledger.licenses.isInForce(rootId)).to.equal(false);
      expect(await w.ledger.licenses.isInForce(subId)).to.equal(false);
      const later = await time.latest();
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await terms(w.carol.address, { end: later + DAY })))
        .to.be.revertedWithCustomError(w.ledger.licenses, "LicenseNotInForce")
        .withArgs(rootId);
    });

    it("refuses rights the parent does not grant", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId } = await withRoot(w, { rights: Rights.PROCESSING });
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await terms(w.carol.address, { rights: Rights.OPERATION })))
        .to.be.revertedWithCustomError(w.ledger.licenses, "RightsNotHeld")
        .withArgs(Rights.OPERATION, Rights.PROCESSING);
    });

    it("refuses a term outside the parent's term", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, root } = await withRoot(w);
      const late = await terms(w.carol.address, { start: root.start, end: root.end + 1 });
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, late))
        .to.be.revertedWithCustomError(w.ledger.licenses, "TermExceedsLicensor")
        .withArgs(late.start, late.end, root.start, root.end);
      const early = await terms(w.carol.address, { start: root.start - 1, end: root.end });
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, early))
        .to.be.revertedWithCustomError(w.ledger.licenses, "TermExceedsLicensor")
        .withArgs(early.start, early.end, root.start, root.end);
    });

    it("refuses a cross-border sublicence under a domestic parent, allows it under a cross-border one", async () => {
      const w = await loadFixture(assetFixture);
      await clearCrossBorder(w);
      const { rootId: domesticId, root: domestic } = await withRoot(w);
      const t = await subTerms(w.carol.address, domestic, { territory: Territory.CrossBorder });
      await expect(w.ledger.licenses.connect(w.bob).sublicense(domesticId, t)).to.be.revertedWithCustomError(
        w.ledger.licenses,
        "TerritoryExceedsLicensor",
      );

      const { rootId: cbId, root: cb } = await withRoot(w, { territory: Territory.CrossBorder });
      const t2 = await subTerms(w.carol.address, cb, { territory: Territory.CrossBorder });
      await expect(w.ledger.licenses.connect(w.bob).sublicense(cbId, t2))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(3n, w.id, w.carol.address, w.bob.address, cbId, tuple(t2), false);
      expect((await w.ledger.licenses.licenseOf(3n)).flags).to.equal((1n << 4n) | FLAG_CROSS_BORDER);
    });

    it("applies the registry's rules to the sublicensee and the asset", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId } = await withRoot(w);
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await terms(w.outsider.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await terms(w.dave.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(w.id, w.dave.address);
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await terms(ethers.ZeroAddress)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroAddress")
        .withArgs("licensee");
      await w.ledger.disputes.connect(w.court).freeze(w.id, h());
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(w.id);
    });

    it("allows chains of MAX_DEPTH sublicences and refuses a deeper one", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, root } = await withRoot(w);
      const chain = [rootId];
      const holders = [w.bob, w.carol, w.alice, w.bob];
      for (let depth = 1; depth <= 3; depth += 1) {
        const parentId = chain[depth - 1]!;
        const licensor = holders[depth - 1]!;
        const next = holders[depth]!;
        const id = await subFrom(w, licensor, parentId, await subTerms(next.address, root, { sublicensable: true }));
        expect((await w.ledger.licenses.licenseOf(id)).flags).to.equal((BigInt(depth) << 4n) | FLAG_SUBLICENSABLE);
        chain.push(id);
      }
      const deepest = chain[3]!;
      expect(await w.ledger.licenses.isInForce(deepest)).to.equal(true);
      await expect(w.ledger.licenses.connect(w.bob).sublicense(deepest, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "DepthExceeded")
        .withArgs(4);
    });

    it("takes children out of force when a parent is revoked", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, root } = await withRoot(w);
      const childId = await subFrom(w, w.bob, rootId, await subTerms(w.carol.address, root, { sublicensable: true }));
      const grandId = await subFrom(w, w.carol, childId, await subTerms(w.alice.address, root));
      expect(await w.ledger.licenses.isInForce(grandId)).to.equal(true);

      await w.ledger.licenses.connect(w.alice).revoke(rootId, h());
      for (const id of [rootId, childId, grandId]) expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
      expect(await w.ledger.licenses.grantsRights(grandId, w.id, w.alice.address, Rights.PROCESSING)).to.equal(false);
      // The children's own records are not marked revoked.
      expect((await w.ledger.licenses.licenseOf(childId)).flags & FLAG_REVOKED).to.equal(0n);
    });

    it("takes every licence out of force when the asset is cancelled", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, root } = await withRoot(w);
      const childId = await subFrom(w, w.bob, rootId, await subTerms(w.carol.address, root));
      const otherId = await grantFrom(w, w.alice, await terms(w.carol.address));
      await w.ledger.registry.connect(w.alice).cancel(w.id, h());
      for (const id of [rootId, childId, otherId]) expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await subTerms(w.carol.address, root)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "LicenseNotInForce")
        .withArgs(rootId);
    });
  });

  describe("revoke", () => {
    it("lets the holder revoke a licence it granted", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      const reason = h("reason");
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, reason))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(id, w.id, w.alice.address, reason, false);
      expect((await w.ledger.licenses.licenseOf(id)).flags & FLAG_REVOKED).to.equal(FLAG_REVOKED);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
      expect(await w.ledger.licenses.grantsRights(id, w.id, w.bob.address, Rights.PROCESSING)).to.equal(false);
    });

    it("gives the right to revoke to the new holder after a transfer", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.carol.address));
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, w.id);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(true);
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
        .withArgs(id, w.alice.address);
      const reason = h();
      await expect(w.ledger.licenses.connect(w.bob).revoke(id, reason))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(id, w.id, w.bob.address, reason, false);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
    });

    it("lets the parent licensee (only) revoke a sublicence", async () => {
      const w = await loadFixture(assetFixture);
      const root = await terms(w.bob.address, { sublicensable: true });
      const rootId = await grantFrom(w, w.alice, root);
      const subId = await subFrom(w, w.bob, rootId, await subTerms(w.carol.address, root));
      for (const who of [w.alice, w.carol]) {
        await expect(w.ledger.licenses.connect(who).revoke(subId, h()))
          .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
          .withArgs(subId, who.address);
      }
      const reason = h();
      await expect(w.ledger.licenses.connect(w.bob).revoke(subId, reason))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(subId, w.id, w.bob.address, reason, false);
      expect(await w.ledger.licenses.isInForce(subId)).to.equal(false);
      expect(await w.ledger.licenses.isInForce(rootId)).to.equal(true);
    });

    it("refuses outsiders, the licensee itself, twice, a zero reason and unknown ids", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      for (const who of [w.outsider, w.bob]) {
        await expect(w.ledger.licenses.connect(who).revoke(id, h()))
          .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
          .withArgs(id, who.address);
      }
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, ZERO_HASH))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs("reasonHash");
      await expect(w.ledger.licenses.connect(w.alice).revoke(99n, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "UnknownId")
        .withArgs("licenseId", 99n);
      await w.ledger.licenses.connect(w.alice).revoke(id, h());
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyRevoked")
        .withArgs(id);
    });

    it("lets a court revoke any licence", async () => {
      const w = await loadFixture(assetFixture);
      const root = await terms(w.bob.address, { sublicensable: true });
      const rootId = await grantFrom(w, w.alice, root);
      const subId = await subFrom(w, w.bob, rootId, await subTerms(w.carol.address, root));
      const caseHash = h("case");
      await expect(w.ledger.licenses.connect(w.court).courtRevoke(subId, caseHash))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(subId, w.id, w.court.address, caseHash, true);
      expect(await w.ledger.licenses.isInForce(subId)).to.equal(false);
      expect(await w.ledger.licenses.isInForce(rootId)).to.equal(true);

      await expect(w.ledger.licenses.connect(w.court).courtRevoke(subId, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyRevoked")
        .withArgs(subId);
      await expect(w.ledger.licenses.connect(w.court).courtRevoke(rootId, ZERO_HASH))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs("reasonHash");
      await expect(w.ledger.licenses.connect(w.court).courtRevoke(42n, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "UnknownId")
        .withArgs("licenseId", 42n);
    });

    it("refuses courtRevoke from anyone without the court role", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      for (const who of [w.outsider, w.alice, w.regulator]) {
        await expect(w.ledger.licenses.connect(who).courtRevoke(id, h()))
          .to.be.revertedWithCustomError(w.ledger.licenses, "MissingRole")
          .withArgs(who.address, 6n);
      }
      expect(await w.ledger.licenses.isInForce(id)).to.equal(true);
    });
  });

  describe("EIP-712 offers", () => {
    it("computes the digest the holder signs", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 7n, { sublicensable: true, rights: 6 });
      const expected = ethers.TypedDataEncoder.hash(await domain(w), OFFER_TYPES, offer);
      expect(await w.ledger.licenses.offerDigest(offer)).to.equal(expected);
      const sig = await sign(w, w.alice, offer);
      expect(ethers.recoverAddress(expected, sig)).to.equal(w.alice.address);
    });

    it("lets the offeree accept a signed offer once", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      const sig = await sign(w, w.alice, offer);
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(false);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.bob.address, w.alice.address, 0n, tuple(offer.terms), true);
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(true);
      expect(await w.ledger.licenses.grantsRights(1n, w.id, w.bob.address, Rights.PROCESSING)).to.equal(true);
      expect(await w.ledger.licenses.verifyTerms(1n, ...verifyArgs(offer.terms))).to.equal(true);

      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NonceUsed")
        .withArgs(w.alice.address, 1n);
      expect(await w.ledger.licenses.nextLicenseId()).to.equal(2n);
    });

    it("refuses an expired offer", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      offer.deadline = (await time.latest()) + 60;
      const sig = await sign(w, w.alice, offer);
      await time.increase(3600);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.be.revertedWithCustomError(w.ledger.licenses, "OfferExpired")
        .withArgs(offer.deadline);
    });

    it("refuses a signature for another chain or another contract", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      const { chainId } = await ethers.provider.getNetwork();
      const otherChain = await sign(w, w.alice, offer, { chainId: chainId + 1n });
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, otherChain)).to.be.revertedWithCustomError(
        w.ledger.licenses,
        "InvalidSignature",
      );
      const otherContract = await sign(w, w.alice, offer, { verifyingContract: await w.ledger.registry.getAddress() });
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, otherContract)).to.be.revertedWithCustomError(
        w.ledger.licenses,
        "InvalidSignature",
      );
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(false);
    });

    it("refuses an offer not signed by the holder, and malformed signatures", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      const byBob = await sign(w, w.bob, offer);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, byBob)).to.be.revertedWithCustomError(
        w.ledger.licenses,
        "InvalidSignature",
      );
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, "0x1234")).to.be.revertedWithCustomError(
        w.ledger.licenses,
        "InvalidSignature",
      );
    });

    it("refuses the former holder's offer after a transfer", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.carol.address, 1n);
      const sig = await sign(w, w.alice, offer);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, w.id);
      await expect(w.ledger.licenses.connect(w.carol).acceptOffer(offer, sig)).to.be.revertedWithCustomError(
        w.ledger.licenses,
        "InvalidSignature",
      );
      // The new holder's signature on the same offer works.
      const bobSig = await sign(w, w.bob, offer);
      await expect(w.ledger.licenses.connect(w.carol).acceptOffer(offer, bobSig))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.carol.address, w.bob.address, 0n, tuple(offer.terms), true);
    });

    it("refuses a caller other than the offeree", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      const sig = await sign(w, w.alice, offer);
      for (const who of [w.carol, w.alice]) {
        await expect(w.ledger.licenses.connect(who).acceptOffer(offer, sig))
          .to.be.revertedWithCustomError(w.ledger.licenses, "NotOfferee")
          .withArgs(w.bob.address, who.address);
      }
    });

    it("refuses tampered terms", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      const sig = await sign(w, w.alice, offer);
      const tampered: Offer[] = [
        { ...offer, terms: { ...offer.terms, feeAmount: 1n } },
        { ...offer, terms: { ...offer.terms, rights: Rights.PROCESSING | Rights.OPERATION } },
        { ...offer, terms: { ...offer.terms, sublicensable: true } },
        { ...offer, terms: { ...offer.terms, end: offer.terms.end + DAY } },
        { ...offer, nonce: 2n },
        { ...offer, deadline: offer.deadline + 1 },
      ];
      for (const t of tampered) {
        await expect(w.ledger.licenses.connect(w.bob).acceptOffer(t, sig)).to.be.revertedWithCustomError(
          w.ledger.licenses,
          "InvalidSignature",
        );
      }
    });

    it("cancelOfferNonce burns the nonce once", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 5n);
      const sig = await sign(w, w.alice, offer);
      await expect(w.ledger.licenses.connect(w.alice).cancelOfferNonce(5n))
        .to.emit(w.ledger.licenses, "OfferNonceCancelled")
        .withArgs(w.alice.address, 5n);
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 5n)).to.equal(true);
      expect(await w.ledger.licenses.nonceUsed(w.bob.address, 5n)).to.equal(false);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NonceUsed")
        .withArgs(w.alice.address, 5n);
      await expect(w.ledger.licenses.connect(w.alice).cancelOfferNonce(5n))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NonceUsed")
        .withArgs(w.alice.address, 5n);
    });

    it("accepts offers with different nonces in any order", async () => {
      const w = await loadFixture(assetFixture);
      const first = await offerFor(w, w.bob.address, 1n);
      const second = await offerFor(w, w.carol.address, 2n, { rights: Rights.OPERATION });
      const sig1 = await sign(w, w.alice, first);
      const sig2 = await sign(w, w.alice, second);
      await expect(w.ledger.licenses.connect(w.carol).acceptOffer(second, sig2))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.carol.address, w.alice.address, 0n, tuple(second.terms), true);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(first, sig1))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(2n, w.id, w.bob.address, w.alice.address, 0n, tuple(first.terms), true);
      expect(await w.ledger.licenses.grantsRights(1n, w.id, w.carol.address, Rights.OPERATION)).to.equal(true);
      expect(await w.ledger.licenses.grantsRights(2n, w.id, w.bob.address, Rights.PROCESSING)).to.equal(true);
    });

    it("applies the licence rules to an accepted offer", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      const sig = await sign(w, w.alice, offer);
      await w.ledger.disputes.connect(w.court).freeze(w.id, h());
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(w.id);
      const bad = await offerFor(w, w.bob.address, 2n, { scopeHash: ZERO_HASH });
      const badSig = await sign(w, w.alice, bad);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(bad, badSig))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs("scopeHash");
      // A failed acceptance leaves the nonce usable.
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(false);
    });
  });

  describe("views", () => {
    it("grantsRights checks asset, licensee, rights and force", async () => {
      const w = await loadFixture(assetFixture);
      const other = await register(w, w.alice);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      const l = w.ledger.licenses;
      expect(await l.grantsRights(id, w.id, w.bob.address, Rights.PROCESSING)).to.equal(true);
      expect(await l.grantsRights(id, other, w.bob.address, Rights.PROCESSING)).to.equal(false);
      expect(await l.grantsRights(id, w.id, w.carol.address, Rights.PROCESSING)).to.equal(false);
      expect(await l.grantsRights(id, w.id, w.bob.address, Rights.OPERATION)).to.equal(false);
      expect(await l.grantsRights(id, w.id, w.bob.address, Rights.PROCESSING | Rights.OPERATION)).to.equal(false);
      expect(await l.grantsRights(99n, w.id, w.bob.address, Rights.PROCESSING)).to.equal(false);
    });

    it("isInForce follows the licence term", async () => {
      const w = await loadFixture(assetFixture);
      const now = await time.latest();
      const t = await terms(w.bob.address, { start: now + 5 * DAY, end: now + 10 * DAY });
      const id = await grantFrom(w, w.alice, t);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
      expect(await w.ledger.licenses.grantsRights(id, w.id, w.bob.address, Rights.PROCESSING)).to.equal(false);
      await time.increaseTo(t.start);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(true);
      await time.increaseTo(t.end + 1);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
      expect(await w.ledger.licenses.isInForce(99n)).to.equal(false);
    });

    it("verifyTerms accepts only the granted scope, terms and fee", async () => {
      const w = await loadFixture(assetFixture);
      const t = await terms(w.bob.address);
      const id = await grantFrom(w, w.alice, t);
      const l = w.ledger.licenses;
      expect(await l.verifyTerms(id, ...verifyArgs(t))).to.equal(true);
      expect(await l.verifyTerms(id, t.termsHash, t.scopeHash, t.feeAmount, t.feeCurrency)).to.equal(false);
      expect(await l.verifyTerms(id, t.scopeHash, h(), t.feeAmount, t.feeCurrency)).to.equal(false);
      expect(await l.verifyTerms(id, t.scopeHash, t.termsHash, t.feeAmount + 1n, t.feeCurrency)).to.equal(false);
      expect(await l.verifyTerms(id, t.scopeHash, t.termsHash, t.feeAmount, "0x555344")).to.equal(false);
      expect(await l.verifyTerms(id + 1n, ...verifyArgs(t))).to.equal(false);
    });

    it("licenseOf returns an empty record for an unknown id", async () => {
      const w = await loadFixture(assetFixture);
      const l = await w.ledger.licenses.licenseOf(5n);
      expect(l.licensee).to.equal(ethers.ZeroAddress);
      expect(l.assetId).to.equal(0n);
      expect(l.termsDigest).to.equal(ethers.dataSlice(ZERO_HASH, 0, 20));
    });
  });
});
