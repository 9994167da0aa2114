import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  application,
  commitTo,
  DataCategory,
  DAY,
  deployWorld,
  Grade,
  h,
  Jurisdiction,
  licenseTerms,
  MemberType,
  PersonalInfo,
  Reason,
  register,
  Status,
  submit,
  Territory,
  YEAR,
  type World,
  Field,
} from "./helpers/fixture";

const ExportMechanism = { SecurityAssessment: 0, StandardContract: 1, Certification: 2, Exempt: 3 } as const;
/** LicenseRegistry.LicenseState values used here. */
const LicenseState = { Active: 1n, Suspended: 7n } as const;

interface ComplianceWorld extends World {
  /** A second foreign member (besides dave). */
  erin: HardhatEthersSigner;
}

async function complianceWorld(): Promise<ComplianceWorld> {
  const w = await deployWorld();
  const erin = w.spare[0];
  if (!erin) throw new Error("needs a spare account");
  await w.ledger.members
    .connect(w.registrar)
    .admit(erin.address, ethers.id("USCC:Erin Overseas SARL"), "Erin Overseas SARL", MemberType.Enterprise, Jurisdiction.Foreign);
  return { ...w, erin };
}

/** A personal-data application of `content` by `who` (commit, then a reveal that must fail). */
async function revealPersonal(w: World, who: HardhatEthersSigner, content: string) {
  const app = await application({ contentHash: content, category: DataCategory.Personal, personalInfo: PersonalInfo.DeIdentified });
  const salt = await commitTo(w, who, content);
  return w.ledger.office.connect(who).submit(app, salt);
}

