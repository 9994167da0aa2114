import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { ROLES } from "../scripts/lib/roles";
import {
  application,
  DataCategory,
  DAY,
  deployWorld,
  Grade,
  h,
  PersonalInfo,
  Reason,
  register,
  Status,
  submit,
  YEAR,
  type World,
} from "./helpers/fixture";

const ExportMechanism = { SecurityAssessment: 0, StandardContract: 1, Certification: 2, Exempt: 3 } as const;

describe("ComplianceRegistry", () => {
  let w: World;

  beforeEach(async () => {
    w = await loadFixture(deployWorld);
  });

  it("is wired to the registry and refuses a zero registry at deployment", async () => {
    expect(await w.ledger.compliance.registry()).to.equal(await w.ledger.registry.getAddress());
    const factory = await ethers.getContractFactory("ComplianceRegistry", w.admin);
    await expect(factory.deploy(await w.ledger.manager.getAddress(), ethers.ZeroAddress))
      .to.be.revertedWithCustomError(w.ledger.compliance, "ZeroAddress")
      .withArgs("registry");
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
        .withArgs("grade", 3);
      await expect(compliance.connect(w.regulator).confirmGrade(id, 99, h()))
        .to.be.revertedWithCustomError(compliance, "OutOfRange")
        .withArgs("grade", 99);
      await expect(compliance.connect(w.regulator).confirmGrade(id, Grade.Core, ethers.ZeroHash))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs("reportHash");
    });
  });

  describe("recordDeidentificationReview", () => {
    it("records a passed review, which lets personal data be applied for", async () => {
      const { compliance, registry } = w.ledger;
      const content = h("personal");
      expect(await compliance.hasDeidentificationReview(content)).to.equal(false);
      const report = h();
      await expect(compliance.connect(w.regulator).recordDeidentificationReview(content, true, report))
        .to.emit(compliance, "DeidentificationReviewed")
        .withArgs(content, true, report, w.regulator.address);
      const block = await ethers.provider.getBlock("latest");
      const review = await compliance.reviewOf(content);
      expect(review.reviewer).to.equal(w.regulator.address);
      expect(review.reviewedAt).to.equal(BigInt(block!.timestamp));
      expect(review.passed).to.equal(true);
      expect(review.reportHash).to.equal(report);
      expect(await compliance.hasDeidentificationReview(content)).to.equal(true);
      const id = await submit(w, w.alice, {
        contentHash: content,
        category: DataCategory.Personal,
        personalInfo: PersonalInfo.DeIdentified,
      });
      expect(await registry.statusOf(id)).to.equal(Status.Applied);
    });

    it("a failed review does not count, and a later review replaces it", async () => {
      const { compliance, registry } = w.ledger;
      const content = h("personal");
      await compliance.connect(w.regulator).recordDeidentificationReview(content, false, h());
      expect(await compliance.hasDeidentificationReview(content)).to.equal(false);
      expect((await compliance.reviewOf(content)).passed).to.equal(false);
      await expect(registry.connect(w.alice).submit(await application({ contentHash: content, category: DataCategory.Personal })))
        .to.be.revertedWithCustomError(registry, "DeidentificationReviewMissing")
        .withArgs(content);
      await compliance.connect(w.regulator).recordDeidentificationReview(content, true, h());
      expect(await compliance.hasDeidentificationReview(content)).to.equal(true);
    });

    it("rejects zero hashes", async () => {
      const { compliance } = w.ledger;
      await expect(compliance.connect(w.regulator).recordDeidentificationReview(ethers.ZeroHash, true, h()))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs("contentHash");
      await expect(compliance.connect(w.regulator).recordDeidentificationReview(h(), true, ethers.ZeroHash))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs("reportHash");
    });
  });

  describe("cross-border clearance", () => {
    it("grants a clearance that lets a foreign member receive, until it lapses", async () => {
      const { compliance, registry } = w.ledger;
      const id = await register(w, w.alice);
      expect(await compliance.isCrossBorderCleared(id)).to.equal(false);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      const route = h();
      const until = (await time.latest()) + 30 * DAY;
      await expect(compliance.connect(w.regulator).grantCrossBorderClearance(id, route, ExportMechanism.StandardContract, until))
        .to.emit(compliance, "CrossBorderCleared")
        .withArgs(id, route, ExportMechanism.StandardContract, until, w.regulator.address);
      const c = await compliance.clearanceOf(id);
      expect(c.routeHash).to.equal(route);
      expect(c.validUntil).to.equal(BigInt(until));
      expect(c.mechanism).to.equal(BigInt(ExportMechanism.StandardContract));
      expect(c.regulator).to.equal(w.regulator.address);
      expect(await compliance.isCrossBorderCleared(id)).to.equal(true);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.OK);

      await time.increaseTo(until + 1);
      expect(await compliance.isCrossBorderCleared(id)).to.equal(false);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
    });

    it("replaces an earlier clearance and accepts the last mechanism; clears an application too", async () => {
      const { compliance } = w.ledger;
      const id = await submit(w, w.alice);
      const now = await time.latest();
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, h(), ExportMechanism.SecurityAssessment, now + DAY);
      const route = h();
      await expect(compliance.connect(w.regulator).grantCrossBorderClearance(id, route, ExportMechanism.Exempt, now + YEAR))
        .to.emit(compliance, "CrossBorderCleared")
        .withArgs(id, route, ExportMechanism.Exempt, now + YEAR, w.regulator.address);
      const c = await compliance.clearanceOf(id);
      expect(c.routeHash).to.equal(route);
      expect(c.mechanism).to.equal(BigInt(ExportMechanism.Exempt));
      expect(c.validUntil).to.equal(BigInt(now + YEAR));
    });

    it("rejects bad input and an unknown asset", async () => {
      const { compliance } = w.ledger;
      const id = await register(w, w.alice);
      const now = await time.latest();
      const reg = compliance.connect(w.regulator);
      await expect(reg.grantCrossBorderClearance(id, ethers.ZeroHash, 0, now + DAY))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs("routeHash");
      await expect(reg.grantCrossBorderClearance(id, h(), 4, now + DAY))
        .to.be.revertedWithCustomError(compliance, "OutOfRange")
        .withArgs("mechanism", 4);
      await expect(reg.grantCrossBorderClearance(id, h(), 99, now + DAY))
        .to.be.revertedWithCustomError(compliance, "OutOfRange")
        .withArgs("mechanism", 99);
      await expect(reg.grantCrossBorderClearance(id, h(), 0, now - 1))
        .to.be.revertedWithCustomError(compliance, "InPast")
        .withArgs("validUntil", now - 1, anyValue);
      await expect(reg.grantCrossBorderClearance(999, h(), 0, now + DAY))
        .to.be.revertedWithCustomError(compliance, "UnknownAsset")
        .withArgs(999);
    });

    it("revokes a clearance; nothing to revoke afterwards", async () => {
      const { compliance, registry } = w.ledger;
      const id = await register(w, w.alice);
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, h(), 0, (await time.latest()) + YEAR);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.OK);
      const reason = h();
      await expect(compliance.connect(w.regulator).revokeCrossBorderClearance(id, reason))
        .to.emit(compliance, "CrossBorderRevoked")
        .withArgs(id, reason, w.regulator.address);
      expect(await compliance.isCrossBorderCleared(id)).to.equal(false);
      expect((await compliance.clearanceOf(id)).validUntil).to.equal(0n);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      await expect(compliance.connect(w.regulator).revokeCrossBorderClearance(id, h()))
        .to.be.revertedWithCustomError(compliance, "NothingToRevoke")
        .withArgs(id);
      await expect(compliance.connect(w.regulator).revokeCrossBorderClearance(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(compliance, "ZeroHash")
        .withArgs("reasonHash");
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
        .withArgs("approvalHash");
      await expect(reg.approveSandbox(id, h(), now))
        .to.be.revertedWithCustomError(compliance, "InPast")
        .withArgs("validUntil", now, anyValue);
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
        .withArgs("reasonHash");
    });
  });

  describe("access", () => {
    it("every regulator function is refused to an outsider and to other roles", async () => {
      const { compliance } = w.ledger;
      const id = await register(w, w.alice);
      const until = (await time.latest()) + YEAR;
      await compliance.connect(w.regulator).grantCrossBorderClearance(id, h(), 0, until);
      await compliance.connect(w.regulator).approveSandbox(id, h(), until);
      for (const who of [w.outsider, w.registrar, w.court, w.alice]) {
        const c = compliance.connect(who);
        const calls = [
          () => c.confirmGrade(id, Grade.Important, h()),
          () => c.recordDeidentificationReview(h(), true, h()),
          () => c.grantCrossBorderClearance(id, h(), 0, until),
          () => c.revokeCrossBorderClearance(id, h()),
          () => c.approveSandbox(id, h(), until),
          () => c.revokeSandbox(id, h()),
        ];
        for (const call of calls) {
          await expect(call()).to.be.revertedWithCustomError(compliance, "MissingRole").withArgs(who.address, ROLES.REGULATOR);
        }
      }
      expect(await compliance.isCrossBorderCleared(id)).to.equal(true);
      expect(await compliance.isSandboxApproved(id)).to.equal(true);
      expect((await w.ledger.registry.recordOf(id)).grade).to.equal(BigInt(Grade.General));
    });
  });
});
