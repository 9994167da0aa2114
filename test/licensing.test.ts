import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  CNY,
  CONSENT_TYPES,
  DAY,
  YEAR,
  Grade,
  OFFER_TYPES,
  Reason,
  Rights,
  Status,
  Territory,
  bit,
  deployWorld,
  h,
  licenseTerms,
  register,
  submit,
  type LicenseTerms,
  type World,
  Field,
} from "./helpers/fixture";

type Terms = LicenseTerms;

interface Offer {
  assetId: bigint;
  terms: Terms;
  nonce: bigint;
  deadline: number;
}


/** LicenseRegistry.LicenseState. */
const State = {
  None: 0n,
  Active: 1n,
  NotStarted: 2n,
  Expired: 3n,
  Revoked: 4n,
  Ended: 5n,
  AssetNotRegistered: 6n,
  Suspended: 7n,
  ParentNotInForce: 8n,
} as const;

/** LicenseRegistry.EndCause. */
const EndCause = { Lapsed: 0n, AssetCancelled: 1n } as const;

const FLAG_CROSS_BORDER = 1n;
const FLAG_SUBLICENSABLE = 2n;
const FLAG_REVOKED = 4n;
const FLAG_REVOCABLE = 8n;
const FLAG_ENDED = 16n;
const FLAG_NEEDS_CLEARANCE = 128n; // cross-border territory, or a foreign licensee
const DEPTH_SHIFT = 5n;
const DISPUTES_MODULE = 10n;
const LICENSE_MODULE = 16n;
const ZERO_HASH = ethers.ZeroHash;

/** Processing-use, domestic, not sublicensable, not revocable, now .. now + 30 days, unless overridden. */
const terms = licenseTerms;

/** The LicenseGranted event's Terms struct, in ABI order. */
function tuple(t: Terms): unknown[] {
  return [t.licensee, t.rights, t.territory, t.start, t.end, t.sublicensable, t.revocable, t.scopeHash, t.termsHash, t.feeAmount, t.feeCurrency];
}

/** First 20 bytes of keccak256(abi.encode(scopeHash, termsHash, feeAmount, feeCurrency)). */
function termsDigest(t: Terms): string {
  const full = ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32", "uint96", "bytes3"], [t.scopeHash, t.termsHash, t.feeAmount, t.feeCurrency]),
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

/** alice holds a registered asset (all three rights, valid one year). */
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

type DomainOverrides = Partial<{ chainId: bigint; verifyingContract: string; name: string; version: string }>;

async function domain(w: Fx, overrides: DomainOverrides = {}) {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "DRL LicenseRegistry", version: "1", chainId, verifyingContract: await w.ledger.licenses.getAddress(), ...overrides };
}

/** The holder's EIP-712 signature of an offer. */
async function sign(w: Fx, signer: HardhatEthersSigner, offer: Offer, overrides: DomainOverrides = {}): Promise<string> {
  return signer.signTypedData(await domain(w, overrides), OFFER_TYPES, offer);
}

async function offerFor(w: Fx, licensee: string, nonce: bigint, overrides: Partial<Terms> = {}): Promise<Offer> {
  return { assetId: w.id, terms: await terms(licensee, overrides), nonce, deadline: (await time.latest()) + DAY };
}

interface Consent {
  licenseId: bigint;
  reasonHash: string;
  deadline: number;
}

/** A licensee's EIP-712 consent to the revocation of its licence. */
async function consentFor(
  w: Fx,
  licensee: HardhatEthersSigner,
  licenseId: bigint,
  overrides: Partial<Consent> = {},
  domainOverrides: DomainOverrides = {},
): Promise<Consent & { signature: string }> {
  const consent: Consent = { licenseId, reasonHash: h("consent"), deadline: (await time.latest()) + DAY, ...overrides };
  const signature = await licensee.signTypedData(await domain(w, domainOverrides), CONSENT_TYPES, consent);
  return { ...consent, signature };
}

/** The regulator's cross-border clearance of the asset for one recipient. */
async function clearCrossBorder(w: Fx, recipient: string, assetId: bigint = w.id): Promise<void> {
  await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(assetId, recipient, h("route"), 0, (await time.latest()) + YEAR);
}

async function openCount(w: Fx, assetId: bigint = w.id): Promise<bigint> {
  return (await w.ledger.registry.registrationOf(assetId)).openLicenses;
}

async function stateOf(w: Fx, licenseId: bigint): Promise<bigint> {
  return w.ledger.licenses.stateOf(licenseId);
}

/** A root licence to bob (both rights, sublicensable), with bob's sublicence to carol within it. */
async function withChain(w: Fx, rootOverrides: Partial<Terms> = {}, subOverrides: Partial<Terms> = {}) {
  const root = await terms(w.bob.address, { rights: Rights.PROCESSING | Rights.OPERATION, sublicensable: true, ...rootOverrides });
  const rootId = await grantFrom(w, w.alice, root);
  const sub = await subTerms(w.carol.address, root, subOverrides);
  const subId = await subFrom(w, w.bob, rootId, sub);
  return { root, rootId, sub, subId };
}

