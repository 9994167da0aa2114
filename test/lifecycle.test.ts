import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Interface, LogDescription, Result } from "ethers";
import {
  AREA_CODE,
  CNY,
  DAY,
  DeliveryMode,
  Jurisdiction,
  MemberType,
  Milestone,
  PledgeAction,
  Reason,
  Rights,
  Ruling,
  Status,
  application,
  bit,
  commitmentOf,
  deployWorld,
  h,
  sellOrderFor,
  signOrder,
  submit,
  termsFor,
  type LicenseTerms,
} from "./helpers/fixture";
import { checkDigit } from "../sdk/registration-number";

/** Every log of a transaction that `iface` can decode and that has the event name `name`. */
async function decoded(tx: ContractTransactionResponse, iface: Interface, address: string, name: string): Promise<Result[]> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error("no receipt");
  const out: Result[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    let parsed: LogDescription | null = null;
    try {
      parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      parsed = null;
    }
    if (parsed && parsed.name === name) out.push(parsed.args);
  }
  return out;
}

async function only(tx: ContractTransactionResponse, iface: Interface, address: string, name: string): Promise<Result> {
  const all = await decoded(tx, iface, address, name);
  expect(all, `${name} events`).to.have.length(1);
  return all[0] as Result;
}

function terms(licensee: string, rights: number, start: number, end: number, sublicensable: boolean): LicenseTerms {
  return termsFor(licensee, { rights, start, end, sublicensable, feeAmount: 250_000n });
}

const ObjectionStatus = { Open: 1n, Dismissed: 2n, Cancelled: 3n } as const;
const PledgeStatus = { Active: 2n, Discharged: 6n } as const;
const LicenseState = { Active: 1n, Ended: 5n } as const;
const LicenceEnd = { AssetCancelled: 1n } as const;

