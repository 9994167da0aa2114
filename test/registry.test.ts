import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ROLES } from "../scripts/lib/roles";
import { formatRegistrationNumber, isValidRegistrationNumber } from "../sdk/registration-number";
import type { DataAssetRegistry } from "../typechain-types";
import {
  application,
  AREA_CODE,
  AssetKind,
  BASE_URI,
  CNY,
  DataCategory,
  DAY,
  deployWorld,
  Grade,
  h,
  Jurisdiction,
  licenseTerms,
  MemberType,
  PersonalInfo,
  ProductForm,
  Reason,
  register,
  Rights,
  SourceType,
  Status,
  submit,
  Territory,
  YEAR,
  type World,
} from "./helpers/fixture";

const MAX_VALIDITY = 3 * YEAR;

describe("DataAssetRegistry", () => {
  let w: World;
  let registry: DataAssetRegistry;

  beforeEach(async () => {
    w = await loadFixture(deployWorld);
    registry = w.ledger.registry;
  });

  async function pledge(id: bigint, pledgor: HardhatEthersSigner, pledgee: HardhatEthersSigner, due?: number): Promise<bigint> {
    const dueDate = due ?? (await time.latest()) + DAY * 30;
    const args = [id, pledgee.address, 1000n, CNY, dueDate, h("pledge-ref")] as const;
    const pledgeId = await w.ledger.pledges.connect(pledgor).propose.staticCall(...args);
    await w.ledger.pledges.connect(pledgor).propose(...args);
    await w.ledger.pledges.connect(pledgee).accept(pledgeId);
    return pledgeId;
  }

  async function object(id: bigint, claimant: HardhatEthersSigner = w.bob): Promise<bigint> {
    const objectionId = await w.ledger.disputes.nextObjectionId();
    await w.ledger.disputes.connect(claimant).object(id, h("objection"));
    return objectionId;
  }

  async function freeze(id: bigint): Promise<void> {
    await w.ledger.disputes.connect(w.court).freeze(id, h("case"));
  }

  async function processingLicence(parentId: bigint, holder: HardhatEthersSigner, licensee: string): Promise<bigint> {
    const licenceId = await w.ledger.licenses.nextLicenseId();
    await w.ledger.licenses.connect(holder).grant(parentId, await licenseTerms(licensee));
    return licenceId;
  }

  // ─── Deployment and configuration ────────────────────────────────────────────────────

  describe("deployment and configuration", () => {
    it("exposes its wiring, name, symbol and constants", async () => {
      expect(await registry.members()).to.equal(await w.ledger.members.getAddress());
      expect(await registry.compliance()).to.equal(await w.ledger.compliance.getAddress());
      expect(await registry.licenses()).to.equal(await w.ledger.licenses.getAddress());
      expect(await registry.areaCode()).to.equal(BigInt(AREA_CODE));
      expect(await registry.name()).to.equal("Data Rights Ledger Registration");
      expect(await registry.symbol()).to.equal("DRL");
      expect(await registry.MAX_VALIDITY()).to.equal(BigInt(MAX_VALIDITY));
      expect(await registry.MAX_BATCH()).to.equal(100n);
      expect(await registry.nextAssetId()).to.equal(1n);
    });

    it("constructor rejects a zero member registry and an area code over six digits", async () => {
      const factory = await ethers.getContractFactory("DataAssetRegistry", w.admin);
      const manager = await w.ledger.manager.getAddress();
      const members = await w.ledger.members.getAddress();
      await expect(factory.deploy(manager, ethers.ZeroAddress, AREA_CODE, BASE_URI))
        .to.be.revertedWithCustomError(registry, "ZeroAddress")
        .withArgs("memberRegistry");
      await expect(factory.deploy(manager, members, 1_000_000, BASE_URI))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs("areaCode", 1_000_000);
      const ok = await factory.deploy(manager, members, 999_999, BASE_URI);
      expect(await ok.areaCode()).to.equal(999_999n);
    });

    it("setModules: admin rewires, zero addresses are rejected, others are refused", async () => {
      const c = w.carol.address;
      const l = w.bob.address;
      await expect(registry.connect(w.admin).setModules(c, l)).to.emit(registry, "ModulesSet").withArgs(c, l);
      expect(await registry.compliance()).to.equal(c);
      expect(await registry.licenses()).to.equal(l);
      await expect(registry.connect(w.admin).setModules(ethers.ZeroAddress, l))
        .to.be.revertedWithCustomError(registry, "ZeroAddress")
        .withArgs("compliance");
      await expect(registry.connect(w.admin).setModules(c, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, "ZeroAddress")
        .withArgs("licenses");
      for (const who of [w.outsider, w.registrar, w.alice]) {
        await expect(registry.connect(who).setModules(c, l))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
    });

    it("setBaseURI: admin changes tokenURI of every token, others are refused", async () => {
      const id = await register(w, w.alice);
      expect(await registry.tokenURI(id)).to.equal(`${BASE_URI}${id}`);
      const base = "https://other.example/assets/";
      await expect(registry.connect(w.admin).setBaseURI(base))
        .to.emit(registry, "BaseURISet")
        .withArgs(base)
        .and.to.emit(registry, "BatchMetadataUpdate")
        .withArgs(1, ethers.MaxUint256);
      expect(await registry.tokenURI(id)).to.equal(`${base}${id}`);
      for (const who of [w.outsider, w.registrar]) {
        await expect(registry.connect(who).setBaseURI("x"))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await registry.tokenURI(id)).to.equal(`${base}${id}`);
    });

    it("supports ERC-165, ERC-721 and ERC-4906 and nothing else", async () => {
      expect(await registry.supportsInterface("0x80ac58cd")).to.equal(true);
      expect(await registry.supportsInterface("0x49064906")).to.equal(true);
      expect(await registry.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await registry.supportsInterface("0x5b5e139f")).to.equal(true); // ERC721Metadata
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
      expect(await registry.supportsInterface("0x12345678")).to.equal(false);
    });

    it("balanceOf(zero) reverts; tokenURI of an unregistered id reverts", async () => {
      await expect(registry.balanceOf(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, "ERC721InvalidOwner")
        .withArgs(ethers.ZeroAddress);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      const id = await submit(w, w.alice);
      await expect(registry.tokenURI(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
      await expect(registry.ownerOf(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
    });
  });

  // ─── Applications ───────────────────────────────────────────────────────────────────

  describe("submit", () => {
    it("files an application: event with every field, record, registration, deposit", async () => {
      const app = await application({ sourceType: SourceType.Purchased, personalInfo: PersonalInfo.Anonymised, rights: 3 });
      const id = await registry.nextAssetId();
      expect(await registry.connect(w.alice).submit.staticCall(app)).to.equal(id);
      const tx = await registry.connect(w.alice).submit(app);
      await expect(tx)
        .to.emit(registry, "AssetApplied")
        .withArgs(id, w.alice.address, app.contentHash, anyValue, MemberType.Enterprise);
      const receipt = await tx.wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      const parsed = receipt!.logs.map((log) => registry.interface.parseLog(log)).find((e) => e?.name === "AssetApplied");
      const emitted = parsed!.args.application as DataAssetRegistry.ApplicationStructOutput;
      expect(emitted.kind).to.equal(BigInt(AssetKind.Product));
      expect(emitted.productForm).to.equal(BigInt(ProductForm.Dataset));
      expect(emitted.sourceType).to.equal(BigInt(SourceType.Purchased));
      expect(emitted.personalInfo).to.equal(BigInt(PersonalInfo.Anonymised));
      expect(emitted.rights).to.equal(3n);
      expect(emitted.sourceEvidenceHash).to.equal(app.sourceEvidenceHash);
      expect(emitted.metadataHash).to.equal(app.metadataHash);
      expect(emitted.metadataUri).to.equal(app.metadataUri);
      expect(emitted.validUntil).to.equal(BigInt(app.validUntil));

      expect(await registry.nextAssetId()).to.equal(id + 1n);
      expect(await registry.statusOf(id)).to.equal(Status.Applied);
      const r = await registry.recordOf(id);
      expect(r.holder).to.equal(w.alice.address);
      expect(r.status).to.equal(Status.Applied);
      expect(r.grade).to.equal(BigInt(Grade.General));
      expect(r.rights).to.equal(3n);
      expect(r.validUntil).to.equal(BigInt(app.validUntil));
      expect(r.publicityEnd).to.equal(0n);
      expect([r.frozen, r.pledged, r.disputed]).to.deep.equal([false, false, false]);
      const reg = await registry.registrationOf(id);
      expect(reg.confirmedBy).to.equal(ethers.ZeroAddress);
      expect(reg.confirmedAt).to.equal(0n);
      expect(await registry.categoryOf(id)).to.equal(BigInt(DataCategory.Enterprise));
      expect(reg.metadataVersion).to.equal(0n);
      const [mHash, version] = await registry.metadataOf(id);
      expect(mHash).to.equal(app.metadataHash);
      expect(version).to.equal(0n);
      expect(await registry.metadataAt(id, 0)).to.equal(app.metadataHash);
      const [depId, depAt] = await registry.depositOf(app.contentHash as string);
      expect(depId).to.equal(id);
      expect(depAt).to.equal(BigInt(block!.timestamp));
      expect(await registry.isExpired(id)).to.equal(false);
      await expect(registry.registrationNumber(id)).to.be.revertedWithCustomError(registry, "AssetNotRegistered").withArgs(id);
    });

    it("an unknown content hash has no deposit", async () => {
      const [depId, depAt] = await registry.depositOf(h());
      expect(depId).to.equal(0n);
      expect(depAt).to.equal(0n);
    });

    it("accepts a data resource (kind Resource, form None) and every rights set 1..7", async () => {
      const id = await submit(w, w.alice, { kind: AssetKind.Resource, productForm: ProductForm.None, rights: Rights.HOLDING });
      expect(await registry.statusOf(id)).to.equal(Status.Applied);
      expect((await registry.recordOf(id)).rights).to.equal(BigInt(Rights.HOLDING));
      for (const rights of [2, 4, 7]) {
        const other = await submit(w, w.alice, { rights });
        expect((await registry.recordOf(other)).rights).to.equal(BigInt(rights));
      }
    });

    it("is refused to an outsider and to a suspended member", async () => {
      await expect(registry.connect(w.outsider).submit(await application()))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      await expect(registry.connect(w.alice).submit(await application()))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.alice.address);
    });

    it("rejects out-of-range enum fields and rights", async () => {
      const cases: [keyof DataAssetRegistry.ApplicationStruct, number, string][] = [
        ["kind", 99, "kind"],
        ["kind", 2, "kind"],
        ["productForm", 99, "productForm"],
        ["productForm", 6, "productForm"],
        ["category", 99, "category"],
        ["category", 3, "category"],
        ["rights", 0, "rights"],
        ["rights", 8, "rights"],
        ["rights", 99, "rights"],
        ["sourceType", 99, "sourceType"],
        ["sourceType", 5, "sourceType"],
        ["grade", 99, "grade"],
        ["grade", 3, "grade"],
        ["personalInfo", 99, "personalInfo"],
        ["personalInfo", 3, "personalInfo"],
      ];
      for (const [field, value, name] of cases) {
        await expect(registry.connect(w.alice).submit(await application({ [field]: value })))
          .to.be.revertedWithCustomError(registry, "OutOfRange")
          .withArgs(name, value);
      }
    });

    it("refuses core data at application", async () => {
      await expect(registry.connect(w.alice).submit(await application({ grade: Grade.Core }))).to.be.revertedWithCustomError(
        registry,
        "CoreDataNotRegistrable",
      );
      const id = await submit(w, w.alice, { grade: Grade.Important });
      expect((await registry.recordOf(id)).grade).to.equal(BigInt(Grade.Important));
    });

    it("requires a product form for a product and none for a resource", async () => {
      await expect(registry.connect(w.alice).submit(await application({ kind: AssetKind.Resource, productForm: ProductForm.Api })))
        .to.be.revertedWithCustomError(registry, "ProductFormMismatch")
        .withArgs(AssetKind.Resource, ProductForm.Api);
      await expect(registry.connect(w.alice).submit(await application({ kind: AssetKind.Product, productForm: ProductForm.None })))
        .to.be.revertedWithCustomError(registry, "ProductFormMismatch")
        .withArgs(AssetKind.Product, ProductForm.None);
    });

    it("validity must be in the future and at most three years ahead", async () => {
      const now = await time.latest();
      await time.setNextBlockTimestamp(now + 10);
      await expect(registry.connect(w.alice).submit(await application({ validUntil: now + 10 })))
        .to.be.revertedWithCustomError(registry, "InPast")
        .withArgs("validUntil", now + 10, now + 10);
      await expect(registry.connect(w.alice).submit(await application({ validUntil: now - DAY })))
        .to.be.revertedWithCustomError(registry, "InPast")
        .withArgs("validUntil", now - DAY, anyValue);
      const t = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(t);
      await expect(registry.connect(w.alice).submit(await application({ validUntil: t + MAX_VALIDITY + 1 })))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs("validUntil", t + MAX_VALIDITY + 1);
      const t2 = (await time.latest()) + 10;
      const app = await application({ validUntil: t2 + MAX_VALIDITY });
      await time.setNextBlockTimestamp(t2);
      await expect(registry.connect(w.alice).submit(app)).to.emit(registry, "AssetApplied");
    });

    it("rejects zero hashes and an empty metadata URI", async () => {
      for (const field of ["sourceEvidenceHash", "contentHash", "metadataHash"] as const) {
        await expect(registry.connect(w.alice).submit(await application({ [field]: ethers.ZeroHash })))
          .to.be.revertedWithCustomError(registry, "ZeroHash")
          .withArgs(field);
      }
      await expect(registry.connect(w.alice).submit(await application({ metadataUri: "" })))
        .to.be.revertedWithCustomError(registry, "EmptyString")
        .withArgs("metadataUri");
    });

    it("personal or de-identified data needs a passed de-identification review", async () => {
      const content = h("personal");
      await expect(registry.connect(w.alice).submit(await application({ contentHash: content, category: DataCategory.Personal })))
        .to.be.revertedWithCustomError(registry, "DeidentificationReviewMissing")
        .withArgs(content);
      await expect(
        registry.connect(w.alice).submit(await application({ contentHash: content, personalInfo: PersonalInfo.DeIdentified })),
      )
        .to.be.revertedWithCustomError(registry, "DeidentificationReviewMissing")
        .withArgs(content);
      await w.ledger.compliance.connect(w.regulator).recordDeidentificationReview(content, true, h());
      const id = await registry.nextAssetId();
      await expect(
        registry
          .connect(w.alice)
          .submit(await application({ contentHash: content, category: DataCategory.Personal, personalInfo: PersonalInfo.DeIdentified })),
      )
        .to.emit(registry, "AssetApplied")
        .withArgs(id, w.alice.address, content, anyValue, MemberType.Enterprise);
      expect(await registry.categoryOf(id)).to.equal(BigInt(DataCategory.Personal));
    });

    it("anonymised enterprise data needs no review", async () => {
      const id = await submit(w, w.alice, { personalInfo: PersonalInfo.Anonymised });
      expect(await registry.statusOf(id)).to.equal(Status.Applied);
    });

    it("without modules, personal data is refused with ModulesNotSet and foreign receivers are not cleared", async () => {
      const factory = await ethers.getContractFactory("DataAssetRegistry", w.admin);
      const bare = await factory.deploy(await w.ledger.manager.getAddress(), await w.ledger.members.getAddress(), AREA_CODE, BASE_URI);
      await expect(bare.connect(w.alice).submit(await application({ category: DataCategory.Personal }))).to.be.revertedWithCustomError(
        bare,
        "ModulesNotSet",
      );
      await bare.connect(w.alice).submit(await application());
      await bare.connect(w.registrar).accept(1, DAY);
      await time.increase(DAY);
      await bare.connect(w.registrar).confirm(1);
      expect(await bare.transferCheck(1, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      expect(await bare.transferCheck(1, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
    });

    it("a content hash already deposited by a live asset is refused, naming that asset", async () => {
      const content = h("content");
      const id = await submit(w, w.alice, { contentHash: content });
      const dup = async (who: HardhatEthersSigner) =>
        expect(registry.connect(who).submit(await application({ contentHash: content })))
          .to.be.revertedWithCustomError(registry, "ContentAlreadyRegistered")
          .withArgs(content, id);
      await dup(w.bob); // applied
      await registry.connect(w.registrar).accept(id, DAY);
      await dup(w.bob); // publicity
      await time.increase(DAY);
      await registry.connect(w.registrar).confirm(id);
      await dup(w.alice); // registered
    });

    it("a refused application frees its content hash; the deposit points to the new asset", async () => {
      const content = h("content");
      const first = await submit(w, w.alice, { contentHash: content });
      await registry.connect(w.registrar).refuse(first, h());
      expect((await registry.depositOf(content))[0]).to.equal(first);
      const second = await submit(w, w.bob, { contentHash: content });
      expect(second).to.equal(first + 1n);
      expect((await registry.depositOf(content))[0]).to.equal(second);
      expect((await registry.recordOf(second)).holder).to.equal(w.bob.address);
    });

    it("a cancelled registration frees its content hash", async () => {
      const content = h("content");
      const first = await register(w, w.alice, { contentHash: content });
      await registry.connect(w.alice).cancel(first, h());
      const second = await submit(w, w.bob, { contentHash: content });
      expect((await registry.depositOf(content))[0]).to.equal(second);
    });

    describe("derived assets", () => {
      it("the parent's holder may derive without a licence", async () => {
        const parent = await register(w, w.alice);
        const id = await submit(w, w.alice, { sourceType: SourceType.Derived, parents: [parent], parentLicenses: [0] });
        expect(await registry.statusOf(id)).to.equal(Status.Applied);
      });

      it("another member needs a processing licence on the parent", async () => {
        const parent = await register(w, w.alice);
        const derived = { sourceType: SourceType.Derived, parents: [parent], parentLicenses: [0] };
        await expect(registry.connect(w.bob).submit(await application(derived)))
          .to.be.revertedWithCustomError(registry, "ParentRightsMissing")
          .withArgs(parent, w.bob.address);
        const carolLicence = await processingLicence(parent, w.alice, w.carol.address);
        await expect(registry.connect(w.bob).submit(await application({ ...derived, parentLicenses: [carolLicence] })))
          .to.be.revertedWithCustomError(registry, "ParentRightsMissing")
          .withArgs(parent, w.bob.address);
        const bobLicence = await processingLicence(parent, w.alice, w.bob.address);
        const id = await registry.nextAssetId();
        await expect(registry.connect(w.bob).submit(await application({ ...derived, parentLicenses: [bobLicence] })))
          .to.emit(registry, "AssetApplied")
          .withArgs(id, w.bob.address, anyValue, anyValue, MemberType.Enterprise);
      });

      it("the parent must be registered", async () => {
        const pending = await submit(w, w.alice);
        for (const parent of [pending, 999n]) {
          await expect(
            registry.connect(w.alice).submit(await application({ sourceType: SourceType.Derived, parents: [parent], parentLicenses: [0] })),
          )
            .to.be.revertedWithCustomError(registry, "ParentNotRegistered")
            .withArgs(parent);
        }
      });

      it("derived source type and parents go together", async () => {
        const parent = await register(w, w.alice);
        await expect(registry.connect(w.alice).submit(await application({ sourceType: SourceType.Derived })))
          .to.be.revertedWithCustomError(registry, "SourceParentsMismatch")
          .withArgs(SourceType.Derived, 0);
        await expect(
          registry.connect(w.alice).submit(await application({ sourceType: SourceType.Licensed, parents: [parent], parentLicenses: [0] })),
        )
          .to.be.revertedWithCustomError(registry, "SourceParentsMismatch")
          .withArgs(SourceType.Licensed, 1);
      });

      it("parent licences must match the parents, and at most 16 parents", async () => {
        const parent = await register(w, w.alice);
        await expect(registry.connect(w.alice).submit(await application({ sourceType: SourceType.Derived, parents: [parent] })))
          .to.be.revertedWithCustomError(registry, "OutOfRange")
          .withArgs("parentLicenses", 0);
        const many = Array.from({ length: 17 }, () => parent);
        await expect(
          registry
            .connect(w.alice)
            .submit(await application({ sourceType: SourceType.Derived, parents: many, parentLicenses: many.map(() => 0) })),
        )
          .to.be.revertedWithCustomError(registry, "OutOfRange")
          .withArgs("parents", 17);
        const sixteen = many.slice(0, 16);
        const id = await submit(w, w.alice, { sourceType: SourceType.Derived, parents: sixteen, parentLicenses: sixteen.map(() => 0) });
        expect(await registry.statusOf(id)).to.equal(Status.Applied);
      });
    });
  });

  describe("submitBatch", () => {
    it("files 50 applications with consecutive ids", async () => {
      const apps = [];
      for (let i = 0; i < 50; i++) apps.push(await application());
      const first = await registry.nextAssetId();
      expect(await registry.connect(w.alice).submitBatch.staticCall(apps)).to.equal(first);
      const tx = await registry.connect(w.alice).submitBatch(apps);
      const receipt = await tx.wait();
      const applied = receipt!.logs
        .map((log) => registry.interface.parseLog(log))
        .filter((e) => e?.name === "AssetApplied")
        .map((e) => e!.args.assetId as bigint);
      expect(applied).to.deep.equal(apps.map((_, i) => first + BigInt(i)));
      expect(await registry.nextAssetId()).to.equal(first + 50n);
      for (const [i, app] of apps.entries()) {
        expect((await registry.depositOf(app.contentHash as string))[0]).to.equal(first + BigInt(i));
      }
      expect(await registry.statusOf(first + 49n)).to.equal(Status.Applied);
      expect((await registry.recordOf(first + 49n)).holder).to.equal(w.alice.address);
    });

    it("rejects an empty batch and one over 100", async () => {
      await expect(registry.connect(w.alice).submitBatch([]))
        .to.be.revertedWithCustomError(registry, "BatchTooLarge")
        .withArgs(0, 100);
      const app = await application();
      await expect(registry.connect(w.alice).submitBatch(Array.from({ length: 101 }, () => app)))
        .to.be.revertedWithCustomError(registry, "BatchTooLarge")
        .withArgs(101, 100);
    });

    it("is refused to an outsider, and a duplicate inside the batch reverts it all", async () => {
      await expect(registry.connect(w.outsider).submitBatch([await application()]))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      const first = await registry.nextAssetId();
      const a = await application();
      await expect(registry.connect(w.alice).submitBatch([a, await application(), a]))
        .to.be.revertedWithCustomError(registry, "ContentAlreadyRegistered")
        .withArgs(a.contentHash, first);
      expect(await registry.nextAssetId()).to.equal(first);
    });
  });

  // ─── Workflow ───────────────────────────────────────────────────────────────────────

  describe("accept", () => {
    it("opens the publicity window", async () => {
      const id = await submit(w, w.alice);
      const t = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(t);
      await expect(registry.connect(w.registrar).accept(id, 7 * DAY))
        .to.emit(registry, "PublicityStarted")
        .withArgs(id, w.registrar.address, t + 7 * DAY);
      const r = await registry.recordOf(id);
      expect(r.status).to.equal(Status.Publicity);
      expect(r.publicityEnd).to.equal(BigInt(t + 7 * DAY));
    });

    it("the window must be 1 to 90 days", async () => {
      const id = await submit(w, w.alice);
      for (const p of [DAY - 1, 90 * DAY + 1, 0]) {
        await expect(registry.connect(w.registrar).accept(id, p))
          .to.be.revertedWithCustomError(registry, "OutOfRange")
          .withArgs("publicityPeriod", p);
      }
      await expect(registry.connect(w.registrar).accept(id, 90 * DAY)).to.emit(registry, "PublicityStarted");
      const other = await submit(w, w.alice);
      await expect(registry.connect(w.registrar).accept(other, DAY)).to.emit(registry, "PublicityStarted");
    });

    it("only an application under review can be accepted", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      await expect(registry.connect(w.registrar).accept(id, DAY))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(id, Status.Publicity);
      await expect(registry.connect(w.registrar).accept(999, DAY))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(999, Status.None);
    });

    it("is refused to anyone but the registrar", async () => {
      const id = await submit(w, w.alice);
      for (const who of [w.outsider, w.alice, w.court]) {
        await expect(registry.connect(who).accept(id, DAY))
          .to.be.revertedWithCustomError(registry, "MissingRole")
          .withArgs(who.address, ROLES.REGISTRAR);
      }
    });
  });

  describe("refuse", () => {
    it("refuses during review and during publicity", async () => {
      const a = await submit(w, w.alice);
      const reason = h();
      await expect(registry.connect(w.registrar).refuse(a, reason))
        .to.emit(registry, "ApplicationRefused")
        .withArgs(a, w.registrar.address, reason);
      expect(await registry.statusOf(a)).to.equal(Status.Refused);
      const b = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(b, DAY);
      await expect(registry.connect(w.registrar).refuse(b, reason)).to.emit(registry, "ApplicationRefused");
      expect(await registry.statusOf(b)).to.equal(Status.Refused);
      await expect(registry.connect(w.registrar).confirm(b))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(b, Status.Refused);
    });

    it("rejects a zero reason and a wrong status", async () => {
      const a = await submit(w, w.alice);
      await expect(registry.connect(w.registrar).refuse(a, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs("reasonHash");
      await registry.connect(w.registrar).refuse(a, h());
      await expect(registry.connect(w.registrar).refuse(a, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(a, Status.Refused);
      const r = await register(w, w.alice);
      await expect(registry.connect(w.registrar).refuse(r, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(r, Status.Registered);
    });

    it("is refused to anyone but the registrar", async () => {
      const a = await submit(w, w.alice);
      for (const who of [w.outsider, w.regulator]) {
        await expect(registry.connect(who).refuse(a, h()))
          .to.be.revertedWithCustomError(registry, "MissingRole")
          .withArgs(who.address, ROLES.REGISTRAR);
      }
    });
  });

  describe("confirm", () => {
    it("mints the token to the applicant with its registration number", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      const validUntil = (await registry.recordOf(id)).validUntil;
      const t = (await time.latest()) + DAY + 5;
      await time.setNextBlockTimestamp(t);
      const expected = formatRegistrationNumber(t, AREA_CODE, 1, id);
      await expect(registry.connect(w.registrar).confirm(id))
        .to.emit(registry, "AssetRegistered")
        .withArgs(id, w.alice.address, w.registrar.address, expected, t, validUntil)
        .and.to.emit(registry, "Transfer")
        .withArgs(ethers.ZeroAddress, w.alice.address, id);
      expect(await registry.statusOf(id)).to.equal(Status.Registered);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
      expect(await registry.balanceOf(w.alice.address)).to.equal(1n);
      const reg = await registry.registrationOf(id);
      expect(reg.confirmedBy).to.equal(w.registrar.address);
      expect(reg.confirmedAt).to.equal(BigInt(t));
      expect(await registry.registrationNumber(id)).to.equal(expected);
      expect(isValidRegistrationNumber(expected)).to.equal(true);
      expect(await registry.tokenURI(id)).to.equal(`${BASE_URI}${id}`);
    });

    it("not before the publicity window ends (confirming exactly at its end works)", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, 2 * DAY);
      const end = (await registry.recordOf(id)).publicityEnd;
      await expect(registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(registry, "PublicityNotOver")
        .withArgs(id, end);
      await time.setNextBlockTimestamp(end - 1n);
      await expect(registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(registry, "PublicityNotOver")
        .withArgs(id, end);
      await time.setNextBlockTimestamp(end);
      await expect(registry.connect(w.registrar).confirm(id)).to.emit(registry, "AssetRegistered");
    });

    it("not an application the regulator graded core during review or publicity", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h("grading"));
      await time.increase(DAY);
      await expect(registry.connect(w.registrar).confirm(id)).to.be.revertedWithCustomError(
        registry,
        "CoreDataNotRegistrable",
      );
      expect(await registry.statusOf(id)).to.equal(Status.Publicity);
      // Regraded back to general, it can be confirmed.
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.General, h("regrading"));
      await expect(registry.connect(w.registrar).confirm(id)).to.emit(registry, "AssetRegistered");
    });

    it("only an application in publicity", async () => {
      const id = await submit(w, w.alice);
      await expect(registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(id, Status.Applied);
      const r = await register(w, w.alice);
      await expect(registry.connect(w.registrar).confirm(r))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(r, Status.Registered);
    });

    it("not while an objection is open; after it is withdrawn it can", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      const o1 = await object(id, w.bob);
      const o2 = await object(id, w.carol);
      await time.increase(DAY);
      await expect(registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(registry, "ObjectionsOpen")
        .withArgs(id, 2);
      await w.ledger.disputes.connect(w.bob).withdraw(o1);
      expect((await registry.recordOf(id)).disputed).to.equal(true);
      await expect(registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(registry, "ObjectionsOpen")
        .withArgs(id, 1);
      await w.ledger.disputes.connect(w.carol).withdraw(o2);
      expect((await registry.recordOf(id)).disputed).to.equal(false);
      await expect(registry.connect(w.registrar).confirm(id)).to.emit(registry, "AssetRegistered");
    });

    it("not once the stated validity has passed", async () => {
      const validUntil = (await time.latest()) + DAY;
      const id = await submit(w, w.alice, { validUntil });
      await registry.connect(w.registrar).accept(id, 2 * DAY);
      await time.increase(2 * DAY);
      await expect(registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(registry, "AssetExpired")
        .withArgs(id, validUntil);
    });

    it("not when the applicant is no longer an active member", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      await time.increase(DAY);
      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      await expect(registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.alice.address);
    });

    it("is refused to anyone but the registrar", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      await time.increase(DAY);
      for (const who of [w.outsider, w.alice, w.admin]) {
        await expect(registry.connect(who).confirm(id))
          .to.be.revertedWithCustomError(registry, "MissingRole")
          .withArgs(who.address, ROLES.REGISTRAR);
      }
    });
  });

  describe("registration number", () => {
    it("matches the SDK for every registrant type", async () => {
      const types = [MemberType.PublicBody, MemberType.DataProductCompany, MemberType.Other];
      const signers = await ethers.getSigners();
      const expectations: [bigint, number][] = [[await register(w, w.alice), 1]];
      for (const [i, type] of types.entries()) {
        const who = signers[12 + i]!;
        await w.ledger.members.connect(w.registrar).admit(who.address, h("org"), `Member ${type}`, type, Jurisdiction.Domestic);
        const id = await register(w, who);
        expect((await registry.registrationOf(id)).registrantType).to.equal(BigInt(type));
        expectations.push([id, type + 1]);
      }
      for (const [id, code] of expectations) {
        const confirmedAt = Number((await registry.registrationOf(id)).confirmedAt);
        const number = await registry.registrationNumber(id);
        expect(number).to.equal(formatRegistrationNumber(confirmedAt, AREA_CODE, code, id));
        expect(isValidRegistrationNumber(number)).to.equal(true);
        expect(number.split("-")[3]).to.equal(String(code));
        expect(number.split("-")[2]).to.equal(String(AREA_CODE));
      }
    });

    it("uses the UTC year of confirmation across year ends and leap days", async () => {
      const nowYear = new Date((await time.latest()) * 1000).getUTCFullYear();
      let leap = nowYear + 2;
      while (!(leap % 4 === 0 && (leap % 100 !== 0 || leap % 400 === 0))) leap++;
      const at = (y: number, m: number, d: number, s = 0) => Date.UTC(y, m - 1, d) / 1000 + s;
      const moments = [
        at(leap - 1, 12, 31, DAY - 1),
        at(leap, 1, 1),
        at(leap, 2, 29, 12 * 3600),
        at(leap, 3, 1),
        at(leap, 12, 31, DAY - 1),
        at(leap + 1, 1, 1),
      ];
      await time.increaseTo(moments[0]! - 3 * DAY);
      const ids: bigint[] = [];
      for (let i = 0; i < moments.length; i++) {
        const id = await submit(w, w.alice, { validUntil: (await time.latest()) + 2 * YEAR });
        await registry.connect(w.registrar).accept(id, DAY);
        ids.push(id);
      }
      for (const [i, moment] of moments.entries()) {
        const id = ids[i]!;
        await time.setNextBlockTimestamp(moment);
        const expected = formatRegistrationNumber(moment, AREA_CODE, 1, id);
        await expect(registry.connect(w.registrar).confirm(id))
          .to.emit(registry, "AssetRegistered")
          .withArgs(id, w.alice.address, w.registrar.address, expected, moment, anyValue);
        expect(await registry.registrationNumber(id)).to.equal(expected);
        expect(expected.slice(3, 7)).to.equal(String(new Date(moment * 1000).getUTCFullYear()));
      }
    });

    it("prints an X check digit when MOD 11-2 gives ten", async () => {
      const nowYear = new Date((await time.latest()) * 1000).getUTCFullYear();
      let year = nowYear + 1;
      const mid = (y: number) => Date.UTC(y, 5, 15) / 1000;
      while (!formatRegistrationNumber(mid(year), AREA_CODE, 1, 1n).endsWith("X")) year++;
      await time.increaseTo(mid(year) - 3 * DAY);
      const id = await submit(w, w.alice);
      expect(id).to.equal(1n);
      await registry.connect(w.registrar).accept(id, DAY);
      await time.setNextBlockTimestamp(mid(year));
      await registry.connect(w.registrar).confirm(id);
      const number = await registry.registrationNumber(id);
      expect(number.endsWith("-X")).to.equal(true);
      expect(number).to.equal(formatRegistrationNumber(mid(year), AREA_CODE, 1, id));
      expect(isValidRegistrationNumber(number)).to.equal(true);
      expect(isValidRegistrationNumber(number.slice(0, -1) + "0")).to.equal(false);
    });
  });

  // ─── After registration ─────────────────────────────────────────────────────────────

  describe("changeMetadata", () => {
    it("the holder changes the metadata; history is kept", async () => {
      const id = await register(w, w.alice);
      const [original] = await registry.metadataOf(id);
      const v1 = h();
      await expect(registry.connect(w.alice).changeMetadata(id, v1, "ipfs://v1"))
        .to.emit(registry, "MetadataChanged")
        .withArgs(id, w.alice.address, 1, original, v1, "ipfs://v1")
        .and.to.emit(registry, "MetadataUpdate")
        .withArgs(id);
      const v2 = h();
      await expect(registry.connect(w.alice).changeMetadata(id, v2, "ipfs://v2"))
        .to.emit(registry, "MetadataChanged")
        .withArgs(id, w.alice.address, 2, v1, v2, "ipfs://v2");
      const [current, version] = await registry.metadataOf(id);
      expect(current).to.equal(v2);
      expect(version).to.equal(2n);
      expect(await registry.metadataAt(id, 0)).to.equal(original);
      expect(await registry.metadataAt(id, 1)).to.equal(v1);
      expect(await registry.metadataAt(id, 2)).to.equal(v2);
      expect(await registry.metadataAt(id, 3)).to.equal(ethers.ZeroHash);
      expect((await registry.registrationOf(id)).metadataVersion).to.equal(2n);
    });

    it("rejects bad input, a non-holder, an unregistered and a frozen asset", async () => {
      const id = await register(w, w.alice);
      await expect(registry.connect(w.alice).changeMetadata(id, ethers.ZeroHash, "u"))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs("newMetadataHash");
      await expect(registry.connect(w.alice).changeMetadata(id, h(), ""))
        .to.be.revertedWithCustomError(registry, "EmptyString")
        .withArgs("newUri");
      for (const who of [w.bob, w.outsider, w.registrar]) {
        await expect(registry.connect(who).changeMetadata(id, h(), "u"))
          .to.be.revertedWithCustomError(registry, "NotHolder")
          .withArgs(id, who.address);
      }
      const pending = await submit(w, w.alice);
      await expect(registry.connect(w.alice).changeMetadata(pending, h(), "u"))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
      await freeze(id);
      await expect(registry.connect(w.alice).changeMetadata(id, h(), "u"))
        .to.be.revertedWithCustomError(registry, "AssetFrozen")
        .withArgs(id);
      expect((await registry.metadataOf(id))[1]).to.equal(0n);
    });
  });

  describe("correct", () => {
    it("the registrar corrects an application, a publicity and a registration", async () => {
      const id = await submit(w, w.alice);
      const [original] = await registry.metadataOf(id);
      const c1 = h();
      const reason = h();
      await expect(registry.connect(w.registrar).correct(id, c1, "ipfs://c1", reason))
        .to.emit(registry, "AssetCorrected")
        .withArgs(id, w.registrar.address, 1, original, c1, "ipfs://c1", reason)
        .and.to.emit(registry, "MetadataUpdate")
        .withArgs(id);
      await registry.connect(w.registrar).accept(id, DAY);
      const c2 = h();
      await expect(registry.connect(w.registrar).correct(id, c2, "ipfs://c2", h()))
        .to.emit(registry, "AssetCorrected")
        .withArgs(id, w.registrar.address, 2, c1, c2, "ipfs://c2", anyValue);
      await time.increase(DAY);
      await registry.connect(w.registrar).confirm(id);
      const c3 = h();
      await expect(registry.connect(w.registrar).correct(id, c3, "ipfs://c3", h()))
        .to.emit(registry, "AssetCorrected")
        .withArgs(id, w.registrar.address, 3, c2, c3, "ipfs://c3", anyValue);
      expect(await registry.metadataOf(id)).to.deep.equal([c3, 3n]);
      expect(await registry.metadataAt(id, 0)).to.equal(original);
      expect(await registry.metadataAt(id, 1)).to.equal(c1);
      expect(await registry.metadataAt(id, 2)).to.equal(c2);
    });

    it("rejects bad input and a refused, cancelled or unknown asset", async () => {
      const id = await register(w, w.alice);
      const r = registry.connect(w.registrar);
      await expect(r.correct(id, ethers.ZeroHash, "u", h())).to.be.revertedWithCustomError(registry, "ZeroHash").withArgs("newMetadataHash");
      await expect(r.correct(id, h(), "", h())).to.be.revertedWithCustomError(registry, "EmptyString").withArgs("newUri");
      await expect(r.correct(id, h(), "u", ethers.ZeroHash)).to.be.revertedWithCustomError(registry, "ZeroHash").withArgs("reasonHash");
      const refused = await submit(w, w.alice);
      await r.refuse(refused, h());
      await expect(r.correct(refused, h(), "u", h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(refused, Status.Refused);
      await w.ledger.registry.connect(w.alice).cancel(id, h());
      await expect(r.correct(id, h(), "u", h())).to.be.revertedWithCustomError(registry, "WrongStatus").withArgs(id, Status.Cancelled);
      await expect(r.correct(999, h(), "u", h())).to.be.revertedWithCustomError(registry, "WrongStatus").withArgs(999, Status.None);
    });

    it("is refused to anyone but the registrar, including the holder", async () => {
      const id = await register(w, w.alice);
      for (const who of [w.outsider, w.alice]) {
        await expect(registry.connect(who).correct(id, h(), "u", h()))
          .to.be.revertedWithCustomError(registry, "MissingRole")
          .withArgs(who.address, ROLES.REGISTRAR);
      }
    });
  });

  describe("renew", () => {
    it("extends the validity", async () => {
      const id = await register(w, w.alice);
      const previous = (await registry.recordOf(id)).validUntil;
      const next = previous + BigInt(YEAR);
      const evidence = h();
      await expect(registry.connect(w.registrar).renew(id, next, evidence))
        .to.emit(registry, "AssetRenewed")
        .withArgs(id, w.registrar.address, previous, next, evidence)
        .and.to.emit(registry, "MetadataUpdate")
        .withArgs(id);
      expect((await registry.recordOf(id)).validUntil).to.equal(next);
    });

    it("an expired registration can be renewed and trades again", async () => {
      const id = await register(w, w.alice);
      const validUntil = (await registry.recordOf(id)).validUntil;
      await time.increaseTo(validUntil + 1n);
      expect(await registry.isExpired(id)).to.equal(true);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Expired);
      const next = (await time.latest()) + YEAR;
      await expect(registry.connect(w.registrar).renew(id, next, h())).to.emit(registry, "AssetRenewed");
      expect(await registry.isExpired(id)).to.equal(false);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
    });

    it("the new date must be later, and at most three years from now", async () => {
      const id = await register(w, w.alice);
      const current = (await registry.recordOf(id)).validUntil;
      for (const requested of [current, current - 1n]) {
        await expect(registry.connect(w.registrar).renew(id, requested, h()))
          .to.be.revertedWithCustomError(registry, "RenewalNotLater")
          .withArgs(current, requested);
      }
      const t = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(t);
      await expect(registry.connect(w.registrar).renew(id, t + MAX_VALIDITY + 1, h()))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs("newValidUntil", t + MAX_VALIDITY + 1);
      const t2 = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(t2);
      await expect(registry.connect(w.registrar).renew(id, t2 + MAX_VALIDITY, h())).to.emit(registry, "AssetRenewed");
    });

    it("rejects a zero evidence hash and an unregistered asset; refused to non-registrars", async () => {
      const id = await register(w, w.alice);
      const later = (await time.latest()) + 2 * YEAR;
      await expect(registry.connect(w.registrar).renew(id, later, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs("evidenceHash");
      const pending = await submit(w, w.alice);
      await expect(registry.connect(w.registrar).renew(pending, later, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
      for (const who of [w.outsider, w.alice]) {
        await expect(registry.connect(who).renew(id, later, h()))
          .to.be.revertedWithCustomError(registry, "MissingRole")
          .withArgs(who.address, ROLES.REGISTRAR);
      }
    });
  });

  describe("cancel", () => {
    it("the holder cancels an unencumbered registration; the token is burnt", async () => {
      const id = await register(w, w.alice);
      const reason = h();
      await expect(registry.connect(w.alice).cancel(id, reason))
        .to.emit(registry, "RegistrationCancelled")
        .withArgs(id, w.alice.address, w.alice.address, reason)
        .and.to.emit(registry, "Transfer")
        .withArgs(w.alice.address, ethers.ZeroAddress, id);
      expect(await registry.statusOf(id)).to.equal(Status.Cancelled);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      await expect(registry.ownerOf(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
      await expect(registry.tokenURI(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
      expect((await registry.recordOf(id)).holder).to.equal(w.alice.address);
      await expect(registry.connect(w.alice).cancel(id, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
    });

    it("the holder cannot cancel while disputed, pledged or frozen", async () => {
      const disputed = await register(w, w.alice);
      await object(disputed);
      await expect(registry.connect(w.alice).cancel(disputed, h()))
        .to.be.revertedWithCustomError(registry, "AssetDisputed")
        .withArgs(disputed);
      const pledged = await register(w, w.alice);
      await pledge(pledged, w.alice, w.bob);
      await expect(registry.connect(w.alice).cancel(pledged, h()))
        .to.be.revertedWithCustomError(registry, "AssetPledged")
        .withArgs(pledged);
      const frozen = await register(w, w.alice);
      await freeze(frozen);
      await expect(registry.connect(w.alice).cancel(frozen, h()))
        .to.be.revertedWithCustomError(registry, "AssetFrozen")
        .withArgs(frozen);
    });

    it("the registrar cancels a disputed or pledged registration, but not a frozen one", async () => {
      const disputed = await register(w, w.alice);
      await object(disputed);
      const reason = h();
      await expect(registry.connect(w.registrar).cancel(disputed, reason))
        .to.emit(registry, "RegistrationCancelled")
        .withArgs(disputed, w.registrar.address, w.alice.address, reason);
      const pledged = await register(w, w.alice);
      const pledgeId = await pledge(pledged, w.alice, w.bob);
      await expect(registry.connect(w.registrar).cancel(pledged, h())).to.emit(registry, "RegistrationCancelled");
      expect(await registry.statusOf(pledged)).to.equal(Status.Cancelled);
      // the pledge can still be released on the cancelled asset
      await expect(w.ledger.pledges.connect(w.bob).release(pledgeId)).to.emit(registry, "PledgedChanged").withArgs(pledged, false);
      const frozen = await register(w, w.alice);
      await freeze(frozen);
      await expect(registry.connect(w.registrar).cancel(frozen, h()))
        .to.be.revertedWithCustomError(registry, "AssetFrozen")
        .withArgs(frozen);
      expect(await registry.balanceOf(w.alice.address)).to.equal(1n);
    });

    it("anyone else is refused", async () => {
      const id = await register(w, w.alice);
      for (const who of [w.outsider, w.bob, w.court]) {
        await expect(registry.connect(who).cancel(id, h()))
          .to.be.revertedWithCustomError(registry, "NotAuthorisedToCancel")
          .withArgs(id, who.address);
      }
      expect(await registry.statusOf(id)).to.equal(Status.Registered);
    });

    it("rejects a zero reason and an unregistered asset", async () => {
      const id = await register(w, w.alice);
      await expect(registry.connect(w.alice).cancel(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs("reasonHash");
      const pending = await submit(w, w.alice);
      await expect(registry.connect(w.registrar).cancel(pending, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
    });
  });

  // ─── Module hooks ───────────────────────────────────────────────────────────────────

  describe("module hooks", () => {
    it("every hook is refused to an outsider and to person roles", async () => {
      const id = await register(w, w.alice);
      for (const who of [w.outsider, w.registrar, w.court, w.regulator]) {
        const r = registry.connect(who);
        const calls: [() => Promise<unknown>, bigint][] = [
          [() => r.adjustObjections(id, true), ROLES.DISPUTES_MODULE],
          [() => r.setFrozen(id, true), ROLES.DISPUTES_MODULE],
          [() => r.orderTransfer(id, w.bob.address, h()), ROLES.DISPUTES_MODULE],
          [() => r.orderCancel(id, h()), ROLES.DISPUTES_MODULE],
          [() => r.setPledged(id, true), ROLES.PLEDGE_MODULE],
          [() => r.enforcePledge(id, w.bob.address, true, h()), ROLES.PLEDGE_MODULE],
          [() => r.setGrade(id, Grade.Core), ROLES.COMPLIANCE_MODULE],
        ];
        for (const [call, role] of calls) {
          await expect(call()).to.be.revertedWithCustomError(registry, "MissingRole").withArgs(who.address, role);
        }
      }
      const rec = await registry.recordOf(id);
      expect([rec.frozen, rec.pledged, rec.disputed, rec.holder, rec.grade]).to.deep.equal([false, false, false, w.alice.address, 0n]);
    });

    it("adjustObjections: counts objections on applications and registrations, not on refused ones", async () => {
      const id = await register(w, w.alice);
      await expect(w.ledger.disputes.connect(w.bob).object(id, h())).to.emit(registry, "DisputeCountChanged").withArgs(id, 1);
      expect((await registry.registrationOf(id)).openObjections).to.equal(1n);
      expect((await registry.recordOf(id)).disputed).to.equal(true);
      await expect(w.ledger.disputes.connect(w.bob).withdraw(1)).to.emit(registry, "DisputeCountChanged").withArgs(id, 0);
      expect((await registry.recordOf(id)).disputed).to.equal(false);
      const refused = await submit(w, w.alice);
      await registry.connect(w.registrar).refuse(refused, h());
      await expect(w.ledger.disputes.connect(w.bob).object(refused, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(refused, Status.Refused);
      const applied = await submit(w, w.alice);
      await expect(w.ledger.disputes.connect(w.bob).object(applied, h())).to.emit(registry, "DisputeCountChanged").withArgs(applied, 1);
    });

    it("setFrozen: freeze and unfreeze; same state twice and unregistered assets are refused", async () => {
      const id = await register(w, w.alice);
      await expect(w.ledger.disputes.connect(w.court).freeze(id, h())).to.emit(registry, "FrozenChanged").withArgs(id, true);
      expect((await registry.recordOf(id)).frozen).to.equal(true);
      await expect(w.ledger.disputes.connect(w.court).freeze(id, h())).to.be.revertedWithCustomError(registry, "AlreadyInState").withArgs(id);
      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, h())).to.emit(registry, "FrozenChanged").withArgs(id, false);
      expect((await registry.recordOf(id)).frozen).to.equal(false);
      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, h())).to.be.revertedWithCustomError(registry, "AlreadyInState").withArgs(id);
      const pending = await submit(w, w.alice);
      await expect(w.ledger.disputes.connect(w.court).freeze(pending, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
    });

    it("orderTransfer: moves a frozen, disputed, pledged asset to an active member only", async () => {
      const id = await register(w, w.alice);
      await pledge(id, w.alice, w.carol);
      await object(id);
      await freeze(id);
      const caseHash = h();
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, caseHash))
        .to.emit(registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.disputes.getAddress(), caseHash)
        .and.to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await registry.balanceOf(w.bob.address)).to.equal(1n);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.outsider.address, h()))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      const pending = await submit(w, w.alice);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(pending, w.bob.address, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
    });

    it("orderCancel: cancels a registration, an application or a publicity; not twice", async () => {
      const disputes = await w.ledger.disputes.getAddress();
      const id = await register(w, w.alice);
      await freeze(id);
      const caseHash = h();
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, caseHash))
        .to.emit(registry, "RegistrationCancelled")
        .withArgs(id, disputes, w.alice.address, caseHash)
        .and.to.emit(registry, "Transfer")
        .withArgs(w.alice.address, ethers.ZeroAddress, id);
      expect(await registry.statusOf(id)).to.equal(Status.Cancelled);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      const applied = await submit(w, w.bob);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(applied, caseHash))
        .to.emit(registry, "RegistrationCancelled")
        .withArgs(applied, disputes, w.bob.address, caseHash);
      expect(await registry.statusOf(applied)).to.equal(Status.Cancelled);
      const publicity = await submit(w, w.bob);
      await registry.connect(w.registrar).accept(publicity, DAY);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(publicity, caseHash)).to.emit(registry, "RegistrationCancelled");
      expect(await registry.statusOf(publicity)).to.equal(Status.Cancelled);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
    });

    it("setPledged: a pledge takes effect and is released", async () => {
      const id = await register(w, w.alice);
      const args = [id, w.bob.address, 1000n, CNY, (await time.latest()) + 30 * DAY, h()] as const;
      const pledgeId = await w.ledger.pledges.connect(w.alice).propose.staticCall(...args);
      await w.ledger.pledges.connect(w.alice).propose(...args);
      await expect(w.ledger.pledges.connect(w.bob).accept(pledgeId)).to.emit(registry, "PledgedChanged").withArgs(id, true);
      expect((await registry.recordOf(id)).pledged).to.equal(true);
      await expect(w.ledger.pledges.connect(w.bob).release(pledgeId)).to.emit(registry, "PledgedChanged").withArgs(id, false);
      expect((await registry.recordOf(id)).pledged).to.equal(false);
    });

    it("enforcePledge: the pledgee takes the asset after the due date", async () => {
      const id = await register(w, w.alice);
      const due = (await time.latest()) + 10 * DAY;
      const ref = h("ref");
      await w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1000n, CNY, due, ref);
      await w.ledger.pledges.connect(w.bob).accept(1);
      await time.increaseTo(due + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(1))
        .to.emit(registry, "PledgedChanged")
        .withArgs(id, false)
        .and.to.emit(registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.pledges.getAddress(), ref)
        .and.to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await registry.recordOf(id)).pledged).to.equal(false);
    });

    it("enforcePledge: a frozen or disputed asset moves only by court enforcement", async () => {
      const frozen = await register(w, w.alice);
      const due = (await time.latest()) + 10 * DAY;
      const p1 = await pledge(frozen, w.alice, w.bob, due);
      await freeze(frozen);
      const disputed = await register(w, w.alice);
      const p2 = await pledge(disputed, w.alice, w.bob, due);
      await object(disputed, w.carol);
      await time.increaseTo(due + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p1)).to.be.revertedWithCustomError(registry, "AssetFrozen").withArgs(frozen);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p2)).to.be.revertedWithCustomError(registry, "AssetDisputed").withArgs(disputed);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p1, h())).to.emit(registry, "ForcedTransfer");
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p2, h())).to.emit(registry, "ForcedTransfer");
      expect(await registry.ownerOf(frozen)).to.equal(w.bob.address);
      expect(await registry.ownerOf(disputed)).to.equal(w.bob.address);
    });

    it("enforcePledge: the pledgee must be an active member and the asset registered", async () => {
      const id = await register(w, w.alice);
      const p = await pledge(id, w.alice, w.bob);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h());
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p, h()))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.bob.address);
      await w.ledger.members.connect(w.registrar).reinstate(w.bob.address);
      await registry.connect(w.registrar).cancel(id, h());
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
    });

    it("enforcePledge by the pledgee bypasses only the pledge: core data does not move", async () => {
      const id = await register(w, w.alice);
      const due = (await time.latest()) + 10 * DAY;
      const p = await pledge(id, w.alice, w.bob, due);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h());
      await time.increaseTo(due + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p)).to.be.revertedWithCustomError(registry, "CoreDataRestricted").withArgs(id);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("enforcePledge by the pledgee bypasses only the pledge: an expired asset does not move", async () => {
      const id = await register(w, w.alice, { validUntil: (await time.latest()) + 20 * DAY });
      const due = (await time.latest()) + 10 * DAY;
      const p = await pledge(id, w.alice, w.bob, due);
      const validUntil = (await registry.recordOf(id)).validUntil;
      await time.increaseTo(validUntil + 1n);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p))
        .to.be.revertedWithCustomError(registry, "AssetExpired")
        .withArgs(id, validUntil);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("setGrade: refused on an unknown asset", async () => {
      await expect(w.ledger.compliance.connect(w.regulator).confirmGrade(77, Grade.Important, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(77, Status.None);
    });
  });

  // ─── Transfer rule ──────────────────────────────────────────────────────────────────

  describe("transfer rule", () => {
    it("OK: the holder transfers to a domestic member", async () => {
      const id = await register(w, w.alice);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      expect(await registry.pledgeCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await registry.recordOf(id)).holder).to.equal(w.bob.address);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await registry.balanceOf(w.bob.address)).to.equal(1n);
      expect(await registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.NotHolder);
    });

    it("an approved operator transfers; safeTransferFrom works; the approval is cleared", async () => {
      const id = await register(w, w.alice);
      await registry.connect(w.alice).approve(w.carol.address, id);
      expect(await registry.getApproved(id)).to.equal(w.carol.address);
      await registry.connect(w.carol).transferFrom(w.alice.address, w.bob.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect(await registry.getApproved(id)).to.equal(ethers.ZeroAddress);
      await registry.connect(w.bob)["safeTransferFrom(address,address,uint256)"](w.bob.address, w.alice.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("a transfer to the zero address is refused", async () => {
      const id = await register(w, w.alice);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, ethers.ZeroAddress, id))
        .to.be.revertedWithCustomError(registry, "ERC721InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("NotRegistered: an application or unknown id", async () => {
      const id = await submit(w, w.alice);
      for (const asset of [id, 999n]) {
        expect(await registry.transferCheck(asset, w.alice.address, w.bob.address)).to.equal(Reason.NotRegistered);
        await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, asset))
          .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
          .withArgs(asset);
        await expect(registry.requirePledgeable(asset, w.alice.address, w.bob.address))
          .to.be.revertedWithCustomError(registry, "AssetNotRegistered")
          .withArgs(asset);
      }
    });

    it("Disputed", async () => {
      const id = await register(w, w.alice);
      await object(id);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Disputed);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "AssetDisputed")
        .withArgs(id);
    });

    it("Frozen (checked before disputed)", async () => {
      const id = await register(w, w.alice);
      await object(id);
      await freeze(id);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Frozen);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "AssetFrozen")
        .withArgs(id);
    });

    it("Pledged: blocks transfer and a second pledge, not a licence", async () => {
      const id = await register(w, w.alice);
      await pledge(id, w.alice, w.bob);
      expect(await registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.Pledged);
      expect(await registry.pledgeCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.Pledged);
      expect(await registry.licenseCheck(id, w.alice.address, w.carol.address, Territory.Domestic, false)).to.equal(Reason.OK);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, id))
        .to.be.revertedWithCustomError(registry, "AssetPledged")
        .withArgs(id);
      await expect(registry.requirePledgeable(id, w.alice.address, w.carol.address))
        .to.be.revertedWithCustomError(registry, "AssetPledged")
        .withArgs(id);
    });

    it("Expired: after the validity date passes", async () => {
      const id = await register(w, w.alice);
      const validUntil = (await registry.recordOf(id)).validUntil;
      await time.increaseTo(validUntil);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      await time.increase(1);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Expired);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "AssetExpired")
        .withArgs(id, validUntil);
    });

    it("Cancelled", async () => {
      const id = await register(w, w.alice);
      await registry.connect(w.alice).cancel(id, h());
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Cancelled);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
        .withArgs(id);
      await expect(registry.requirePledgeable(id, w.alice.address, w.bob.address))
        .to.be.revertedWithCustomError(registry, "AssetCancelled")
        .withArgs(id);
    });

    it("CoreData: after the regulator grades it core", async () => {
      const id = await register(w, w.alice);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h());
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.CoreData);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "CoreDataRestricted")
        .withArgs(id);
    });

    it("NotMember: an outsider or suspended receiver, or a suspended holder", async () => {
      const id = await register(w, w.alice);
      expect(await registry.transferCheck(id, w.alice.address, w.outsider.address)).to.equal(Reason.NotMember);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.outsider.address, id))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h());
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.NotMember);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.bob.address);
      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      expect(await registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.NotMember);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, id))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.alice.address);
    });

    it("CrossBorderNotCleared: a foreign receiver needs the regulator's clearance", async () => {
      const id = await register(w, w.alice);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.dave.address, id))
        .to.be.revertedWithCustomError(registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
      await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(id, h(), 0, (await time.latest()) + YEAR);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.OK);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.dave.address, id))
        .to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.dave.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.dave.address);
    });

    it("NotHolder: someone else's asset", async () => {
      const id = await register(w, w.alice);
      expect(await registry.transferCheck(id, w.bob.address, w.carol.address)).to.equal(Reason.NotHolder);
      await expect(registry.connect(w.bob).transferFrom(w.alice.address, w.carol.address, id))
        .to.be.revertedWithCustomError(registry, "ERC721InsufficientApproval")
        .withArgs(w.bob.address, id);
      await expect(registry.connect(w.alice).transferFrom(w.bob.address, w.carol.address, id))
        .to.be.revertedWithCustomError(registry, "ERC721IncorrectOwner")
        .withArgs(w.bob.address, id, w.alice.address);
      await expect(registry.requirePledgeable(id, w.bob.address, w.carol.address))
        .to.be.revertedWithCustomError(registry, "NotHolder")
        .withArgs(id, w.bob.address);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("licenseCheck and requireLicensable: cross-border licences and sublicences", async () => {
      const id = await register(w, w.alice, { rights: 3 });
      expect(await registry.licenseCheck(id, w.alice.address, w.bob.address, Territory.CrossBorder, false)).to.equal(
        Reason.CrossBorderNotCleared,
      );
      await expect(registry.requireLicensable(id, w.alice.address, w.bob.address, Territory.CrossBorder, false))
        .to.be.revertedWithCustomError(registry, "CrossBorderNotCleared")
        .withArgs(id, w.bob.address);
      expect(await registry.licenseCheck(id, w.bob.address, w.carol.address, Territory.Domestic, false)).to.equal(Reason.NotHolder);
      expect(await registry.licenseCheck(id, w.bob.address, w.carol.address, Territory.Domestic, true)).to.equal(Reason.OK);
      const [rights, validUntil] = await registry.requireLicensable(id, w.alice.address, w.bob.address, Territory.Domestic, false);
      expect(rights).to.equal(3n);
      expect(validUntil).to.equal((await registry.recordOf(id)).validUntil);
      await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(id, h(), 1, (await time.latest()) + YEAR);
      expect(await registry.licenseCheck(id, w.alice.address, w.bob.address, Territory.CrossBorder, false)).to.equal(Reason.OK);
    });
  });
});