describe("LicenseRegistry", () => {
  describe("deployment", () => {
    it("refuses a zero registry address", async () => {
      const w = await loadFixture(assetFixture);
      const factory = await ethers.getContractFactory("LicenseRegistry");
      await expect(factory.deploy(await w.ledger.manager.getAddress(), ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, "ZeroAddress")
        .withArgs(Field.Registry);
    });

    it("exposes the registry, MAX_DEPTH, MAX_IDS and the EIP-712 type hashes", async () => {
      const w = await loadFixture(assetFixture);
      const l = w.ledger.licenses;
      expect(await l.registry()).to.equal(await w.ledger.registry.getAddress());
      expect(await l.MAX_DEPTH()).to.equal(3n);
      expect(await l.MAX_IDS()).to.equal(200n);
      const enc = ethers.TypedDataEncoder.from(OFFER_TYPES);
      expect(await l.TERMS_TYPEHASH()).to.equal(ethers.id(enc.encodeType("Terms")));
      expect(await l.OFFER_TYPEHASH()).to.equal(ethers.id(enc.encodeType("Offer")));
      expect(await l.CONSENT_TYPEHASH()).to.equal(ethers.id(ethers.TypedDataEncoder.from(CONSENT_TYPES).encodeType("RevocationConsent")));
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
      expect(await stateOf(w, 1n)).to.equal(State.Active);
      expect(await w.ledger.licenses.grantsRights(1n, w.id, w.bob.address, Rights.PROCESSING)).to.equal(true);
      expect(await w.ledger.licenses.verifyTerms(1n, ...verifyArgs(t))).to.equal(true);
      expect(await w.ledger.licenses.termsDigestOf(...verifyArgs(t))).to.equal(termsDigest(t));
      expect(await w.ledger.licenses.partiesOf(1n)).to.deep.equal([w.id, w.alice.address, w.bob.address]);
    });

    it("stores the sublicensable and revocable flags and both licensable rights", async () => {
      const w = await loadFixture(assetFixture);
      const t = await terms(w.bob.address, { rights: Rights.PROCESSING | Rights.OPERATION, sublicensable: true });
      const id = await grantFrom(w, w.alice, t);
      const l = await w.ledger.licenses.licenseOf(id);
      expect(l.flags).to.equal(FLAG_SUBLICENSABLE);
      expect(l.rights).to.equal(6n);
      expect(await w.ledger.licenses.grantsRights(id, w.id, w.bob.address, Rights.OPERATION)).to.equal(true);
      expect(await w.ledger.licenses.grantsRights(id, w.id, w.bob.address, Rights.PROCESSING | Rights.OPERATION)).to.equal(true);

      const r = await terms(w.carol.address, { revocable: true });
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, r))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(id + 1n, w.id, w.carol.address, w.alice.address, 0n, tuple(r), false);
      expect((await w.ledger.licenses.licenseOf(id + 1n)).flags).to.equal(FLAG_REVOCABLE);
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
        .withArgs(Field.Licensee);
    });

    for (const rights of [0, Rights.HOLDING, Rights.ALL, 8]) {
      it(`refuses rights ${rights} outside PROCESSING|OPERATION`, async () => {
        const w = await loadFixture(assetFixture);
        await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address, { rights })))
          .to.be.revertedWithCustomError(w.ledger.licenses, "OutOfRange")
          .withArgs(Field.Rights, rights);
      });
    }

    it("refuses a territory outside the enum", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address, { territory: 2 })))
        .to.be.revertedWithCustomError(w.ledger.licenses, "OutOfRange")
        .withArgs(Field.Territory, 2);
    });

    it("refuses rights the asset does not claim with the registry's RightsNotClaimed, as licenseCheck answers", async () => {
      const w = await loadFixture(assetFixture);
      const id = await register(w, w.alice, { rights: Rights.HOLDING | Rights.PROCESSING });
      // Issue 8 §9: the pre-trade view checks the rights asked for (it used to answer OK, and
      // the grant then reverted with the licence registry's RightsNotHeld).
      const check = (rights: number) => w.ledger.registry.licenseCheck(id, w.alice.address, w.bob.address, rights, Territory.Domestic, false);
      const reasons = (rights: number) =>
        w.ledger.registry.licenseReasons(id, w.alice.address, w.bob.address, rights, Territory.Domestic, false);
      expect(await check(Rights.OPERATION)).to.equal(Reason.RightsNotClaimed);
      expect(await reasons(Rights.OPERATION)).to.equal(bit(Reason.RightsNotClaimed));
      expect(await check(Rights.PROCESSING | Rights.OPERATION)).to.equal(Reason.RightsNotClaimed);
      expect(await check(Rights.PROCESSING)).to.equal(Reason.OK);
      expect(await reasons(Rights.PROCESSING)).to.equal(0n);

      const t = await terms(w.bob.address, { rights: Rights.OPERATION });
      await expect(grantFrom(w, w.alice, t, id))
        .to.be.revertedWithCustomError(w.ledger.registry, "RightsNotClaimed")
        .withArgs(id, Rights.OPERATION, Rights.HOLDING | Rights.PROCESSING);
      expect(await openCount(w, id)).to.equal(0n);
      // The right it does claim can be licensed.
      const ok = await grantFrom(w, w.alice, await terms(w.bob.address), id);
      expect(await w.ledger.licenses.grantsRights(ok, id, w.bob.address, Rights.PROCESSING)).to.equal(true);
    });

    it("refuses a term beyond the asset's validity; the bounds are the application time and the validity", async () => {
      const w = await loadFixture(assetFixture);
      const { validUntil } = await w.ledger.registry.recordOf(w.id);
      const { appliedAt } = await w.ledger.registry.registrationOf(w.id);
      const t = await terms(w.bob.address, { end: Number(validUntil) + 1 });
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.be.revertedWithCustomError(w.ledger.licenses, "TermExceedsLicensor")
        .withArgs(t.start, t.end, appliedAt, validUntil);
      // Up to the validity date itself is fine.
      const id = await grantFrom(w, w.alice, await terms(w.bob.address, { end: Number(validUntil) }));
      expect((await w.ledger.licenses.licenseOf(id)).end).to.equal(validUntil);
    });

    it("attack: a back-dated licence, starting before the asset was applied for, is refused", async () => {
      const w = await loadFixture(assetFixture);
      const { appliedAt } = await w.ledger.registry.registrationOf(w.id);
      const { validUntil } = await w.ledger.registry.recordOf(w.id);
      expect(appliedAt).to.be.greaterThan(0n);
      expect((await w.ledger.registry.recordOf(w.id)).appliedAt).to.equal(appliedAt);
      // The old code took 0 as the lower bound, so a licence "since 1970" passed.
      for (const start of [0, Number(appliedAt) - YEAR, Number(appliedAt) - 1]) {
        const t = await terms(w.bob.address, { start });
        await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
          .to.be.revertedWithCustomError(w.ledger.licenses, "TermExceedsLicensor")
          .withArgs(start, t.end, appliedAt, validUntil);
      }
      expect(await w.ledger.licenses.nextLicenseId()).to.equal(1n);
      expect(await openCount(w)).to.equal(0n);
      // A licence starting exactly at the application time is fine.
      const exact = await terms(w.bob.address, { start: Number(appliedAt) });
      const id = await grantFrom(w, w.alice, exact);
      expect((await w.ledger.licenses.licenseOf(id)).start).to.equal(appliedAt);
      expect(await stateOf(w, id)).to.equal(State.Active);
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
        .withArgs(Field.End, t.end, anyValue);
    });

    for (const [field, index] of [
      ["scopeHash", Field.ScopeHash],
      ["termsHash", Field.TermsHash],
    ] as const) {
      it(`refuses a zero ${field}`, async () => {
        const w = await loadFixture(assetFixture);
        await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address, { [field]: ZERO_HASH })))
          .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
          .withArgs(index);
      });
    }

    it("refuses a zero fee currency", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.bob.address, { feeCurrency: "0x000000" })))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs(Field.FeeCurrency);
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

    it("refuses a disputed asset (an admitted objection); an objection alone does not block", async () => {
      const w = await loadFixture(assetFixture);
      const oid = await w.ledger.disputes.nextObjectionId();
      await w.ledger.disputes.connect(w.bob).object(w.id, h());
      // Issue 8 §3: an objection after registration is only recorded until it is admitted.
      const first = await grantFrom(w, w.alice, await terms(w.carol.address));
      expect(await stateOf(w, first)).to.equal(State.Active);
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      await expect(grantFrom(w, w.alice, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed")
        .withArgs(w.id);
    });

    it("refuses an expired asset", async () => {
      const w = await loadFixture(assetFixture);
      const { validUntil } = await w.ledger.registry.recordOf(w.id);
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
      const due = (await time.latest()) + 30 * DAY;
      const pledgeId = await p.nextPledgeId();
      await p.connect(w.alice).propose(w.id, w.carol.address, 1_000_000n, CNY, due, h());
      await p.connect(w.carol).accept(pledgeId);
      expect((await w.ledger.registry.recordOf(w.id)).pledged).to.equal(true);

      const t = await terms(w.bob.address);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.bob.address, w.alice.address, 0n, tuple(t), false);
      expect(await w.ledger.licenses.isInForce(1n)).to.equal(true);
    });

    it("requires a cross-border clearance keyed to the licensee for a cross-border licence", async () => {
      const w = await loadFixture(assetFixture);
      const t = await terms(w.bob.address, { territory: Territory.CrossBorder });
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(w.id, w.bob.address);
      // A clearance for another recipient does not cover bob.
      await clearCrossBorder(w, w.carol.address);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(w.id, w.bob.address);

      await clearCrossBorder(w, w.bob.address);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.bob.address, w.alice.address, 0n, tuple(t), false);
      expect((await w.ledger.licenses.licenseOf(1n)).flags).to.equal(FLAG_CROSS_BORDER | FLAG_NEEDS_CLEARANCE);
    });

    it("a licence to a foreign licensee needs its clearance even with a domestic territory", async () => {
      const w = await loadFixture(assetFixture);
      const t = await licenseTerms(w.dave.address);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(w.id, w.dave.address);
      await clearCrossBorder(w, w.dave.address);
      await w.ledger.licenses.connect(w.alice).grant(w.id, t);
      expect((await w.ledger.licenses.licenseOf(1n)).flags).to.equal(FLAG_NEEDS_CLEARANCE);
    });

    it("refuses a licence to the licensor itself (SelfLicense)", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await licenseTerms(w.alice.address)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "SelfLicense")
        .withArgs(w.alice.address);
    });

    it("requires clearance for a foreign licensee even with a domestic territory", async () => {
      const w = await loadFixture(assetFixture);
      const t = await terms(w.dave.address, { territory: Territory.Domestic });
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, t))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(w.id, w.dave.address);

      await clearCrossBorder(w, w.dave.address);
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
      expect(l.flags).to.equal(1n << DEPTH_SHIFT); // depth 1, not sublicensable
      expect(l.termsDigest).to.equal(termsDigest(t));
      expect(await w.ledger.licenses.isInForce(2n)).to.equal(true);
      expect(await w.ledger.licenses.grantsRights(2n, w.id, w.carol.address, Rights.PROCESSING)).to.equal(true);
      expect(await w.ledger.licenses.partiesOf(2n)).to.deep.equal([w.id, w.bob.address, w.carol.address]);
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
      const { rootId } = await withRoot(w, { revocable: true });
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
      await clearCrossBorder(w, w.bob.address);
      await clearCrossBorder(w, w.carol.address);
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
      expect((await w.ledger.licenses.licenseOf(3n)).flags).to.equal((1n << DEPTH_SHIFT) | FLAG_CROSS_BORDER | FLAG_NEEDS_CLEARANCE);
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
        .withArgs(Field.Licensee);
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
        expect((await w.ledger.licenses.licenseOf(id)).flags).to.equal((BigInt(depth) << DEPTH_SHIFT) | FLAG_SUBLICENSABLE);
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
      const { rootId, root } = await withRoot(w, { revocable: true });
      const childId = await subFrom(w, w.bob, rootId, await subTerms(w.carol.address, root, { sublicensable: true }));
      const grandId = await subFrom(w, w.carol, childId, await subTerms(w.alice.address, root));
      expect(await w.ledger.licenses.isInForce(grandId)).to.equal(true);

      await w.ledger.licenses.connect(w.alice).revoke(rootId, h());
      for (const id of [rootId, childId, grandId]) expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
      expect(await w.ledger.licenses.grantsRights(grandId, w.id, w.alice.address, Rights.PROCESSING)).to.equal(false);
      expect(await stateOf(w, rootId)).to.equal(State.Revoked);
      expect(await stateOf(w, childId)).to.equal(State.ParentNotInForce);
      expect(await stateOf(w, grandId)).to.equal(State.ParentNotInForce);
      // The children's own records are not marked revoked: they stay open until closed.
      expect((await w.ledger.licenses.licenseOf(childId)).flags & FLAG_REVOKED).to.equal(0n);
      expect(await openCount(w)).to.equal(2n);
    });

    it("takes every licence out of force when the asset is cancelled, which only a court order (or ruling) can do while licences are open", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, root } = await withRoot(w);
      const childId = await subFrom(w, w.bob, rootId, await subTerms(w.carol.address, root));
      const otherId = await grantFrom(w, w.alice, await terms(w.carol.address));
      // Changed (issue 8 §5): the holder used to cancel and silently cut its licensees off;
      // now it cannot cancel while licences are open, and a court order ends each with an event.
      await expect(w.ledger.registry.connect(w.alice).cancel(w.id, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "LicensesOpen")
        .withArgs(w.id, 3);
      await w.ledger.disputes.connect(w.court).orderCancel(w.id, h("case"), [rootId, childId, otherId]);
      for (const id of [rootId, childId, otherId]) {
        expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
        expect(await stateOf(w, id)).to.equal(State.Ended);
      }
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await subTerms(w.carol.address, root)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "LicenseNotInForce")
        .withArgs(rootId);
    });
  });

  describe("a sale does not break a licence (买卖不破租赁)", () => {
    it("attack: a buyer cuts off the seller's licensees by revoking their licences", async () => {
      const w = await loadFixture(assetFixture);
      const { root, rootId, subId } = await withChain(w);
      const plain = await grantFrom(w, w.alice, await terms(w.bob.address, { rights: Rights.OPERATION }));
      expect(root.revocable).to.equal(false);
      // alice sells the asset to carol.
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, w.id);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.carol.address);
      // The buyer is the licensor now, but a licence granted as non-revocable binds it.
      for (const id of [rootId, plain]) {
        await expect(w.ledger.licenses.connect(w.carol).revoke(id, h()))
          .to.be.revertedWithCustomError(w.ledger.licenses, "NotRevocable")
          .withArgs(id);
      }
      // Nor can the buyer bring the seller to do it.
      await expect(w.ledger.licenses.connect(w.alice).revoke(rootId, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
        .withArgs(rootId, w.alice.address);
      for (const id of [rootId, subId, plain]) {
        expect(await w.ledger.licenses.isInForce(id)).to.equal(true);
        expect(await stateOf(w, id)).to.equal(State.Active);
      }
      expect(await w.ledger.licenses.grantsRights(rootId, w.id, w.bob.address, Rights.OPERATION)).to.equal(true);
      expect(await w.ledger.licenses.partiesOf(rootId)).to.deep.equal([w.id, w.carol.address, w.bob.address]);
      expect(await openCount(w)).to.equal(3n);
    });

    it("keeps a licence in force through every later holder, and lets the licensee sublicense meanwhile", async () => {
      const w = await loadFixture(assetFixture);
      const root = await terms(w.bob.address, { sublicensable: true });
      const rootId = await grantFrom(w, w.alice, root);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, w.id);
      await w.ledger.registry.connect(w.carol).transferFrom(w.carol.address, w.alice.address, w.id);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, w.id);
      expect(await stateOf(w, rootId)).to.equal(State.Active);
      const subId = await subFrom(w, w.bob, rootId, await subTerms(w.alice.address, root));
      expect(await w.ledger.licenses.grantsRights(subId, w.id, w.alice.address, Rights.PROCESSING)).to.equal(true);
      // The current holder cannot cancel the asset under its licensees either.
      await expect(w.ledger.registry.connect(w.carol).cancel(w.id, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "LicensesOpen")
        .withArgs(w.id, 2);
    });

    it("lets the new holder, the licensor now, revoke a licence granted as revocable", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address, { revocable: true }));
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, w.id);
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
        .withArgs(id, w.alice.address);
      const reason = h();
      await expect(w.ledger.licenses.connect(w.carol).revoke(id, reason))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(id, w.id, w.carol.address, reason, false, false);
      expect(await stateOf(w, id)).to.equal(State.Revoked);
    });
  });

  describe("revoke", () => {
    it("lets the holder revoke a licence it granted as revocable", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address, { revocable: true }));
      const reason = h("reason");
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, reason))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(id, w.id, w.alice.address, reason, false, false);
      expect((await w.ledger.licenses.licenseOf(id)).flags & FLAG_REVOKED).to.equal(FLAG_REVOKED);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
      expect(await stateOf(w, id)).to.equal(State.Revoked);
      expect(await w.ledger.licenses.grantsRights(id, w.id, w.bob.address, Rights.PROCESSING)).to.equal(false);
    });

    it("refuses the holder's revocation of a licence not granted as revocable", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotRevocable")
        .withArgs(id);
      expect(await stateOf(w, id)).to.equal(State.Active);
      expect(await openCount(w)).to.equal(1n);
    });

    it("binds the new holder after a transfer: it cannot revoke the old holder's licence", async () => {
      // Changed (issue 8 §5): this test used to let the new holder revoke the old holder's
      // licence; a licence now binds every later holder, and only a revocable one can be
      // revoked by its licensor.
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.carol.address));
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, w.id);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(true);
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
        .withArgs(id, w.alice.address);
      await expect(w.ledger.licenses.connect(w.bob).revoke(id, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotRevocable")
        .withArgs(id);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(true);
    });

    it("lets the parent licensee (only) revoke a revocable sublicence", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, subId } = await withChain(w, {}, { revocable: true });
      for (const who of [w.alice, w.carol]) {
        await expect(w.ledger.licenses.connect(who).revoke(subId, h()))
          .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
          .withArgs(subId, who.address);
      }
      const reason = h();
      await expect(w.ledger.licenses.connect(w.bob).revoke(subId, reason))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(subId, w.id, w.bob.address, reason, false, false);
      expect(await w.ledger.licenses.isInForce(subId)).to.equal(false);
      expect(await w.ledger.licenses.isInForce(rootId)).to.equal(true);
    });

    it("refuses the parent licensee's revocation of a sublicence not granted as revocable", async () => {
      const w = await loadFixture(assetFixture);
      const { subId } = await withChain(w);
      await expect(w.ledger.licenses.connect(w.bob).revoke(subId, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotRevocable")
        .withArgs(subId);
      expect(await stateOf(w, subId)).to.equal(State.Active);
    });

    it("refuses outsiders, the licensee itself, twice, a zero reason and unknown ids", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address, { revocable: true }));
      for (const who of [w.outsider, w.bob]) {
        await expect(w.ledger.licenses.connect(who).revoke(id, h()))
          .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
          .withArgs(id, who.address);
      }
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, ZERO_HASH))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs(Field.ReasonHash);
      await expect(w.ledger.licenses.connect(w.alice).revoke(99n, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "UnknownId")
        .withArgs(Field.LicenseId, 99n);
      await w.ledger.licenses.connect(w.alice).revoke(id, h());
      await expect(w.ledger.licenses.connect(w.alice).revoke(id, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyRevoked")
        .withArgs(id);
    });
  });

  describe("revokeWithConsent", () => {
    it("lets the licensor revoke a non-revocable licence with the licensee's signed consent", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      const c = await consentFor(w, w.bob, id);
      const expected = ethers.TypedDataEncoder.hash(await domain(w), CONSENT_TYPES, {
        licenseId: c.licenseId,
        reasonHash: c.reasonHash,
        deadline: c.deadline,
      });
      expect(await w.ledger.licenses.consentDigest(id, c.reasonHash, c.deadline)).to.equal(expected);
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(id, c.reasonHash, c.deadline, c.signature))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(id, w.id, w.alice.address, c.reasonHash, false, true);
      expect(await stateOf(w, id)).to.equal(State.Revoked);
      expect(await openCount(w)).to.equal(0n);
    });

    it("lets a new holder end the old holder's licence only this way", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, w.id);
      const c = await consentFor(w, w.bob, id);
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(id, c.reasonHash, c.deadline, c.signature))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
        .withArgs(id, w.alice.address);
      await expect(w.ledger.licenses.connect(w.carol).revokeWithConsent(id, c.reasonHash, c.deadline, c.signature))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(id, w.id, w.carol.address, c.reasonHash, false, true);
    });

    it("lets the parent licensee revoke a sublicence with the sublicensee's consent", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, subId } = await withChain(w);
      const c = await consentFor(w, w.carol, subId);
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(subId, c.reasonHash, c.deadline, c.signature))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensor")
        .withArgs(subId, w.alice.address);
      await expect(w.ledger.licenses.connect(w.bob).revokeWithConsent(subId, c.reasonHash, c.deadline, c.signature))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(subId, w.id, w.bob.address, c.reasonHash, false, true);
      expect(await stateOf(w, rootId)).to.equal(State.Active);
    });

    it("refuses a consent used once already (replay)", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      const c = await consentFor(w, w.bob, id);
      await w.ledger.licenses.connect(w.alice).revokeWithConsent(id, c.reasonHash, c.deadline, c.signature);
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(id, c.reasonHash, c.deadline, c.signature))
        .to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyRevoked")
        .withArgs(id);
      // Nor does it carry over to another licence of the same licensee.
      const other = await grantFrom(w, w.alice, await terms(w.bob.address));
      await expect(
        w.ledger.licenses.connect(w.alice).revokeWithConsent(other, c.reasonHash, c.deadline, c.signature),
      ).to.be.revertedWithCustomError(w.ledger.licenses, "InvalidSignature");
      expect(await stateOf(w, other)).to.equal(State.Active);
    });

    it("refuses an expired consent", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      const c = await consentFor(w, w.bob, id, { deadline: (await time.latest()) + 60 });
      await time.increase(3600);
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(id, c.reasonHash, c.deadline, c.signature))
        .to.be.revertedWithCustomError(w.ledger.licenses, "SignatureExpired")
        .withArgs(c.deadline);
      expect(await stateOf(w, id)).to.equal(State.Active);
    });

    it("refuses a consent signed by anyone but the licensee, or for another contract or chain", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      const { chainId } = await ethers.provider.getNetwork();
      const forged = [
        await consentFor(w, w.alice, id), // the licensor itself
        await consentFor(w, w.carol, id),
        await consentFor(w, w.bob, id, {}, { chainId: chainId + 1n }),
        await consentFor(w, w.bob, id, {}, { verifyingContract: await w.ledger.tradeDesk.getAddress() }),
      ];
      for (const c of forged) {
        await expect(
          w.ledger.licenses.connect(w.alice).revokeWithConsent(id, c.reasonHash, c.deadline, c.signature),
        ).to.be.revertedWithCustomError(w.ledger.licenses, "InvalidSignature");
      }
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(id, h(), (await time.latest()) + DAY, "0x1234"))
        .to.be.revertedWithCustomError(w.ledger.licenses, "InvalidSignature");
      expect(await stateOf(w, id)).to.equal(State.Active);
    });

    it("refuses a tampered reason hash or deadline", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      const c = await consentFor(w, w.bob, id);
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(id, h("other"), c.deadline, c.signature))
        .to.be.revertedWithCustomError(w.ledger.licenses, "InvalidSignature");
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(id, c.reasonHash, c.deadline + 1, c.signature))
        .to.be.revertedWithCustomError(w.ledger.licenses, "InvalidSignature");
      expect(await stateOf(w, id)).to.equal(State.Active);
    });

    it("refuses a zero reason and an unknown licence", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      const c = await consentFor(w, w.bob, id, { reasonHash: ZERO_HASH });
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(id, ZERO_HASH, c.deadline, c.signature))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs(Field.ReasonHash);
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(77n, c.reasonHash, c.deadline, c.signature))
        .to.be.revertedWithCustomError(w.ledger.licenses, "UnknownId")
        .withArgs(Field.LicenseId, 77n);
    });
  });

  describe("surrender", () => {
    it("lets the licensee (only) give up its licence", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, subId } = await withChain(w);
      for (const who of [w.alice, w.carol, w.outsider]) {
        await expect(w.ledger.licenses.connect(who).surrender(rootId, h()))
          .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensee")
          .withArgs(rootId, who.address);
      }
      const reason = h();
      await expect(w.ledger.licenses.connect(w.bob).surrender(rootId, reason))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(rootId, w.id, w.bob.address, reason, false, true);
      expect(await stateOf(w, rootId)).to.equal(State.Revoked);
      expect(await stateOf(w, subId)).to.equal(State.ParentNotInForce);
      await expect(w.ledger.licenses.connect(w.bob).surrender(rootId, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyRevoked")
        .withArgs(rootId);
      await expect(w.ledger.licenses.connect(w.carol).surrender(subId, ZERO_HASH))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs(Field.ReasonHash);
      await expect(w.ledger.licenses.connect(w.carol).surrender(55n, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "UnknownId")
        .withArgs(Field.LicenseId, 55n);
    });
  });

  describe("courtRevoke", () => {
    it("lets a court revoke any licence, revocable or not", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, subId } = await withChain(w);
      const caseHash = h("case");
      await expect(w.ledger.licenses.connect(w.court).courtRevoke(subId, caseHash))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(subId, w.id, w.court.address, caseHash, true, false);
      expect(await w.ledger.licenses.isInForce(subId)).to.equal(false);
      expect(await w.ledger.licenses.isInForce(rootId)).to.equal(true);
      await w.ledger.licenses.connect(w.court2).courtRevoke(rootId, h());
      expect(await stateOf(w, rootId)).to.equal(State.Revoked);

      await expect(w.ledger.licenses.connect(w.court).courtRevoke(subId, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyRevoked")
        .withArgs(subId);
      const third = await grantFrom(w, w.alice, await terms(w.carol.address));
      await expect(w.ledger.licenses.connect(w.court).courtRevoke(third, ZERO_HASH))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs(Field.ReasonHash);
      await expect(w.ledger.licenses.connect(w.court).courtRevoke(42n, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "UnknownId")
        .withArgs(Field.LicenseId, 42n);
    });

    it("refuses courtRevoke from anyone without the court role", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      for (const who of [w.outsider, w.alice, w.regulator, w.registrar]) {
        await expect(w.ledger.licenses.connect(who).courtRevoke(id, h()))
          .to.be.revertedWithCustomError(w.ledger.licenses, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await w.ledger.licenses.isInForce(id)).to.equal(true);
    });
  });

  describe("close", () => {
    it("closes a licence whose term ended, by anyone, with an event", async () => {
      const w = await loadFixture(assetFixture);
      const t = await terms(w.bob.address, { end: (await time.latest()) + 10 * DAY });
      const id = await grantFrom(w, w.alice, t);
      await time.increaseTo(t.end + 1);
      expect(await stateOf(w, id)).to.equal(State.Expired);
      expect(await openCount(w)).to.equal(1n);
      await expect(w.ledger.licenses.connect(w.outsider).close([id]))
        .to.emit(w.ledger.licenses, "LicenseEnded")
        .withArgs(id, w.id, ZERO_HASH, EndCause.Lapsed);
      expect(await stateOf(w, id)).to.equal(State.Ended);
      expect((await w.ledger.licenses.licenseOf(id)).flags & FLAG_ENDED).to.equal(FLAG_ENDED);
      expect(await openCount(w)).to.equal(0n);
      // With nothing open, the holder may cancel again.
      await w.ledger.registry.connect(w.alice).cancel(w.id, h());
      expect(await w.ledger.registry.statusOf(w.id)).to.equal(Status.Cancelled);
    });

    it("closes sublicences whose parent was revoked", async () => {
      const w = await loadFixture(assetFixture);
      const { root, rootId, subId } = await withChain(w, { revocable: true }, { sublicensable: true });
      const grandId = await subFrom(w, w.carol, subId, await subTerms(w.alice.address, root));
      await w.ledger.licenses.connect(w.alice).revoke(rootId, h());
      expect(await openCount(w)).to.equal(2n);
      await expect(w.ledger.licenses.close([subId, grandId]))
        .to.emit(w.ledger.licenses, "LicenseEnded")
        .withArgs(subId, w.id, ZERO_HASH, EndCause.Lapsed)
        .and.to.emit(w.ledger.licenses, "LicenseEnded")
        .withArgs(grandId, w.id, ZERO_HASH, EndCause.Lapsed);
      expect(await openCount(w)).to.equal(0n);
      expect(await stateOf(w, subId)).to.equal(State.Ended);
      expect(await stateOf(w, grandId)).to.equal(State.Ended);
    });

    it("refuses a licence that has not lapsed for good: active, not started, suspended, or under a suspended parent", async () => {
      const w = await loadFixture(assetFixture);
      const now = await time.latest();
      const active = await grantFrom(w, w.alice, await terms(w.bob.address));
      const notStarted = await grantFrom(w, w.alice, await terms(w.bob.address, { start: now + 5 * DAY, end: now + 10 * DAY }));
      await clearCrossBorder(w, w.bob.address);
      const cb = await terms(w.bob.address, { territory: Territory.CrossBorder, sublicensable: true });
      const cbId = await grantFrom(w, w.alice, cb);
      const underCb = await subFrom(w, w.bob, cbId, await subTerms(w.carol.address, cb));
      await w.ledger.compliance.connect(w.regulator).revokeCrossBorderClearance(w.id, w.bob.address, h());
      expect(await stateOf(w, cbId)).to.equal(State.Suspended);
      expect(await stateOf(w, underCb)).to.equal(State.ParentNotInForce);
      for (const id of [active, notStarted, cbId, underCb]) {
        await expect(w.ledger.licenses.close([id])).to.be.revertedWithCustomError(w.ledger.licenses, "NotLapsed").withArgs(id);
      }
      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.Core, h());
      expect(await stateOf(w, active)).to.equal(State.Suspended);
      await expect(w.ledger.licenses.close([active])).to.be.revertedWithCustomError(w.ledger.licenses, "NotLapsed").withArgs(active);
      expect(await openCount(w)).to.equal(4n);
    });

    it("is all or nothing, and refuses revoked, ended and unknown licences", async () => {
      const w = await loadFixture(assetFixture);
      const short = await terms(w.bob.address, { end: (await time.latest()) + 5 * DAY });
      const lapsing = await grantFrom(w, w.alice, short);
      const active = await grantFrom(w, w.alice, await terms(w.carol.address, { revocable: true }));
      await time.increaseTo(short.end + 1);
      await expect(w.ledger.licenses.close([lapsing, active]))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotLapsed")
        .withArgs(active);
      expect(await stateOf(w, lapsing)).to.equal(State.Expired);
      expect(await openCount(w)).to.equal(2n);

      await w.ledger.licenses.close([lapsing]);
      await expect(w.ledger.licenses.close([lapsing])).to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyEnded").withArgs(lapsing);
      await w.ledger.licenses.connect(w.alice).revoke(active, h());
      await expect(w.ledger.licenses.close([active])).to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyRevoked").withArgs(active);
      await expect(w.ledger.licenses.close([99n]))
        .to.be.revertedWithCustomError(w.ledger.licenses, "UnknownId")
        .withArgs(Field.LicenseId, 99n);
      // A closed licence cannot be revoked or surrendered afterwards.
      await expect(w.ledger.licenses.connect(w.court).courtRevoke(lapsing, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyEnded")
        .withArgs(lapsing);
      await expect(w.ledger.licenses.connect(w.bob).surrender(lapsing, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyEnded")
        .withArgs(lapsing);
      expect(await openCount(w)).to.equal(0n);
    });

    it("takes between 1 and MAX_IDS licences", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.close([])).to.be.revertedWithCustomError(w.ledger.licenses, "OutOfRange").withArgs(Field.LicenseIds, 0);
      const tooMany = Array.from({ length: 201 }, (_, i) => BigInt(i + 1));
      await expect(w.ledger.licenses.close(tooMany))
        .to.be.revertedWithCustomError(w.ledger.licenses, "OutOfRange")
        .withArgs(Field.LicenseIds, 201);
    });
  });

  describe("cancellation of the asset", () => {
    it("ends each open licence with an event when a court orders the asset cancelled", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, subId } = await withChain(w);
      const other = await grantFrom(w, w.alice, await terms(w.carol.address));
      const caseHash = h("case");
      const tx = w.ledger.disputes.connect(w.court).orderCancel(w.id, caseHash, [rootId, subId, other]);
      for (const id of [rootId, subId, other]) {
        await expect(tx).to.emit(w.ledger.licenses, "LicenseEnded").withArgs(id, w.id, caseHash, EndCause.AssetCancelled);
      }
      const receipt = await (await tx).wait();
      const ended = receipt!.logs.filter((log) => w.ledger.licenses.interface.parseLog(log)?.name === "LicenseEnded");
      expect(ended).to.have.length(3);
      await expect(tx).to.emit(w.ledger.registry, "RegistrationCancelled");
      expect(await w.ledger.registry.statusOf(w.id)).to.equal(Status.Cancelled);
      expect(await openCount(w)).to.equal(0n);
      for (const id of [rootId, subId, other]) {
        expect(await stateOf(w, id)).to.equal(State.Ended);
        expect((await w.ledger.licenses.licenseOf(id)).flags & FLAG_ENDED).to.equal(FLAG_ENDED);
      }
    });

    it("refuses the order when an open licence is left out (LicensesOpen), and nothing ends", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, subId } = await withChain(w);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(w.id, h(), [rootId]))
        .to.be.revertedWithCustomError(w.ledger.registry, "LicensesOpen")
        .withArgs(w.id, 1);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(w.id, h(), []))
        .to.be.revertedWithCustomError(w.ledger.registry, "LicensesOpen")
        .withArgs(w.id, 2);
      expect(await stateOf(w, rootId)).to.equal(State.Active);
      expect(await stateOf(w, subId)).to.equal(State.Active);
      expect(await openCount(w)).to.equal(2n);
      expect(await w.ledger.registry.statusOf(w.id)).to.equal(Status.Registered);
    });

    it("refuses a licence of another asset, a closed licence, a duplicate and a list over MAX_IDS", async () => {
      const w = await loadFixture(assetFixture);
      const mine = await grantFrom(w, w.alice, await terms(w.bob.address, { revocable: true }));
      const otherAsset = await register(w, w.bob);
      const theirs = await grantFrom(w, w.bob, await terms(w.carol.address), otherAsset);
      const c = w.ledger.disputes.connect(w.court);
      await expect(c.orderCancel(w.id, h(), [mine, theirs])).to.be.revertedWithCustomError(w.ledger.licenses, "WrongAsset").withArgs(theirs, w.id);
      await expect(c.orderCancel(w.id, h(), [mine, mine])).to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyEnded").withArgs(mine);
      await expect(c.orderCancel(w.id, h(), Array.from({ length: 201 }, () => mine)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "OutOfRange")
        .withArgs(Field.LicenseIds, 201);
      await w.ledger.licenses.connect(w.alice).revoke(mine, h());
      await expect(c.orderCancel(w.id, h(), [mine])).to.be.revertedWithCustomError(w.ledger.licenses, "AlreadyRevoked").withArgs(mine);
      // With its licence revoked, the asset is cancelled with an empty list.
      await c.orderCancel(w.id, h(), []);
      expect(await w.ledger.registry.statusOf(w.id)).to.equal(Status.Cancelled);
      expect(await stateOf(w, theirs)).to.equal(State.Active);
    });

    it("lets only the dispute module call endForCancellation (NotModule)", async () => {
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      for (const who of [w.outsider, w.alice, w.court, w.admin]) {
        await expect(w.ledger.licenses.connect(who).endForCancellation(w.id, [id], h()))
          .to.be.revertedWithCustomError(w.ledger.licenses, "NotModule")
          .withArgs(who.address, DISPUTES_MODULE);
      }
      expect(await stateOf(w, id)).to.equal(State.Active);
      expect(await openCount(w)).to.equal(1n);
    });
  });

  describe("suspension", () => {
    it("a regrade to core suspends every licence of the asset, and a regrade back restores them", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, subId } = await withChain(w);
      const other = await grantFrom(w, w.alice, await terms(w.carol.address));
      const elsewhere = await register(w, w.bob);
      const unrelated = await grantFrom(w, w.bob, await terms(w.carol.address), elsewhere);

      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.Core, h());
      for (const id of [rootId, subId, other]) {
        expect(await stateOf(w, id)).to.equal(State.Suspended);
        expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
      }
      expect(await w.ledger.licenses.grantsRights(rootId, w.id, w.bob.address, Rights.PROCESSING)).to.equal(false);
      await expect(w.ledger.licenses.connect(w.bob).sublicense(rootId, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "LicenseNotInForce")
        .withArgs(rootId);
      expect(await stateOf(w, unrelated)).to.equal(State.Active);
      // A suspension is not a revocation: nothing closes.
      expect(await openCount(w)).to.equal(3n);

      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.Important, h());
      for (const id of [rootId, subId, other]) {
        expect(await stateOf(w, id)).to.equal(State.Active);
        expect(await w.ledger.licenses.isInForce(id)).to.equal(true);
      }
    });

    it("revoking a licensee's cross-border clearance suspends its cross-border licences and their sublicences, not other licences", async () => {
      const w = await loadFixture(assetFixture);
      await clearCrossBorder(w, w.bob.address);
      await clearCrossBorder(w, w.carol.address);
      const cb = await terms(w.bob.address, { territory: Territory.CrossBorder, sublicensable: true });
      const bobCb = await grantFrom(w, w.alice, cb);
      const subOfCb = await subFrom(w, w.bob, bobCb, await subTerms(w.carol.address, cb));
      const bobDomestic = await grantFrom(w, w.alice, await terms(w.bob.address));
      const carolCb = await grantFrom(w, w.alice, await terms(w.carol.address, { territory: Territory.CrossBorder }));
      const elsewhere = await register(w, w.alice);
      await clearCrossBorder(w, w.bob.address, elsewhere);
      const bobCbElsewhere = await grantFrom(w, w.alice, await terms(w.bob.address, { territory: Territory.CrossBorder }), elsewhere);

      await expect(w.ledger.compliance.connect(w.regulator).revokeCrossBorderClearance(w.id, w.bob.address, h()))
        .to.emit(w.ledger.compliance, "CrossBorderRevoked");
      expect(await stateOf(w, bobCb)).to.equal(State.Suspended);
      expect(await stateOf(w, subOfCb)).to.equal(State.ParentNotInForce);
      expect(await w.ledger.licenses.grantsRights(bobCb, w.id, w.bob.address, Rights.PROCESSING)).to.equal(false);
      expect(await w.ledger.licenses.isInForce(subOfCb)).to.equal(false);
      // Not bob's domestic licence, carol's own clearance, or bob's clearance for another asset.
      expect(await stateOf(w, bobDomestic)).to.equal(State.Active);
      expect(await stateOf(w, carolCb)).to.equal(State.Active);
      expect(await stateOf(w, bobCbElsewhere)).to.equal(State.Active);

      // A new clearance restores them.
      await clearCrossBorder(w, w.bob.address);
      expect(await stateOf(w, bobCb)).to.equal(State.Active);
      expect(await stateOf(w, subOfCb)).to.equal(State.Active);
    });

    it("a cross-border licence is suspended when its licensee's clearance runs out", async () => {
      const w = await loadFixture(assetFixture);
      const until = (await time.latest()) + 10 * DAY;
      await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(w.id, w.bob.address, h("route"), 1, until);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address, { territory: Territory.CrossBorder }));
      expect(await stateOf(w, id)).to.equal(State.Active);
      await time.increaseTo(until + 1);
      expect(await stateOf(w, id)).to.equal(State.Suspended);
    });

    it("revoking a foreign licensee's clearance suspends its licence, whatever territory the licence states", async () => {
      // The grant needed dave's clearance (see "requires clearance for a foreign licensee even
      // with a domestic territory"), so that clearance covered the licence. stateOf consults a
      // clearance only for licences flagged cross-border, though, so a foreign licensee's
      // licence with a domestic territory stays Active after the revocation.
      const w = await loadFixture(assetFixture);
      await clearCrossBorder(w, w.dave.address);
      const id = await grantFrom(w, w.alice, await terms(w.dave.address, { territory: Territory.Domestic }));
      expect(await stateOf(w, id)).to.equal(State.Active);
      await w.ledger.compliance.connect(w.regulator).revokeCrossBorderClearance(w.id, w.dave.address, h());
      expect(await stateOf(w, id)).to.equal(State.Suspended);
      expect(await w.ledger.licenses.grantsRights(id, w.id, w.dave.address, Rights.PROCESSING)).to.equal(false);
    });
  });

  describe("stateOf", () => {
    it("answers None for an unknown id, NotStarted, Active and Expired along the term, Ended once closed", async () => {
      const w = await loadFixture(assetFixture);
      expect(await stateOf(w, 1n)).to.equal(State.None);
      const now = await time.latest();
      const t = await terms(w.bob.address, { start: now + 5 * DAY, end: now + 10 * DAY });
      const id = await grantFrom(w, w.alice, t);
      expect(await stateOf(w, id)).to.equal(State.NotStarted);
      await time.increaseTo(t.start);
      expect(await stateOf(w, id)).to.equal(State.Active);
      await time.increaseTo(t.end);
      expect(await stateOf(w, id)).to.equal(State.Active);
      await time.increaseTo(t.end + 1);
      expect(await stateOf(w, id)).to.equal(State.Expired);
      await w.ledger.licenses.close([id]);
      expect(await stateOf(w, id)).to.equal(State.Ended);
    });

    it("answers Revoked before anything else, and ParentNotInForce under a revoked parent", async () => {
      const w = await loadFixture(assetFixture);
      const { rootId, subId } = await withChain(w, { revocable: true });
      await w.ledger.licenses.connect(w.alice).revoke(rootId, h());
      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.Core, h());
      expect(await stateOf(w, rootId)).to.equal(State.Revoked);
      // The grade is checked before the parents.
      expect(await stateOf(w, subId)).to.equal(State.Suspended);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.General, h());
      expect(await stateOf(w, subId)).to.equal(State.ParentNotInForce);
    });

    it("answers AssetNotRegistered for a licence left open on an asset no longer registered", async () => {
      // The ledger's own modules never leave a licence open on a cancelled asset (the registry
      // refuses to cancel while the count is non-zero); a foreign holder of the licence-module
      // role that miscounts can, and the view must not then say Active.
      const w = await loadFixture(assetFixture);
      const id = await grantFrom(w, w.alice, await terms(w.bob.address));
      const rogue = w.spare[0]!;
      await w.ledger.manager.connect(w.admin).grantRole(LICENSE_MODULE, rogue.address, 0);
      await w.ledger.registry.connect(rogue).closeLicenses(w.id, 1);
      await w.ledger.registry.connect(w.alice).cancel(w.id, h());
      expect(await stateOf(w, id)).to.equal(State.AssetNotRegistered);
      expect(await w.ledger.licenses.isInForce(id)).to.equal(false);
    });
  });

  describe("open-licence count", () => {
    it("goes up per grant and sublicence and down per revoke, surrender, court revocation, close and end", async () => {
      const w = await loadFixture(assetFixture);
      const count = () => openCount(w);
      const { root, rootId, subId } = await withChain(w, { revocable: true }, { revocable: true });
      expect(await count()).to.equal(2n);
      const viaOffer = await offerFor(w, w.carol.address, 1n);
      await w.ledger.licenses.connect(w.carol).acceptOffer(viaOffer, await sign(w, w.alice, viaOffer));
      const offerId = (await w.ledger.licenses.nextLicenseId()) - 1n;
      expect(await count()).to.equal(3n);
      const second = await subFrom(w, w.bob, rootId, await subTerms(w.alice.address, root));
      const third = await grantFrom(w, w.alice, await terms(w.carol.address));
      expect(await count()).to.equal(5n);

      await w.ledger.licenses.connect(w.bob).revoke(subId, h());
      expect(await count()).to.equal(4n);
      await w.ledger.licenses.connect(w.carol).surrender(offerId, h());
      expect(await count()).to.equal(3n);
      await w.ledger.licenses.connect(w.court).courtRevoke(third, h());
      expect(await count()).to.equal(2n);
      await w.ledger.licenses.connect(w.alice).revoke(rootId, h());
      expect(await count()).to.equal(1n);
      await w.ledger.licenses.close([second]);
      expect(await count()).to.equal(0n);

      const last = await grantFrom(w, w.alice, await terms(w.bob.address));
      expect(await count()).to.equal(1n);
      await w.ledger.disputes.connect(w.court).orderCancel(w.id, h(), [last]);
      expect(await count()).to.equal(0n);
    });

    it("does not change on a refused grant", async () => {
      const w = await loadFixture(assetFixture);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await terms(w.outsider.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      await expect(w.ledger.licenses.connect(w.bob).grant(w.id, await terms(w.carol.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotHolder")
        .withArgs(w.id, w.bob.address);
      expect(await openCount(w)).to.equal(0n);
    });
  });

  describe("EIP-712 offers", () => {
    it("computes the digest the holder signs", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 7n, { sublicensable: true, revocable: true, rights: 6 });
      const expected = ethers.TypedDataEncoder.hash(await domain(w), OFFER_TYPES, offer);
      expect(await w.ledger.licenses.offerDigest(offer)).to.equal(expected);
      const sig = await sign(w, w.alice, offer);
      expect(ethers.recoverAddress(expected, sig)).to.equal(w.alice.address);
    });

    it("lets the offeree accept a signed offer once (NonceAlreadyUsed on replay)", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n, { revocable: true });
      const sig = await sign(w, w.alice, offer);
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(false);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.bob.address, w.alice.address, 0n, tuple(offer.terms), true)
        .and.to.emit(w.ledger.licenses, "NonceUsed")
        .withArgs(w.alice.address, 1n);
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(true);
      expect(await w.ledger.licenses.grantsRights(1n, w.id, w.bob.address, Rights.PROCESSING)).to.equal(true);
      expect(await w.ledger.licenses.verifyTerms(1n, ...verifyArgs(offer.terms))).to.equal(true);
      expect((await w.ledger.licenses.licenseOf(1n)).flags).to.equal(FLAG_REVOCABLE);

      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NonceAlreadyUsed")
        .withArgs(w.alice.address, 1n);
      expect(await w.ledger.licenses.nextLicenseId()).to.equal(2n);
    });

    it("refuses an expired offer (SignatureExpired)", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      offer.deadline = (await time.latest()) + 60;
      const sig = await sign(w, w.alice, offer);
      await time.increase(3600);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.be.revertedWithCustomError(w.ledger.licenses, "SignatureExpired")
        .withArgs(offer.deadline);
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(false);
    });

    it("refuses a signature for another chain, another contract, or another domain name or version", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      const { chainId } = await ethers.provider.getNetwork();
      const wrong: DomainOverrides[] = [
        { chainId: chainId + 1n },
        { verifyingContract: await w.ledger.registry.getAddress() },
        { verifyingContract: await w.ledger.tradeDesk.getAddress() },
        { name: "DRL TradeDesk" },
        { version: "2" },
      ];
      for (const d of wrong) {
        await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, await sign(w, w.alice, offer, d))).to.be.revertedWithCustomError(
          w.ledger.licenses,
          "InvalidSignature",
        );
      }
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(false);
      expect(await openCount(w)).to.equal(0n);
    });

    it("refuses an offer not signed by the holder, and malformed signatures", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      const byBob = await sign(w, w.bob, offer);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, byBob)).to.be.revertedWithCustomError(
        w.ledger.licenses,
        "InvalidSignature",
      );
      for (const bad of ["0x", "0x1234", ethers.hexlify(new Uint8Array(65))]) {
        await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, bad)).to.be.revertedWithCustomError(
          w.ledger.licenses,
          "InvalidSignature",
        );
      }
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
      // The new holder's signature on the same offer works (its own nonce space).
      const bobSig = await sign(w, w.bob, offer);
      await expect(w.ledger.licenses.connect(w.carol).acceptOffer(offer, bobSig))
        .to.emit(w.ledger.licenses, "LicenseGranted")
        .withArgs(1n, w.id, w.carol.address, w.bob.address, 0n, tuple(offer.terms), true);
      expect(await w.ledger.licenses.nonceUsed(w.bob.address, 1n)).to.equal(true);
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(false);
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

    it("refuses an offer with any field tampered", async () => {
      const w = await loadFixture(assetFixture);
      const second = await register(w, w.alice);
      const offer = await offerFor(w, w.bob.address, 1n);
      const sig = await sign(w, w.alice, offer);
      const t = offer.terms;
      const tampered: [string, HardhatEthersSigner, Offer][] = [
        ["assetId", w.bob, { ...offer, assetId: second }],
        ["licensee", w.carol, { ...offer, terms: { ...t, licensee: w.carol.address } }],
        ["rights", w.bob, { ...offer, terms: { ...t, rights: Rights.PROCESSING | Rights.OPERATION } }],
        ["territory", w.bob, { ...offer, terms: { ...t, territory: Territory.CrossBorder } }],
        ["start", w.bob, { ...offer, terms: { ...t, start: t.start + 1 } }],
        ["end", w.bob, { ...offer, terms: { ...t, end: t.end + DAY } }],
        ["sublicensable", w.bob, { ...offer, terms: { ...t, sublicensable: true } }],
        ["revocable", w.bob, { ...offer, terms: { ...t, revocable: true } }],
        ["scopeHash", w.bob, { ...offer, terms: { ...t, scopeHash: h() } }],
        ["termsHash", w.bob, { ...offer, terms: { ...t, termsHash: h() } }],
        ["feeAmount", w.bob, { ...offer, terms: { ...t, feeAmount: 1n } }],
        ["feeCurrency", w.bob, { ...offer, terms: { ...t, feeCurrency: "0x555344" } }],
        ["nonce", w.bob, { ...offer, nonce: 2n }],
        ["deadline", w.bob, { ...offer, deadline: offer.deadline + 1 }],
      ];
      for (const [field, caller, changed] of tampered) {
        await expect(w.ledger.licenses.connect(caller).acceptOffer(changed, sig), field).to.be.revertedWithCustomError(
          w.ledger.licenses,
          "InvalidSignature",
        );
      }
      // The untampered offer still works.
      await w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig);
      expect(await w.ledger.licenses.nextLicenseId()).to.equal(2n);
    });

    it("cancelNonce burns the nonce once; the offer then fails", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 5n);
      const sig = await sign(w, w.alice, offer);
      await expect(w.ledger.licenses.connect(w.alice).cancelNonce(5n))
        .to.emit(w.ledger.licenses, "NonceCancelled")
        .withArgs(w.alice.address, 5n);
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 5n)).to.equal(true);
      expect(await w.ledger.licenses.nonceUsed(w.bob.address, 5n)).to.equal(false);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NonceAlreadyUsed")
        .withArgs(w.alice.address, 5n);
      await expect(w.ledger.licenses.connect(w.alice).cancelNonce(5n))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NonceAlreadyUsed")
        .withArgs(w.alice.address, 5n);
      expect(await w.ledger.licenses.nextLicenseId()).to.equal(1n);
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

    it("applies the licence rules to an accepted offer, and a failed acceptance leaves the nonce usable", async () => {
      const w = await loadFixture(assetFixture);
      const offer = await offerFor(w, w.bob.address, 1n);
      const sig = await sign(w, w.alice, offer);
      const hold = h("case");
      await w.ledger.disputes.connect(w.court).freeze(w.id, hold);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(w.id);
      const bad = await offerFor(w, w.bob.address, 2n, { scopeHash: ZERO_HASH });
      const badSig = await sign(w, w.alice, bad);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(bad, badSig))
        .to.be.revertedWithCustomError(w.ledger.licenses, "ZeroHash")
        .withArgs(Field.ScopeHash);
      const appliedAt = (await w.ledger.registry.registrationOf(w.id)).appliedAt;
      const backDated = await offerFor(w, w.bob.address, 3n, { start: Number(appliedAt) - 1 });
      await w.ledger.disputes.connect(w.court).unfreeze(w.id, hold);
      await expect(w.ledger.licenses.connect(w.bob).acceptOffer(backDated, await sign(w, w.alice, backDated)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "TermExceedsLicensor");
      for (const n of [1n, 2n, 3n]) expect(await w.ledger.licenses.nonceUsed(w.alice.address, n)).to.equal(false);
      await w.ledger.licenses.connect(w.bob).acceptOffer(offer, sig);
      expect(await w.ledger.licenses.nonceUsed(w.alice.address, 1n)).to.equal(true);
    });

    it("emits every used and cancelled nonce, so that nonceUsed can be rebuilt from the log", async () => {
      const w = await loadFixture(assetFixture);
      const l = w.ledger.licenses;
      const bobs = await register(w, w.bob);
      const fromBlock = await ethers.provider.getBlockNumber();
      // alice uses 1 and 3 and cancels 4; bob uses 1 and cancels 2; a failed acceptance uses nothing.
      const a1 = await offerFor(w, w.bob.address, 1n);
      await l.connect(w.bob).acceptOffer(a1, await sign(w, w.alice, a1));
      const a3 = await offerFor(w, w.carol.address, 3n);
      await l.connect(w.carol).acceptOffer(a3, await sign(w, w.alice, a3));
      await l.connect(w.alice).cancelNonce(4n);
      const b1 = { ...(await offerFor(w, w.alice.address, 1n)), assetId: bobs };
      await l.connect(w.alice).acceptOffer(b1, await sign(w, w.bob, b1));
      await l.connect(w.bob).cancelNonce(2n);
      const a5 = await offerFor(w, w.outsider.address, 5n);
      await expect(l.connect(w.outsider).acceptOffer(a5, await sign(w, w.alice, a5))).to.be.revertedWithCustomError(
        w.ledger.registry,
        "NotActiveMember",
      );

      const rebuilt = new Set<string>();
      const used = await l.queryFilter(l.filters.NonceUsed(), fromBlock);
      const cancelled = await l.queryFilter(l.filters.NonceCancelled(), fromBlock);
      for (const e of [...used, ...cancelled]) rebuilt.add(`${e.args.signer}:${e.args.nonce}`);
      expect(used).to.have.length(3);
      expect(cancelled).to.have.length(2);
      for (const signer of [w.alice, w.bob, w.carol]) {
        for (let n = 0n; n <= 6n; n += 1n) {
          expect(await l.nonceUsed(signer.address, n), `${signer.address}:${n}`).to.equal(rebuilt.has(`${signer.address}:${n}`));
        }
      }
    });
  });

  describe("emergency stop", () => {
    it("closing the LicenseRegistry stops every member action with ContractClosed and the court's with AccessManagedUnauthorized", async () => {
      const w = await loadFixture(assetFixture);
      const l = w.ledger.licenses;
      const target = await l.getAddress();
      const { root, rootId, subId } = await withChain(w, { revocable: true });
      const offer = await offerFor(w, w.carol.address, 1n);
      const offerSig = await sign(w, w.alice, offer);
      const c = await consentFor(w, w.bob, rootId);
      const t = await terms(w.carol.address);
      const sub = await subTerms(w.carol.address, root);
      await w.ledger.manager.connect(w.admin).setTargetClosed(target, true);

      const closed: (() => Promise<unknown>)[] = [
        () => l.connect(w.alice).grant(w.id, t),
        () => l.connect(w.carol).acceptOffer(offer, offerSig),
        () => l.connect(w.alice).cancelNonce(9n),
        () => l.connect(w.bob).sublicense(rootId, sub),
        () => l.connect(w.alice).revoke(rootId, h()),
        () => l.connect(w.alice).revokeWithConsent(rootId, c.reasonHash, c.deadline, c.signature),
        () => l.connect(w.carol).surrender(subId, h()),
        () => l.connect(w.alice).close([subId]),
      ];
      for (const call of closed) await expect(call()).to.be.revertedWithCustomError(l, "ContractClosed").withArgs(target);
      await expect(l.connect(w.court).courtRevoke(rootId, h()))
        .to.be.revertedWithCustomError(l, "AccessManagedUnauthorized")
        .withArgs(w.court.address);
      // Views keep answering.
      expect(await stateOf(w, rootId)).to.equal(State.Active);

      await w.ledger.manager.connect(w.admin).setTargetClosed(target, false);
      await l.connect(w.alice).grant(w.id, t);
      expect(await openCount(w)).to.equal(3n);
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

    it("licenseOf and partiesOf return empty records for an unknown id", async () => {
      const w = await loadFixture(assetFixture);
      const l = await w.ledger.licenses.licenseOf(5n);
      expect(l.licensee).to.equal(ethers.ZeroAddress);
      expect(l.assetId).to.equal(0n);
      expect(l.termsDigest).to.equal(ethers.dataSlice(ZERO_HASH, 0, 20));
      expect(await w.ledger.licenses.partiesOf(5n)).to.deep.equal([0n, ethers.ZeroAddress, ethers.ZeroAddress]);
    });
  });

  describe("across the licensee's key rotation", () => {
    it("the licensee organisation's new account sublicenses, surrenders, consents and applies on the licence", async () => {
      const w = await loadFixture(assetFixture);
      const licenceId = await w.ledger.licenses.nextLicenseId();
      await w.ledger.licenses.connect(w.alice).grant(w.id, await licenseTerms(w.bob.address, { sublicensable: true }));
      const fresh = w.spare[0] as HardhatEthersSigner;
      await w.ledger.members.connect(w.registrar).rebind(w.bob.address, fresh.address, h("rebind"));
      expect(await w.ledger.licenses.isInForce(licenceId)).to.equal(true);
      // A derived asset of the new account, on the licence its organisation holds.
      expect(await w.ledger.licenses.grantsRights(licenceId, w.id, fresh.address, 2)).to.equal(true);
      expect(await w.ledger.licenses.grantsRights(licenceId, w.id, w.carol.address, 2)).to.equal(false);
      // It sublicenses as the parent licensee.
      const parent = await w.ledger.licenses.licenseOf(licenceId);
      const sub = await w.ledger.licenses.nextLicenseId();
      await w.ledger.licenses
        .connect(fresh)
        .sublicense(licenceId, await licenseTerms(w.carol.address, { start: Number(parent.start), end: Number(parent.end) }));
      expect((await w.ledger.licenses.licenseOf(sub)).parentId).to.equal(licenceId);
      await expect(w.ledger.licenses.connect(w.dave).surrender(licenceId, h()))
        .to.be.revertedWithCustomError(w.ledger.licenses, "NotLicensee")
        .withArgs(licenceId, w.dave.address);
      // Its consent to a revocation is signed with the new key; the lost key no longer counts.
      const deadline = (await time.latest()) + DAY;
      const reason = h("reason");
      const { chainId } = await ethers.provider.getNetwork();
      const domain = { name: "DRL LicenseRegistry", version: "1", chainId, verifyingContract: await w.ledger.licenses.getAddress() };
      const value = { licenseId: licenceId, reasonHash: reason, deadline };
      const oldKey = await w.bob.signTypedData(domain, CONSENT_TYPES, value);
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(licenceId, reason, deadline, oldKey)).to.be.revertedWithCustomError(
        w.ledger.licenses,
        "InvalidSignature",
      );
      const newKey = await fresh.signTypedData(domain, CONSENT_TYPES, value);
      await expect(w.ledger.licenses.connect(w.alice).revokeWithConsent(licenceId, reason, deadline, newKey))
        .to.emit(w.ledger.licenses, "LicenseRevoked")
        .withArgs(licenceId, w.id, w.alice.address, reason, false, true);
    });
  });
});