describe("lifecycle: one data asset from admission to cancellation", () => {
  it("runs admit → commit → reveal → publicity → objection → ruling → confirm → licence → sublicence → sell order → listing → trade → pledge → admitted objection → court holds → court transfer carrying the pledge → enforcement → court cancellation", async () => {
    const w = await loadFixture(deployWorld);
    const { registry, office, members, disputes, licenses, tradeDesk, pledges, milestones } = w.ledger;
    const { registrar, exchange, court, court2, alice, bob, carol } = w;
    const newcomer = w.spare[0];
    if (!newcomer) throw new Error("need a spare account");
    const registryAddr = await registry.getAddress();
    const officeAddr = await office.getAddress();
    const disputesAddr = await disputes.getAddress();
    const pledgesAddr = await pledges.getAddress();
    const tradeDeskAddr = await tradeDesk.getAddress();

    // ── 1. admit a new member ────────────────────────────────────────────────────────────
    expect(await members.isActive(newcomer.address)).to.equal(false);
    const orgId = ethers.id("USCC:Newcomer Data Tech");
    await expect(
      members.connect(registrar).admit(newcomer.address, orgId, "Newcomer Data Tech", MemberType.DataProductCompany, Jurisdiction.Domestic)
    )
      .to.emit(members, "MemberAdmitted")
      .withArgs(newcomer.address, orgId, "Newcomer Data Tech", MemberType.DataProductCompany, Jurisdiction.Domestic, registrar.address);
    expect(await members.isActive(newcomer.address)).to.equal(true);
    expect(await members.accountOfOrganisation(orgId)).to.equal(newcomer.address);

    // ── 2. apply: commit, then reveal in a later block ───────────────────────────────────
    const app = await application({ rights: Rights.ALL });
    const salt = h("salt");
    const commitment = commitmentOf(newcomer.address, app.contentHash as string, salt);
    expect(await office.commitmentFor(newcomer.address, app.contentHash, salt)).to.equal(commitment);
    await expect(office.connect(newcomer).commit(commitment))
      .to.emit(office, "ApplicationCommitted")
      .withArgs(commitment, newcomer.address);
    // The commitment hides the content hash: another member cannot reveal it as its own.
    await expect(office.connect(bob).submit(app, salt))
      .to.be.revertedWithCustomError(office, "UnknownCommitment")
      .withArgs(commitmentOf(bob.address, app.contentHash as string, salt));
    const id = await registry.nextAssetId();
    const applyTx = await office.connect(newcomer).submit(app, salt);
    const appliedAt = await time.latest();
    const applied = await only(applyTx, office.interface, officeAddr, "AssetApplied");
    expect(applied.assetId).to.equal(id);
    expect(applied.applicant).to.equal(newcomer.address);
    expect(applied.application.name).to.equal(app.name);
    expect(applied.application.contentHash).to.equal(app.contentHash);
    expect(applied.application.sourceEvidenceHash).to.equal(app.sourceEvidenceHash);
    expect(applied.application.validUntil).to.equal(app.validUntil);
    expect(applied.registrantType).to.equal(BigInt(MemberType.DataProductCompany));
    expect(applied.commitment).to.equal(commitment);
    expect(await registry.statusOf(id)).to.equal(Status.Applied);
    expect(await office.depositOf(app.contentHash)).to.deep.equal([id, BigInt(appliedAt), id]);
    expect(await registry.nextAssetId()).to.equal(id + 1n);
    // Not a token yet: nothing can be traded.
    expect(await registry.transferCheck(id, newcomer.address, bob.address)).to.equal(Reason.NotRegistered);

    // ── 3. accept: publicity opens ───────────────────────────────────────────────────────
    const publicity = 3 * DAY;
    const acceptTx = await registry.connect(registrar).accept(id, publicity);
    const publicityEnd = (await time.latest()) + publicity;
    await expect(acceptTx).to.emit(registry, "PublicityStarted").withArgs(id, registrar.address, publicityEnd);
    let rec = await registry.recordOf(id);
    expect(rec.status).to.equal(Status.Publicity);
    expect(rec.holder).to.equal(newcomer.address);
    expect(rec.appliedAt).to.equal(BigInt(appliedAt));
    expect((await registry.registrationOf(id)).publicityEnd).to.equal(BigInt(publicityEnd));

    // ── 4. bob objects during publicity ─────────────────────────────────────────────────
    const evidence = h("objection-evidence");
    const objectionId = await disputes.nextObjectionId();
    await expect(disputes.connect(bob).object(id, evidence))
      .to.emit(disputes, "ObjectionFiled")
      .withArgs(objectionId, id, bob.address, evidence)
      .and.to.emit(registry, "DisputeFlagsChanged")
      .withArgs(id, true, false);
    rec = await registry.recordOf(id);
    expect([rec.objectionsOpen, rec.disputed]).to.deep.equal([true, false]);
    const objection = await disputes.objectionOf(objectionId);
    expect(objection.claimant).to.equal(bob.address);
    expect(objection.assetId).to.equal(id);
    expect(objection.status).to.equal(ObjectionStatus.Open);
    // One open objection per claimant and asset.
    await expect(disputes.connect(bob).object(id, h()))
      .to.be.revertedWithCustomError(disputes, "ObjectionAlreadyOpen")
      .withArgs(id, bob.address, objectionId);

    // Publicity still running: confirmation waits for the window.
    await expect(registry.connect(registrar).confirm(id))
      .to.be.revertedWithCustomError(registry, "PublicityNotOver")
      .withArgs(id, publicityEnd);
    // Window over, but the objection is still open.
    await time.increaseTo(publicityEnd);
    await expect(registry.connect(registrar).confirm(id)).to.be.revertedWithCustomError(registry, "ObjectionsOpen").withArgs(id);
    expect(await registry.statusOf(id)).to.equal(Status.Publicity);

    // ── 5. ruling: the registrar dismisses ──────────────────────────────────────────────
    const decision = h("decision");
    await expect(disputes.connect(registrar).rule(objectionId, Ruling.Dismiss, decision, []))
      .to.emit(disputes, "ObjectionRuled")
      .withArgs(objectionId, id, Ruling.Dismiss, decision, registrar.address, bob.address)
      .and.to.emit(registry, "DisputeFlagsChanged")
      .withArgs(id, false, false);
    expect((await disputes.objectionOf(objectionId)).status).to.equal(ObjectionStatus.Dismissed);
    rec = await registry.recordOf(id);
    expect([rec.objectionsOpen, rec.disputed]).to.deep.equal([false, false]);
    expect(rec.holder).to.equal(newcomer.address);
    // A ruled objection cannot be ruled again.
    await expect(disputes.connect(registrar).rule(objectionId, Ruling.Dismiss, decision, [])).to.be.revertedWithCustomError(
      disputes,
      "ObjectionNotOpen"
    );

    // ── 6. confirm ──────────────────────────────────────────────────────────────────────
    expect((await milestones.milestoneOf(id, Milestone.Registration)).set).to.equal(false);
    const confirmTx = await registry.connect(registrar).confirm(id);
    const confirmedAt = await time.latest();
    const registered = await only(confirmTx, registry.interface, registryAddr, "AssetRegistered");
    const year = new Date(confirmedAt * 1000).getUTCFullYear();
    const typeCode = MemberType.DataProductCompany + 1;
    const body = `${year}${String(AREA_CODE).padStart(6, "0")}${typeCode}${id.toString().padStart(10, "0")}`;
    const expectedNumber = `DR-${year}-${AREA_CODE}-${typeCode}-${id.toString().padStart(10, "0")}-${checkDigit(body)}`;
    await expect(confirmTx)
      .to.emit(registry, "AssetRegistered")
      .withArgs(id, newcomer.address, registrar.address, expectedNumber, confirmedAt, app.validUntil)
      .and.to.emit(registry, "Transfer")
      .withArgs(ethers.ZeroAddress, newcomer.address, id);
    expect(registered.registrationNumber).to.equal(expectedNumber);
    expect(await registry.registrationNumber(id)).to.equal(expectedNumber);
    expect(await registry.ownerOf(id)).to.equal(newcomer.address);
    expect(await registry.balanceOf(newcomer.address)).to.equal(1n);
    expect(await registry.statusOf(id)).to.equal(Status.Registered);
    // The first registration is the confirmation itself.
    const firstRegistration = await milestones.milestoneOf(id, Milestone.Registration);
    expect(firstRegistration.set).to.equal(true);
    // index 1 is `at` (Result's Array#at shadows the field name)
    expect(firstRegistration[1]).to.equal(BigInt(confirmedAt));
    const reg = await registry.registrationOf(id);
    expect([reg.appliedAt, reg.publicityEnd, reg.confirmedAt]).to.deep.equal([
      BigInt(appliedAt),
      BigInt(publicityEnd),
      BigInt(confirmedAt),
    ]);
    expect(await registry.transferCheck(id, newcomer.address, bob.address)).to.equal(Reason.OK);

    // ── 7. licence: holder → bob, processing + operation, sublicensable ─────────────────
    const now7 = await time.latest();
    const licTerms = terms(bob.address, Rights.PROCESSING | Rights.OPERATION, now7, now7 + 200 * DAY, true);
    // Not beyond the registration's validity, nor before its application.
    await expect(licenses.connect(newcomer).grant(id, { ...licTerms, end: Number(app.validUntil) + 1 })).to.be.revertedWithCustomError(
      licenses,
      "TermExceedsLicensor"
    );
    await expect(licenses.connect(newcomer).grant(id, { ...licTerms, start: appliedAt - 1 }))
      .to.be.revertedWithCustomError(licenses, "TermExceedsLicensor")
      .withArgs(appliedAt - 1, licTerms.end, appliedAt, app.validUntil);
    // Only the holder grants.
    await expect(licenses.connect(carol).grant(id, licTerms))
      .to.be.revertedWithCustomError(registry, "NotHolder")
      .withArgs(id, carol.address);
    const licenceId = await licenses.nextLicenseId();
    const grantTx = await licenses.connect(newcomer).grant(id, licTerms);
    const granted = await only(grantTx, licenses.interface, await licenses.getAddress(), "LicenseGranted");
    expect(granted.licenseId).to.equal(licenceId);
    expect(granted.assetId).to.equal(id);
    expect(granted.licensee).to.equal(bob.address);
    expect(granted.licensor).to.equal(newcomer.address);
    expect(granted.parentId).to.equal(0n);
    expect(granted.terms.rights).to.equal(BigInt(Rights.PROCESSING | Rights.OPERATION));
    expect(granted.terms.sublicensable).to.equal(true);
    expect(granted.viaOffer).to.equal(false);
    expect(await licenses.isInForce(licenceId)).to.equal(true);
    expect(await licenses.grantsRights(licenceId, id, bob.address, Rights.OPERATION)).to.equal(true);
    expect(
      await licenses.verifyTerms(licenceId, licTerms.scopeHash, licTerms.termsHash, licTerms.feeAmount, licTerms.feeCurrency)
    ).to.equal(true);
    // Not granted as revocable: the holder cannot revoke it alone.
    await expect(licenses.connect(newcomer).revoke(licenceId, h()))
      .to.be.revertedWithCustomError(licenses, "NotRevocable")
      .withArgs(licenceId);

    // ── 8. sublicence: bob → carol, narrower ────────────────────────────────────────────
    const now8 = await time.latest();
    const subTerms = terms(carol.address, Rights.PROCESSING, now8, now8 + 100 * DAY, false);
    // Not wider than bob's own licence, in rights or in term.
    await expect(licenses.connect(bob).sublicense(licenceId, { ...subTerms, end: now7 + 200 * DAY + 1 })).to.be.revertedWithCustomError(
      licenses,
      "TermExceedsLicensor"
    );
    await expect(
      licenses.connect(bob).sublicense(licenceId, { ...subTerms, rights: Rights.HOLDING | Rights.PROCESSING })
    ).to.be.revertedWithCustomError(licenses, "OutOfRange");
    const subId = await licenses.nextLicenseId();
    const subTx = await licenses.connect(bob).sublicense(licenceId, subTerms);
    const sub = await only(subTx, licenses.interface, await licenses.getAddress(), "LicenseGranted");
    expect(sub.licenseId).to.equal(subId);
    expect(sub.assetId).to.equal(id);
    expect(sub.licensee).to.equal(carol.address);
    expect(sub.licensor).to.equal(bob.address);
    expect(sub.parentId).to.equal(licenceId);
    const subRecord = await licenses.licenseOf(subId);
    expect(subRecord.parentId).to.equal(licenceId);
    expect(subRecord.rights).to.equal(BigInt(Rights.PROCESSING));
    expect((subRecord.flags >> 5n) & 3n).to.equal(1n); // depth 1
    expect(await licenses.isInForce(subId)).to.equal(true);
    expect((await registry.registrationOf(id)).openLicenses).to.equal(2n);
    // carol's sublicence is not sublicensable.
    await expect(licenses.connect(carol).sublicense(subId, terms(bob.address, Rights.PROCESSING, now8, now8 + DAY, false)))
      .to.be.revertedWithCustomError(licenses, "NotSublicensable")
      .withArgs(subId);

    // ── 9. the holder signs a sell order; the exchange lists it ─────────────────────────
    const listingRef = h("listing");
    const price = 1_250_000n;
    const order = await sellOrderFor(w, id, { buyer: bob.address, price });
    // Changed: an approval of the desk used to be the consent to list; now it takes the holder's own order.
    await expect(registry.connect(newcomer).approve(tradeDeskAddr, id))
      .to.emit(registry, "Approval")
      .withArgs(newcomer.address, tradeDeskAddr, id);
    await expect(tradeDesk.connect(exchange).list(order, "0x", listingRef)).to.be.revertedWithCustomError(tradeDesk, "InvalidSignature");
    await expect(tradeDesk.connect(exchange).list(order, await signOrder(w, bob, order), listingRef)).to.be.revertedWithCustomError(
      tradeDesk,
      "InvalidSignature"
    );
    const signature = await signOrder(w, newcomer, order);
    // Only the exchange the order names may list it.
    await expect(tradeDesk.connect(w.exchange2).list(order, signature, listingRef))
      .to.be.revertedWithCustomError(tradeDesk, "WrongExchange")
      .withArgs(exchange.address, w.exchange2.address);
    const listTx = await tradeDesk.connect(exchange).list(order, signature, listingRef);
    const listedAt = await time.latest();
    await expect(listTx)
      .to.emit(tradeDesk, "Listed")
      .withArgs(id, exchange.address, newcomer.address, listingRef, await tradeDesk.orderDigest(order))
      .and.to.emit(milestones, "MilestoneRecorded")
      .withArgs(id, Milestone.Listing, newcomer.address, exchange.address, listedAt, listingRef, 0);
    expect((await tradeDesk.listingOf(id)).exchange).to.equal(exchange.address);
    expect(await tradeDesk.liveListingOf(id)).to.equal(exchange.address);
    const listing = await milestones.milestoneOf(id, Milestone.Listing);
    expect(listing.set).to.equal(true);
    expect(listing.enterprise).to.equal(newcomer.address);
    expect(listing.attester).to.equal(exchange.address);

    // ── 10. the exchange executes the order: the holding right goes to bob ───────────────
    const tradeRef = h("trade");
    // The order names its buyer.
    await expect(tradeDesk.connect(exchange).tradeHolding(order, signature, carol.address, DeliveryMode.Api, tradeRef))
      .to.be.revertedWithCustomError(tradeDesk, "WrongBuyer")
      .withArgs(bob.address, carol.address);
    const tradeId = await tradeDesk.nextTradeId();
    const tradeTx = await tradeDesk.connect(exchange).tradeHolding(order, signature, bob.address, DeliveryMode.Api, tradeRef);
    const tradedAt = await time.latest();
    await expect(tradeTx)
      .to.emit(tradeDesk, "Delisted")
      .withArgs(id, exchange.address, exchange.address, tradeRef)
      .and.to.emit(registry, "Transfer")
      .withArgs(newcomer.address, bob.address, id)
      .and.to.emit(tradeDesk, "TradeRecorded")
      .withArgs(tradeId, id, exchange.address, newcomer.address, bob.address, 0, price, CNY, DeliveryMode.Api, tradeRef)
      .and.to.emit(tradeDesk, "NonceUsed")
      .withArgs(newcomer.address, order.nonce)
      .and.to.emit(milestones, "MilestoneRecorded")
      .withArgs(id, Milestone.Trade, newcomer.address, exchange.address, tradedAt, tradeRef, 0);
    expect(await registry.ownerOf(id)).to.equal(bob.address);
    expect(await registry.balanceOf(newcomer.address)).to.equal(0n);
    expect(await registry.balanceOf(bob.address)).to.equal(1n);
    expect(await registry.getApproved(id)).to.equal(ethers.ZeroAddress);
    expect((await tradeDesk.listingOf(id)).exchange).to.equal(ethers.ZeroAddress);
    const trade = await tradeDesk.tradeOf(tradeId);
    expect(trade.seller).to.equal(newcomer.address);
    expect(trade.buyer).to.equal(bob.address);
    expect(trade.price).to.equal(price);
    // The order is used up, and it was the old holder's: it cannot move the token again.
    expect(await tradeDesk.nonceUsed(newcomer.address, order.nonce)).to.equal(true);
    expect(await tradeDesk.liveListingOf(id)).to.equal(ethers.ZeroAddress);
    // A sale does not break a licence: both bind the new holder.
    expect(await licenses.isInForce(licenceId)).to.equal(true);
    expect(await licenses.isInForce(subId)).to.equal(true);
    expect((await licenses.partiesOf(licenceId)).licensor).to.equal(bob.address);
    // The Listing first stays as it was.
    expect((await milestones.milestoneOf(id, Milestone.Listing))[1]).to.equal(BigInt(listedAt));

    // ── 11. pledge: bob → carol, due within the validity ────────────────────────────────
    const pledgeRef = h("movable-property-registry");
    const secured = 800_000n;
    const due = (await time.latest()) + 30 * DAY;
    expect(await registry.pledgeCheck(id, bob.address, carol.address)).to.equal(Reason.OK);
    // Only the holder proposes, and not for a due date after the validity.
    await expect(pledges.connect(newcomer).propose(id, carol.address, secured, CNY, due, pledgeRef))
      .to.be.revertedWithCustomError(registry, "NotHolder")
      .withArgs(id, newcomer.address);
    await expect(pledges.connect(bob).propose(id, carol.address, secured, CNY, Number(app.validUntil) + 1, pledgeRef))
      .to.be.revertedWithCustomError(pledges, "DueAfterValidity")
      .withArgs(Number(app.validUntil) + 1, app.validUntil);
    const pledgeId = await pledges.nextPledgeId();
    await expect(pledges.connect(bob).propose(id, carol.address, secured, CNY, due, pledgeRef))
      .to.emit(pledges, "PledgeProposed")
      .withArgs(pledgeId, id, bob.address, carol.address, secured, CNY, due, pledgeRef);
    expect((await registry.recordOf(id)).pledged).to.equal(false); // a proposal does not encumber
    const acceptPledgeTx = await pledges.connect(carol).accept(pledgeId);
    const pledgedAt = await time.latest();
    await expect(acceptPledgeTx)
      .to.emit(pledges, "PledgeActivated")
      .withArgs(pledgeId, id, carol.address)
      .and.to.emit(registry, "PledgedChanged")
      .withArgs(id, true)
      .and.to.emit(milestones, "MilestoneRecorded")
      .withArgs(id, Milestone.Financing, bob.address, carol.address, pledgedAt, pledgeRef, 0);
    expect((await registry.recordOf(id)).pledged).to.equal(true);
    expect(await pledges.activePledgeOf(id)).to.equal(pledgeId);
    expect((await milestones.milestoneOf(id, Milestone.Financing)).enterprise).to.equal(bob.address);
    expect(await registry.transferCheck(id, bob.address, carol.address)).to.equal(Reason.Pledged);
    await expect(registry.connect(bob).transferFrom(bob.address, carol.address, id))
      .to.be.revertedWithCustomError(registry, "AssetPledged")
      .withArgs(id);
    expect(await registry.pledgeCheck(id, bob.address, alice.address)).to.equal(Reason.Pledged);

    // ── 12. after registration, alice objects; the objection is shown, then admitted ─────
    const claimId = await disputes.nextObjectionId();
    const claim = h("claim");
    await expect(disputes.connect(alice).object(id, claim))
      .to.emit(disputes, "ObjectionFiled")
      .withArgs(claimId, id, alice.address, claim)
      .and.to.emit(registry, "DisputeFlagsChanged")
      .withArgs(id, true, false);
    // Recorded, but not yet disputed.
    expect(await registry.transferReasons(id, bob.address, alice.address)).to.equal(bit(Reason.Pledged));
    await expect(disputes.connect(court).admit(claimId))
      .to.emit(disputes, "ObjectionAdmitted")
      .withArgs(claimId, id, court.address)
      .and.to.emit(registry, "DisputeFlagsChanged")
      .withArgs(id, true, true);
    expect(await registry.transferReasons(id, bob.address, alice.address)).to.equal(bit(Reason.Disputed) | bit(Reason.Pledged));

    // ── 13. two courts hold the asset, each for its own case ────────────────────────────
    const case1 = h("case-1");
    const case2 = h("case-2");
    await expect(disputes.connect(court).freeze(id, case1))
      .to.emit(disputes, "AssetFrozenByCourt")
      .withArgs(id, case1, court.address)
      .and.to.emit(registry, "FrozenChanged")
      .withArgs(id, true);
    await expect(disputes.connect(court2).freeze(id, case2)).to.emit(disputes, "AssetFrozenByCourt").withArgs(id, case2, court2.address);
    expect(await disputes.docketOf(id)).to.deep.equal([1n, 1n, 2n]);
    // A court lifts only its own hold.
    await expect(disputes.connect(court).unfreeze(id, case2))
      .to.be.revertedWithCustomError(disputes, "NotHoldingCourt")
      .withArgs(id, case2, court.address);
    await expect(disputes.connect(court2).unfreeze(id, case2))
      .to.emit(disputes, "AssetUnfrozenByCourt")
      .withArgs(id, case2, court2.address);
    expect((await registry.recordOf(id)).frozen).to.equal(true);

    // ── 14. the court orders the asset to alice, carrying the pledge ────────────────────
    const case3 = h("case-3");
    await expect(disputes.connect(court).orderTransfer(id, alice.address, case3, PledgeAction.None))
      .to.be.revertedWithCustomError(disputes, "PledgeActionRequired")
      .withArgs(id);
    await expect(disputes.connect(court).orderTransfer(id, alice.address, case3, PledgeAction.Carry))
      .to.emit(pledges, "PledgeCarried")
      .withArgs(pledgeId, id, alice.address, bob.address, case3)
      .and.to.emit(registry, "ForcedTransfer")
      .withArgs(id, bob.address, alice.address, disputesAddr, case3)
      .and.to.emit(registry, "Transfer")
      .withArgs(bob.address, alice.address, id)
      .and.to.emit(disputes, "TransferOrdered")
      .withArgs(id, alice.address, case3, court.address);
    expect(await registry.ownerOf(id)).to.equal(alice.address);
    const carried = await pledges.pledgeOf(pledgeId);
    expect([carried.pledgor, carried.pledgee, carried.status]).to.deep.equal([alice.address, carol.address, PledgeStatus.Active]);
    rec = await registry.recordOf(id);
    expect([rec.frozen, rec.pledged, rec.disputed]).to.deep.equal([true, true, true]);
    expect(await licenses.isInForce(licenceId)).to.equal(true);

    // ── 15. enforcement after the due date ──────────────────────────────────────────────
    await expect(pledges.connect(carol).enforce(pledgeId)).to.be.revertedWithCustomError(pledges, "PledgeNotDue").withArgs(pledgeId, due);
    await time.increaseTo(due + 1);
    await expect(pledges.connect(bob).enforce(pledgeId))
      .to.be.revertedWithCustomError(pledges, "NotPledgee")
      .withArgs(pledgeId, bob.address);
    // A court hold stops the pledgee's own enforcement…
    await expect(pledges.connect(carol).enforce(pledgeId)).to.be.revertedWithCustomError(registry, "AssetFrozen").withArgs(id);
    await disputes.connect(court).unfreeze(id, case1);
    // …but the pledgor's own admitted objection does not shield the asset from its creditor.
    expect((await disputes.objectionOf(claimId)).claimant).to.equal(alice.address);
    await expect(pledges.connect(carol).enforce(pledgeId))
      .to.emit(pledges, "PledgeEnforced")
      .withArgs(pledgeId, id, carol.address, false, pledgeRef)
      .and.to.emit(registry, "PledgedChanged")
      .withArgs(id, false)
      .and.to.emit(registry, "Transfer")
      .withArgs(alice.address, carol.address, id)
      .and.to.emit(registry, "ForcedTransfer")
      .withArgs(id, alice.address, carol.address, pledgesAddr, pledgeRef);
    expect(await registry.ownerOf(id)).to.equal(carol.address);
    rec = await registry.recordOf(id);
    expect([rec.pledged, rec.frozen, rec.disputed]).to.deep.equal([false, false, true]);
    expect(await pledges.activePledgeOf(id)).to.equal(0n);
    expect(await licenses.isInForce(licenceId)).to.equal(true);

    // ── 16. the holder cannot cancel while licences are in force ────────────────────────
    // Changed: the holder used to cancel here and its licensees were cut off silently.
    await expect(registry.connect(carol).cancel(id, h())).to.be.revertedWithCustomError(registry, "LicensesOpen").withArgs(id, 2);
    await expect(registry.connect(registrar).registrarCancel(id, h()))
      .to.be.revertedWithCustomError(registry, "LicensesOpen")
      .withArgs(id, 2);

    // ── 17. the court upholds alice's objection and cancels: its licences end, each with an event ──
    const judgment = h("judgment");
    const cancelTx = await disputes.connect(court).courtRule(claimId, Ruling.Cancel, judgment, [licenceId, subId], PledgeAction.None);
    await expect(cancelTx)
      .to.emit(licenses, "LicenseEnded")
      .withArgs(licenceId, id, judgment, LicenceEnd.AssetCancelled)
      .and.to.emit(licenses, "LicenseEnded")
      .withArgs(subId, id, judgment, LicenceEnd.AssetCancelled)
      .and.to.emit(registry, "RegistrationCancelled")
      .withArgs(id, disputesAddr, carol.address, judgment)
      .and.to.emit(registry, "Transfer")
      .withArgs(carol.address, ethers.ZeroAddress, id)
      .and.to.emit(disputes, "ObjectionRuled")
      .withArgs(claimId, id, Ruling.Cancel, judgment, court.address, alice.address);
    expect(await decoded(cancelTx, licenses.interface, await licenses.getAddress(), "LicenseEnded")).to.have.length(2);
    expect(await registry.statusOf(id)).to.equal(Status.Cancelled);
    expect((await disputes.objectionOf(claimId)).status).to.equal(ObjectionStatus.Cancelled);
    await expect(registry.ownerOf(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
    expect(await registry.balanceOf(carol.address)).to.equal(0n);
    expect(await registry.transferCheck(id, carol.address, bob.address)).to.equal(Reason.Cancelled);
    expect(await licenses.stateOf(licenceId)).to.equal(LicenseState.Ended);
    expect(await licenses.stateOf(subId)).to.equal(LicenseState.Ended);
    rec = await registry.recordOf(id);
    expect([rec.objectionsOpen, rec.disputed]).to.deep.equal([false, false]);
    expect((await registry.registrationOf(id)).openLicenses).to.equal(0n);
    // The registration number, its confirmation time and the firsts stay on the record.
    expect(await registry.registrationNumber(id)).to.equal(expectedNumber);
    expect((await registry.registrationOf(id)).confirmedAt).to.equal(BigInt(confirmedAt));
    expect((await milestones.milestoneOf(id, Milestone.Trade)).set).to.equal(true);
    expect((await milestones.milestoneOf(id, Milestone.Financing)).set).to.equal(true);
    // The content hash is free again for a new application; its first deposit time stays.
    const again = await submit(w, carol, { contentHash: app.contentHash });
    expect(await office.depositOf(app.contentHash)).to.deep.equal([again, BigInt(appliedAt), id]);
    expect((await registry.recordOf(again)).holder).to.equal(carol.address);
  });
});