describe("ComplianceRegistry", () => {
  let w: ComplianceWorld;

  beforeEach(async () => {
    w = await loadFixture(complianceWorld);
  });

  it("is wired to the registry and refuses a zero registry at deployment", async () => {
    expect(await w.ledger.compliance.registry()).to.equal(await w.ledger.registry.getAddress());
    const factory = await ethers.getContractFactory("ComplianceRegistry", w.admin);
    await expect(factory.deploy(await w.ledger.manager.getAddress(), ethers.ZeroAddress))
      .to.be.revertedWithCustomError(w.ledger.compliance, "ZeroAddress")
      .withArgs(Field.Registry);
  });

  describe("confirmGrade", () => {
    it("sets the grade of a registration; core stops circulation", async () => {
      const { compliance, registry } = w.ledger;
      const id = await register(w, w.alice);
      const report = h();
      await expect(compliance.connect(w.regulator).confirmGrade(id, Grade.Important, report))
        .to.emit(compliance, "GradeConfirmed")
        .withArgs(id, Grade.Important, report, w.regulator.address)
        .and.to.emit(registry, "GradeChanged")
        .withArgs(id, Grade.General, Grade.Important)
        .and.to.emit(registry, "MetadataUpdate")
        .withArgs(id);
      expect((await registry.recordOf(id)).grade).to.equal(BigInt(Grade.Important));
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);

      await expect(compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h()))
        .to.emit(registry, "GradeChanged")
        .withArgs(id, Grade.Important, Grade.Core);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.CoreData);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "CoreDataRestricted")
        .withArgs(id);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("a regrade to core suspends every licence of the asset; a regrade back restores them", async () => {
      const { compliance, licenses } = w.ledger;
      const id = await register(w, w.alice);
      const domestic = await licenses.nextLicenseId();
      await licenses.connect(w.alice).grant(id, await licenseTerms(w.bob.address));
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, w.dave.address, h(), 0, (await time.latest()) + YEAR);
      const crossBorder = await licenses.nextLicenseId();
      await licenses.connect(w.alice).grant(id, await licenseTerms(w.dave.address, { territory: Territory.CrossBorder }));
      expect(await licenses.isInForce(domestic)).to.equal(true);
      expect(await licenses.isInForce(crossBorder)).to.equal(true);

      await compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h());
      for (const lid of [domestic, crossBorder]) {
        expect(await licenses.isInForce(lid)).to.equal(false);
        expect(await licenses.stateOf(lid)).to.equal(LicenseState.Suspended);
      }
      await compliance.connect(w.regulator).confirmGrade(id, Grade.Important, h());
      expect(await licenses.isInForce(domestic)).to.equal(true);
      expect(await licenses.isInForce(crossBorder)).to.equal(true);
    });

    it("grades an application during review and during publicity", async () => {
      const { compliance, registry } = w.ledger;
      const id = await submit(w, w.alice);
      await expect(compliance.connect(w.regulator).confirmGrade(id, Grade.Important, h()))
        .to.emit(registry, "GradeChanged")
        .withArgs(id, Grade.General, Grade.Important);
      await registry.connect(w.registrar).accept(id, DAY);
      await expect(compliance.connect(w.regulator).confirmGrade(id, Grade.General, h()))
        .to.emit(registry, "GradeChanged")
        .withArgs(id, Grade.Important, Grade.General);
      expect((await registry.recordOf(id)).grade).to.equal(BigInt(Grade.General));
    });

    it("refuses an unknown, refused or cancelled asset (registry WrongStatus)", async () => {
      const { compliance, registry } = w.ledger;
      await expect(compliance.connect(w.regulator).confirmGrade(999, Grade.General, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(999, Status.None);
      const refused = await submit(w, w.alice);
      await registry.connect(w.registrar).refuse(refused, h());
      await expect(compliance.connect(w.regulator).confirmGrade(refused, Grade.General, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(refused, Status.Refused);
      const cancelled = await register(w, w.alice);
      await registry.connect(w.alice).cancel(cancelled, h());
      await expect(compliance.connect(w.regulator).confirmGrade(cancelled, Grade.General, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(cancelled, Status.Cancelled);
    });

    it("rejects an out-of-range grade and a zero report", async () => {
      const { compliance } = w.ledger;
      const id = await register(w, w.alice);
      await expect(compliance.connect(w.regulator).confirmGrade(id, 3, h()))
        .to.be.revertedWithCustomError(compliance, "OutOfRange")
        .withArgs(Field.Grade, 3);
      await expect(compliance.connect(w.regulator).confirmGrade(id, 99, h()))
        .to.be.revertedWithCustomError(compliance, "OutOfRange")
        .withArgs(Field.Grade, 99);
      await expect(compliance.connect(w.regulator).confirmGrade(id, Grade.Core, ethers.ZeroHash))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs(Field.ReportHash);
      expect((await w.ledger.registry.recordOf(id)).grade).to.equal(BigInt(Grade.General));
    });
  });

  describe("recordDeidentificationReview", () => {
    it("records a passed review for an applicant, which lets that applicant apply for personal data", async () => {
      const { compliance, registry } = w.ledger;
      const content = h("personal");
      expect(await compliance.hasDeidentificationReview(w.alice.address, content)).to.equal(false);
      const report = h();
      await expect(compliance.connect(w.regulator).recordDeidentificationReview(w.alice.address, content, true, report))
        .to.emit(compliance, "DeidentificationReviewed")
        .withArgs(content, w.alice.address, true, report, w.regulator.address);
      const at = await time.latest();
      const review = await compliance.reviewOf(w.alice.address, content);
      expect(review.reviewer).to.equal(w.regulator.address);
      expect(review.reviewedAt).to.equal(BigInt(at));
      expect(review.passed).to.equal(true);
      expect(review.reportHash).to.equal(report);
      expect(await compliance.hasDeidentificationReview(w.alice.address, content)).to.equal(true);
      const id = await submit(w, w.alice, {
        contentHash: content,
        category: DataCategory.Personal,
        personalInfo: PersonalInfo.DeIdentified,
      });
      expect(await registry.statusOf(id)).to.equal(Status.Applied);
    });

    it("a failed review does not count, and a later review replaces it", async () => {
      const { compliance, office } = w.ledger;
      const content = h("personal");
      await compliance.connect(w.regulator).recordDeidentificationReview(w.alice.address, content, false, h());
      expect(await compliance.hasDeidentificationReview(w.alice.address, content)).to.equal(false);
      expect((await compliance.reviewOf(w.alice.address, content)).passed).to.equal(false);
      await expect(revealPersonal(w, w.alice, content))
        .to.be.revertedWithCustomError(office, "DeidentificationReviewMissing")
        .withArgs(w.alice.address, content);
      const report = h();
      await compliance.connect(w.regulator).recordDeidentificationReview(w.alice.address, content, true, report);
      expect(await compliance.hasDeidentificationReview(w.alice.address, content)).to.equal(true);
      expect((await compliance.reviewOf(w.alice.address, content)).reportHash).to.equal(report);
    });

    it("attack: a member who saw another member's reviewed content hash applies for it on that review", async () => {
      const { compliance, office, registry } = w.ledger;
      const content = h("bob-personal");
      await compliance.connect(w.regulator).recordDeidentificationReview(w.bob.address, content, true, h());
      // The review is bob's alone: alice cannot rely on it.
      expect(await compliance.hasDeidentificationReview(w.alice.address, content)).to.equal(false);
      expect((await compliance.reviewOf(w.alice.address, content)).reviewer).to.equal(ethers.ZeroAddress);
      const next = await registry.nextAssetId();
      await expect(revealPersonal(w, w.alice, content))
        .to.be.revertedWithCustomError(office, "DeidentificationReviewMissing")
        .withArgs(w.alice.address, content);
      expect(await registry.statusOf(next)).to.equal(Status.None);
      // bob, the reviewed applicant, can.
      const id = await submit(w, w.bob, { contentHash: content, category: DataCategory.Personal, personalInfo: PersonalInfo.DeIdentified });
      expect((await registry.recordOf(id)).holder).to.equal(w.bob.address);
    });

    it("rejects a zero applicant and zero hashes", async () => {
      const { compliance } = w.ledger;
      const reg = compliance.connect(w.regulator);
      await expect(reg.recordDeidentificationReview(ethers.ZeroAddress, h(), true, h()))
        .to.be.revertedWithCustomError(compliance, "ZeroAddress")
        .withArgs(Field.Account);
      await expect(reg.recordDeidentificationReview(w.alice.address, ethers.ZeroHash, true, h()))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs(Field.ContentHash);
      await expect(reg.recordDeidentificationReview(w.alice.address, h(), true, ethers.ZeroHash))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs(Field.ReportHash);
    });
  });

  describe("cross-border clearance", () => {
    it("grants a clearance that lets one foreign member receive, until it lapses", async () => {
      const { compliance, registry } = w.ledger;
      const id = await register(w, w.alice);
      expect(await compliance.isCrossBorderCleared(id, w.dave.address)).to.equal(false);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      const route = h();
      const until = (await time.latest()) + 30 * DAY;
      const reg = compliance.connect(w.regulator);
      await expect(reg.grantCrossBorderClearance(id, w.dave.address, route, ExportMechanism.StandardContract, until))
        .to.emit(compliance, "CrossBorderCleared")
        .withArgs(id, w.dave.address, route, ExportMechanism.StandardContract, until, w.regulator.address);
      const c = await compliance.clearanceOf(id, w.dave.address);
      expect(c.routeHash).to.equal(route);
      expect(c.validUntil).to.equal(BigInt(until));
      expect(c.mechanism).to.equal(BigInt(ExportMechanism.StandardContract));
      expect(c.regulator).to.equal(w.regulator.address);
      expect(await compliance.isCrossBorderCleared(id, w.dave.address)).to.equal(true);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.OK);

      await time.increaseTo(until + 1);
      expect(await compliance.isCrossBorderCleared(id, w.dave.address)).to.equal(false);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.dave.address, id))
        .to.be.revertedWithCustomError(registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
    });

    it("attack: a clearance for one recipient's route clears every foreign buyer", async () => {
      const { compliance, registry } = w.ledger;
      const id = await register(w, w.alice);
      const other = await register(w, w.alice);
      const until = (await time.latest()) + YEAR;
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, w.dave.address, h("route-to-dave"), 0, until);
      // Not for another foreign member ...
      expect(await compliance.isCrossBorderCleared(id, w.erin.address)).to.equal(false);
      expect(await registry.transferCheck(id, w.alice.address, w.erin.address)).to.equal(Reason.CrossBorderNotCleared);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.erin.address, id))
        .to.be.revertedWithCustomError(registry, "CrossBorderNotCleared")
        .withArgs(id, w.erin.address);
      // ... nor for another asset going to the same member.
      expect(await registry.transferCheck(other, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
      // The member it names may receive.
      await registry.connect(w.alice).transferFrom(w.alice.address, w.dave.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.dave.address);
    });

    it("replaces an earlier clearance of the same recipient; clears an application too", async () => {
      const { compliance } = w.ledger;
      const id = await submit(w, w.alice);
      const now = await time.latest();
      const erinRoute = h();
      const reg = compliance.connect(w.regulator);
      await reg.grantCrossBorderClearance(id, w.erin.address, erinRoute, ExportMechanism.Certification, now + DAY);
      await reg.grantCrossBorderClearance(id, w.dave.address, h(), ExportMechanism.SecurityAssessment, now + DAY);
      const route = h();
      await expect(reg.grantCrossBorderClearance(id, w.dave.address, route, ExportMechanism.Exempt, now + YEAR))
        .to.emit(compliance, "CrossBorderCleared")
        .withArgs(id, w.dave.address, route, ExportMechanism.Exempt, now + YEAR, w.regulator.address);
      const c = await compliance.clearanceOf(id, w.dave.address);
      expect(c.routeHash).to.equal(route);
      expect(c.mechanism).to.equal(BigInt(ExportMechanism.Exempt));
      expect(c.validUntil).to.equal(BigInt(now + YEAR));
      // The other recipient's clearance is untouched.
      const e = await compliance.clearanceOf(id, w.erin.address);
      expect(e.routeHash).to.equal(erinRoute);
      expect(e.validUntil).to.equal(BigInt(now + DAY));
    });

    it("rejects bad input and an unknown asset", async () => {
      const { compliance } = w.ledger;
      const id = await register(w, w.alice);
      const now = await time.latest();
      const reg = compliance.connect(w.regulator);
      const dave = w.dave.address;
      await expect(reg.grantCrossBorderClearance(id, ethers.ZeroAddress, h(), 0, now + DAY))
        .to.be.revertedWithCustomError(compliance, "ZeroAddress")
        .withArgs(Field.Recipient);
      await expect(reg.grantCrossBorderClearance(id, dave, ethers.ZeroHash, 0, now + DAY))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs(Field.RouteHash);
      await expect(reg.grantCrossBorderClearance(id, dave, h(), 4, now + DAY))
        .to.be.revertedWithCustomError(compliance, "OutOfRange")
        .withArgs(Field.Mechanism, 4);
      await expect(reg.grantCrossBorderClearance(id, dave, h(), 99, now + DAY))
        .to.be.revertedWithCustomError(compliance, "OutOfRange")
        .withArgs(Field.Mechanism, 99);
      await expect(reg.grantCrossBorderClearance(id, dave, h(), 0, now - 1))
        .to.be.revertedWithCustomError(compliance, "InPast")
        .withArgs(Field.ValidUntil, now - 1, anyValue);
      await expect(reg.grantCrossBorderClearance(999, dave, h(), 0, now + DAY))
        .to.be.revertedWithCustomError(compliance, "UnknownAsset")
        .withArgs(999);
      expect(await compliance.isCrossBorderCleared(id, dave)).to.equal(false);
    });

    it("revokes one recipient's clearance; the other's stays; nothing to revoke afterwards", async () => {
      const { compliance, registry } = w.ledger;
      const id = await register(w, w.alice);
      const until = (await time.latest()) + YEAR;
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, w.dave.address, h(), 0, until);
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, w.erin.address, h(), 0, until);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.OK);
      const reason = h();
      await expect(compliance.connect(w.regulator).revokeCrossBorderClearance(id, w.dave.address, reason))
        .to.emit(compliance, "CrossBorderRevoked")
        .withArgs(id, w.dave.address, reason, w.regulator.address);
      expect(await compliance.isCrossBorderCleared(id, w.dave.address)).to.equal(false);
      expect((await compliance.clearanceOf(id, w.dave.address)).validUntil).to.equal(0n);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      expect(await compliance.isCrossBorderCleared(id, w.erin.address)).to.equal(true);
      expect(await registry.transferCheck(id, w.alice.address, w.erin.address)).to.equal(Reason.OK);
      await expect(compliance.connect(w.regulator).revokeCrossBorderClearance(id, w.dave.address, h()))
        .to.be.revertedWithCustomError(compliance, "NothingToRevoke")
        .withArgs(id);
      await expect(compliance.connect(w.regulator).revokeCrossBorderClearance(id, w.bob.address, h()))
        .to.be.revertedWithCustomError(compliance, "NothingToRevoke")
        .withArgs(id);
      await expect(compliance.connect(w.regulator).revokeCrossBorderClearance(id, w.erin.address, ethers.ZeroHash))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs(Field.ReasonHash);
      expect(await compliance.isCrossBorderCleared(id, w.erin.address)).to.equal(true);
    });

    it("revoking a recipient's clearance suspends its cross-border licences only; a new clearance restores them", async () => {
      const { compliance, licenses } = w.ledger;
      const id = await register(w, w.alice);
      const until = (await time.latest()) + YEAR;
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, w.dave.address, h(), 0, until);
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, w.erin.address, h(), 0, until);
      const toDave = await licenses.nextLicenseId();
      await licenses.connect(w.alice).grant(id, await licenseTerms(w.dave.address, { territory: Territory.CrossBorder }));
      const toErin = await licenses.nextLicenseId();
      await licenses.connect(w.alice).grant(id, await licenseTerms(w.erin.address, { territory: Territory.CrossBorder }));
      const domestic = await licenses.nextLicenseId();
      await licenses.connect(w.alice).grant(id, await licenseTerms(w.bob.address));

      await compliance.connect(w.regulator).revokeCrossBorderClearance(id, w.dave.address, h());
      expect(await licenses.stateOf(toDave)).to.equal(LicenseState.Suspended);
      expect(await licenses.isInForce(toDave)).to.equal(false);
      expect(await licenses.isInForce(toErin)).to.equal(true);
      expect(await licenses.isInForce(domestic)).to.equal(true);

      await compliance.connect(w.regulator).grantCrossBorderClearance(id, w.dave.address, h(), 0, until);
      expect(await licenses.stateOf(toDave)).to.equal(LicenseState.Active);
    });
  });

  describe("sandbox approval", () => {
    it("approves, lapses after its end, and can be replaced", async () => {
      const { compliance } = w.ledger;
      const id = await register(w, w.alice);
      expect(await compliance.isSandboxApproved(id)).to.equal(false);
      const approval = h();
      const until = (await time.latest()) + 10 * DAY;
      await expect(compliance.connect(w.regulator).approveSandbox(id, approval, until))
        .to.emit(compliance, "SandboxApproved")
        .withArgs(id, approval, until, w.regulator.address);
      const s = await compliance.sandboxOf(id);
      expect(s.approvalHash).to.equal(approval);
      expect(s.validUntil).to.equal(BigInt(until));
      expect(s.regulator).to.equal(w.regulator.address);
      expect(await compliance.isSandboxApproved(id)).to.equal(true);
      await time.increaseTo(until + 1);
      expect(await compliance.isSandboxApproved(id)).to.equal(false);
      const again = h();
      const later = (await time.latest()) + 10 * DAY;
      await compliance.connect(w.regulator).approveSandbox(id, again, later);
      expect(await compliance.isSandboxApproved(id)).to.equal(true);
      expect((await compliance.sandboxOf(id)).approvalHash).to.equal(again);
    });

    it("rejects bad input and an unknown asset", async () => {
      const { compliance } = w.ledger;
      const id = await register(w, w.alice);
      const now = await time.latest();
      const reg = compliance.connect(w.regulator);
      await expect(reg.approveSandbox(id, ethers.ZeroHash, now + DAY))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs(Field.ApprovalHash);
      await expect(reg.approveSandbox(id, h(), now))
        .to.be.revertedWithCustomError(compliance, "InPast")
        .withArgs(Field.ValidUntil, now, anyValue);
      await expect(reg.approveSandbox(4242, h(), now + DAY))
        .to.be.revertedWithCustomError(compliance, "UnknownAsset")
        .withArgs(4242);
    });

    it("revokes an approval; nothing to revoke afterwards", async () => {
      const { compliance } = w.ledger;
      const id = await register(w, w.alice);
      await compliance.connect(w.regulator).approveSandbox(id, h(), (await time.latest()) + DAY);
      const reason = h();
      await expect(compliance.connect(w.regulator).revokeSandbox(id, reason))
        .to.emit(compliance, "SandboxRevoked")
        .withArgs(id, reason, w.regulator.address);
      expect(await compliance.isSandboxApproved(id)).to.equal(false);
      expect((await compliance.sandboxOf(id)).validUntil).to.equal(0n);
      await expect(compliance.connect(w.regulator).revokeSandbox(id, h()))
        .to.be.revertedWithCustomError(compliance, "NothingToRevoke")
        .withArgs(id);
      await expect(compliance.connect(w.regulator).revokeSandbox(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs(Field.ReasonHash);
    });
  });

  describe("access", () => {
    it("every regulator function is refused to an outsider and to other roles", async () => {
      const { compliance } = w.ledger;
      const id = await register(w, w.alice);
      const until = (await time.latest()) + YEAR;
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, w.dave.address, h(), 0, until);
      await compliance.connect(w.regulator).approveSandbox(id, h(), until);
      for (const who of [w.outsider, w.registrar, w.court, w.alice, w.admin]) {
        const c = compliance.connect(who);
        const calls = [
          () => c.confirmGrade(id, Grade.Important, h()),
          () => c.recordDeidentificationReview(who.address, h(), true, h()),
          () => c.grantCrossBorderClearance(id, w.erin.address, h(), 0, until),
          () => c.revokeCrossBorderClearance(id, w.dave.address, h()),
          () => c.approveSandbox(id, h(), until),
          () => c.revokeSandbox(id, h()),
        ];
        for (const call of calls) {
          await expect(call()).to.be.revertedWithCustomError(compliance, "AccessManagedUnauthorized").withArgs(who.address);
        }
      }
      expect(await compliance.isCrossBorderCleared(id, w.dave.address)).to.equal(true);
      expect(await compliance.isCrossBorderCleared(id, w.erin.address)).to.equal(false);
      expect(await compliance.isSandboxApproved(id)).to.equal(true);
      expect((await w.ledger.registry.recordOf(id)).grade).to.equal(BigInt(Grade.General));
    });
  });
});
