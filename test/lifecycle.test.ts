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
  Reason,
  Rights,
  Status,
  Territory,
  application,
  deployWorld,
  h,
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

describe("lifecycle: one data asset from admission to cancellation", () => {
  it("runs admit → apply → publicity → objection → ruling → confirm → licence → sublicence → listing → trade → pledge → enforcement → cancel", async () => {
    const w = await loadFixture(deployWorld);
    const { registry, members, disputes, licenses, tradeDesk, pledges, milestones } = w.ledger;
    const { registrar, exchange, bob, carol } = w;
    const signers = await ethers.getSigners();
    const newcomer = signers[12];
    if (!newcomer) throw new Error("need at least 13 accounts");
    const registryAddr = await registry.getAddress();
    const pledgesAddr = await pledges.getAddress();
    const tradeDeskAddr = await tradeDesk.getAddress();

    // ── 1. admit a new member ────────────────────────────────────────────────────────────
    expect(await members.isActive(newcomer.address)).to.equal(false);
    const orgId = ethers.id("USCC:Newcomer Data Tech");
    await expect(
      members
        .connect(registrar)
        .admit(newcomer.address, orgId, "Newcomer Data Tech", MemberType.DataProductCompany, Jurisdiction.Domestic)
    )
      .to.emit(members, "MemberAdmitted")
      .withArgs(
        newcomer.address,
        orgId,
        "Newcomer Data Tech",
        MemberType.DataProductCompany,
        Jurisdiction.Domestic,
        registrar.address
      );
    expect(await members.isActive(newcomer.address)).to.equal(true);
    expect(await members.accountOfOrganisation(orgId)).to.equal(newcomer.address);

    // ── 2. apply ─────────────────────────────────────────────────────────────────────────
    const app = await application({ rights: Rights.ALL });
    const id = await registry.nextAssetId();
    const applyTx = await registry.connect(newcomer).submit(app);
    await expect(applyTx).to.emit(registry, "AssetApplied");
    const applied = await only(applyTx, registry.interface, registryAddr, "AssetApplied");
    expect(applied.assetId).to.equal(id);
    expect(applied.applicant).to.equal(newcomer.address);
    expect(applied.contentHash).to.equal(app.contentHash);
    expect(applied.application.contentHash).to.equal(app.contentHash);
    expect(applied.application.sourceEvidenceHash).to.equal(app.sourceEvidenceHash);
    expect(applied.application.validUntil).to.equal(app.validUntil);
    expect(applied.registrantType).to.equal(BigInt(MemberType.DataProductCompany));
    expect(await registry.statusOf(id)).to.equal(Status.Applied);
    expect((await registry.depositOf(app.contentHash))[0]).to.equal(id);
    expect(await registry.nextAssetId()).to.equal(id + 1n);
    // Not a token yet: nothing can be traded.
    expect(await registry.transferCheck(id, newcomer.address, bob.address)).to.equal(Reason.NotRegistered);

    // ── 3. accept: publicity opens ───────────────────────────────────────────────────────
    const publicity = 3 * DAY;
    const acceptTx = await registry.connect(registrar).accept(id, publicity);
    const acceptedAt = (await ethers.provider.getBlock(acceptTx.blockNumber ?? "latest"))?.timestamp;
    if (acceptedAt === undefined) throw new Error("no block");
    const publicityEnd = acceptedAt + publicity;
    await expect(acceptTx).to.emit(registry, "PublicityStarted").withArgs(id, registrar.address, publicityEnd);
    let rec = await registry.recordOf(id);
    expect(rec.status).to.equal(Status.Publicity);
    expect(rec.publicityEnd).to.equal(BigInt(publicityEnd));
    expect(rec.holder).to.equal(newcomer.address);

    // ── 4. bob objects during publicity ─────────────────────────────────────────────────
    const evidence = h("objection-evidence");
    const objectionId = await disputes.nextObjectionId();
    await expect(disputes.connect(bob).object(id, evidence))
      .to.emit(disputes, "ObjectionFiled")
      .withArgs(objectionId, id, bob.address, evidence)
      .and.to.emit(registry, "DisputeCountChanged")
      .withArgs(id, 1);
    rec = await registry.recordOf(id);
    expect(rec.disputed).to.equal(true);
    expect((await registry.registrationOf(id)).openObjections).to.equal(1n);
    const objection = await disputes.objectionOf(objectionId);
    expect(objection.claimant).to.equal(bob.address);
    expect(objection.assetId).to.equal(id);
    expect(objection.status).to.equal(1n); // Open

    // Publicity still running: confirmation waits for the window.
    await expect(registry.connect(registrar).confirm(id))
      .to.be.revertedWithCustomError(registry, "PublicityNotOver")
      .withArgs(id, publicityEnd);
    // Window over, but the objection is still open.
    await time.increaseTo(publicityEnd);
    await expect(registry.connect(registrar).confirm(id))
      .to.be.revertedWithCustomError(registry, "ObjectionsOpen")
      .withArgs(id, 1);
    expect(await registry.statusOf(id)).to.equal(Status.Publicity);

    // ── 5. ruling: the registrar dismisses ──────────────────────────────────────────────
    const decision = h("decision");
    await expect(disputes.connect(registrar).rule(objectionId, 0, decision))
      .to.emit(disputes, "ObjectionRuled")
      .withArgs(objectionId, id, 0, decision, registrar.address, bob.address)
      .and.to.emit(registry, "DisputeCountChanged")
      .withArgs(id, 0);
    expect((await disputes.objectionOf(objectionId)).status).to.equal(2n); // Dismissed
    rec = await registry.recordOf(id);
    expect(rec.disputed).to.equal(false);
    expect(rec.holder).to.equal(newcomer.address);
    // A ruled objection cannot be ruled again.
    await expect(disputes.connect(registrar).rule(objectionId, 0, decision)).to.be.revertedWithCustomError(
      disputes,
      "ObjectionNotOpen"
    );

    // ── 6. confirm ──────────────────────────────────────────────────────────────────────
    expect((await milestones.milestoneOf(id, Milestone.Registration)).set).to.equal(false);
    const confirmTx = await registry.connect(registrar).confirm(id);
    const confirmedAt = (await ethers.provider.getBlock(confirmTx.blockNumber ?? "latest"))?.timestamp;
    if (confirmedAt === undefined) throw new Error("no block");
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
    const firstRegistration = await milestones.milestoneOf(id, Milestone.Registration);
    expect(firstRegistration.set).to.equal(true);
    expect(firstRegistration.attester).to.equal(registrar.address);
    // index 1 is `at` (Result's Array#at shadows the field name)
    expect(firstRegistration[1]).to.equal(BigInt(confirmedAt));
    const reg = await registry.registrationOf(id);
    expect(reg.confirmedBy).to.equal(registrar.address);
    expect(reg.confirmedAt).to.equal(BigInt(confirmedAt));
    expect(await registry.transferCheck(id, newcomer.address, bob.address)).to.equal(Reason.OK);

    // ── 7. licence: holder → bob, processing + operation, sublicensable ─────────────────
    const now7 = await time.latest();
    const licTerms = terms(bob.address, Rights.PROCESSING | Rights.OPERATION, now7, now7 + 200 * DAY, true);
    // Not beyond the registration's validity.
    await expect(
      licenses.connect(newcomer).grant(id, { ...licTerms, end: Number(app.validUntil) + 1 })
    ).to.be.revertedWithCustomError(licenses, "TermExceedsLicensor");
    // Only the holder grants.
    await expect(licenses.connect(carol).grant(id, licTerms))
      .to.be.revertedWithCustomError(registry, "NotHolder")
      .withArgs(id, carol.address);
    const licenceId = await licenses.nextLicenseId();
    const grantTx = await licenses.connect(newcomer).grant(id, licTerms);
    await expect(grantTx).to.emit(licenses, "LicenseGranted");
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

    // ── 8. sublicence: bob → carol, narrower ────────────────────────────────────────────
    const now8 = await time.latest();
    const subTerms = terms(carol.address, Rights.PROCESSING, now8, now8 + 100 * DAY, false);
    // Not wider than bob's own licence, in rights or in term.
    await expect(
      licenses.connect(bob).sublicense(licenceId, { ...subTerms, end: now7 + 200 * DAY + 1 })
    ).to.be.revertedWithCustomError(licenses, "TermExceedsLicensor");
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
    expect(subRecord.flags >> 4n).to.equal(1n); // depth 1
    expect(await licenses.isInForce(subId)).to.equal(true);
    // carol's sublicence is not sublicensable.
    await expect(licenses.connect(carol).sublicense(subId, terms(bob.address, Rights.PROCESSING, now8, now8 + DAY, false)))
      .to.be.revertedWithCustomError(licenses, "NotSublicensable")
      .withArgs(subId);

    // ── 9. list on the trade desk ───────────────────────────────────────────────────────
    const listingRef = h("listing");
    // Without the holder's approval the exchange cannot list.
    await expect(tradeDesk.connect(exchange).list(id, listingRef))
      .to.be.revertedWithCustomError(tradeDesk, "SellerApprovalMissing")
      .withArgs(id, newcomer.address);
    await expect(registry.connect(newcomer).approve(tradeDeskAddr, id))
      .to.emit(registry, "Approval")
      .withArgs(newcomer.address, tradeDeskAddr, id);
    const listTx = await tradeDesk.connect(exchange).list(id, listingRef);
    const listedAt = await time.latest();
    await expect(listTx)
      .to.emit(tradeDesk, "Listed")
      .withArgs(id, exchange.address, newcomer.address, listingRef)
      .and.to.emit(milestones, "MilestoneRecorded")
      .withArgs(id, Milestone.Listing, newcomer.address, exchange.address, listedAt, listingRef, 0);
    expect((await tradeDesk.listingOf(id)).exchange).to.equal(exchange.address);
    const listing = await milestones.milestoneOf(id, Milestone.Listing);
    expect(listing.set).to.equal(true);
    expect(listing.enterprise).to.equal(newcomer.address);
    expect(listing.attester).to.equal(exchange.address);

    // ── 10. trade the holding right to bob ──────────────────────────────────────────────
    const tradeRef = h("trade");
    const price = 1_250_000n;
    const tradeId = await tradeDesk.nextTradeId();
    const tradeTx = await tradeDesk.connect(exchange).tradeHolding(id, bob.address, price, CNY, DeliveryMode.Api, tradeRef);
    const tradedAt = await time.latest();
    await expect(tradeTx)
      .to.emit(tradeDesk, "Delisted")
      .withArgs(id, exchange.address, exchange.address, tradeRef)
      .and.to.emit(registry, "Transfer")
      .withArgs(newcomer.address, bob.address, id)
      .and.to.emit(tradeDesk, "TradeRecorded")
      .withArgs(tradeId, id, exchange.address, newcomer.address, bob.address, 0, price, CNY, DeliveryMode.Api, tradeRef)
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
    // Licences survive the change of holder.
    expect(await licenses.isInForce(licenceId)).to.equal(true);
    expect(await licenses.isInForce(subId)).to.equal(true);
    // The Listing first stays as it was.
    expect((await milestones.milestoneOf(id, Milestone.Listing))[1]).to.equal(BigInt(listedAt));

    // ── 11. pledge: bob → carol ─────────────────────────────────────────────────────────
    const pledgeRef = h("movable-property-registry");
    const secured = 800_000n;
    const due = (await time.latest()) + 30 * DAY;
    expect(await registry.pledgeCheck(id, bob.address, carol.address)).to.equal(Reason.OK);
    // Only the holder proposes.
    await expect(pledges.connect(newcomer).propose(id, carol.address, secured, CNY, due, pledgeRef))
      .to.be.revertedWithCustomError(registry, "NotHolder")
      .withArgs(id, newcomer.address);
    const pledgeId = await pledges.connect(bob).propose.staticCall(id, carol.address, secured, CNY, due, pledgeRef);
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
    expect(await registry.pledgeCheck(id, bob.address, w.alice.address)).to.equal(Reason.Pledged);

    // ── 12. enforcement after the due date ──────────────────────────────────────────────
    await expect(pledges.connect(carol).enforce(pledgeId))
      .to.be.revertedWithCustomError(pledges, "PledgeNotDue")
      .withArgs(pledgeId, due);
    await time.increaseTo(due + 1);
    await expect(pledges.connect(bob).enforce(pledgeId))
      .to.be.revertedWithCustomError(pledges, "NotPledgee")
      .withArgs(pledgeId, bob.address);
    await expect(pledges.connect(carol).enforce(pledgeId))
      .to.emit(pledges, "PledgeEnforced")
      .withArgs(pledgeId, id, carol.address, false, pledgeRef)
      .and.to.emit(registry, "PledgedChanged")
      .withArgs(id, false)
      .and.to.emit(registry, "Transfer")
      .withArgs(bob.address, carol.address, id)
      .and.to.emit(registry, "ForcedTransfer")
      .withArgs(id, bob.address, carol.address, pledgesAddr, pledgeRef);
    expect(await registry.ownerOf(id)).to.equal(carol.address);
    rec = await registry.recordOf(id);
    expect(rec.pledged).to.equal(false);
    expect(rec.holder).to.equal(carol.address);
    expect(await pledges.activePledgeOf(id)).to.equal(0n);
    expect((await pledges.pledgeOf(pledgeId)).status).to.equal(4n); // Enforced
    expect(await registry.transferCheck(id, carol.address, bob.address)).to.equal(Reason.OK);
    expect(await licenses.isInForce(licenceId)).to.equal(true);

    // ── 13. cancel ─────────────────────────────────────────────────────────────────────
    const cancelReason = h("cancel");
    await expect(registry.connect(bob).cancel(id, cancelReason))
      .to.be.revertedWithCustomError(registry, "NotAuthorisedToCancel")
      .withArgs(id, bob.address);
    await expect(registry.connect(carol).cancel(id, cancelReason))
      .to.emit(registry, "RegistrationCancelled")
      .withArgs(id, carol.address, carol.address, cancelReason)
      .and.to.emit(registry, "Transfer")
      .withArgs(carol.address, ethers.ZeroAddress, id);
    expect(await registry.statusOf(id)).to.equal(Status.Cancelled);
    await expect(registry.ownerOf(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
    expect(await registry.balanceOf(carol.address)).to.equal(0n);
    expect(await registry.transferCheck(id, carol.address, bob.address)).to.equal(Reason.Cancelled);
    expect(await licenses.isInForce(licenceId)).to.equal(false);
    expect(await licenses.isInForce(subId)).to.equal(false);
    // The registration number and the firsts stay on the record.
    expect(await registry.registrationNumber(id)).to.equal(expectedNumber);
    expect((await milestones.milestoneOf(id, Milestone.Trade)).set).to.equal(true);
    // The content hash is free again for a new application.
    const again = await registry.nextAssetId();
    await registry.connect(carol).submit(await application({ contentHash: app.contentHash }));
    expect((await registry.depositOf(app.contentHash))[0]).to.equal(again);
  });
});
