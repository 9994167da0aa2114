import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { selectorsOf } from "../scripts/lib/ledger";
import { ROLES } from "../scripts/lib/roles";
import { formatRegistrationNumber, isValidRegistrationNumber } from "../sdk/registration-number";
import type { DataAssetRegistry } from "../typechain-types";
import {
  AREA_CODE,
  BASE_URI,
  bit,
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
  PledgeAction,
  Reason,
  register,
  Rights,
  sellOrderFor,
  signOrder,
  Status,
  submit,
  Territory,
  YEAR,
  type LicenseTerms,
  type World,
  Field,
} from "./helpers/fixture";


const MAX_VALIDITY = 3 * YEAR;
const MAX_UINT32 = 2 ** 32 - 1;
const PledgeStatus = { Active: 2n, Enforced: 4n, Discharged: 6n } as const;

/** UTC seconds of a calendar moment. */
const utc = (y: number, m: number, d: number, seconds = 0): number => Date.UTC(y, m - 1, d) / 1000 + seconds;

describe("DataAssetRegistry", () => {
  let w: World;
  let registry: DataAssetRegistry;

  beforeEach(async () => {
    w = await loadFixture(deployWorld);
    registry = w.ledger.registry;
  });

  // ─── Local helpers ───────────────────────────────────────────────────────────────────

  async function pledge(id: bigint, pledgor: HardhatEthersSigner, pledgee: HardhatEthersSigner, due?: number): Promise<bigint> {
    const dueDate = due ?? (await time.latest()) + 30 * DAY;
    const pledgeId = await w.ledger.pledges.nextPledgeId();
    await w.ledger.pledges.connect(pledgor).propose(id, pledgee.address, 1000n, CNY, dueDate, h("pledge-ref"));
    await w.ledger.pledges.connect(pledgee).accept(pledgeId);
    return pledgeId;
  }

  /** An objection, recorded but not admitted. */
  async function object(id: bigint, claimant: HardhatEthersSigner = w.bob): Promise<bigint> {
    const objectionId = await w.ledger.disputes.nextObjectionId();
    await w.ledger.disputes.connect(claimant).object(id, h("objection"));
    return objectionId;
  }

  /** An objection admitted by the registrar: the asset is disputed. */
  async function dispute(id: bigint, claimant: HardhatEthersSigner = w.bob): Promise<bigint> {
    const objectionId = await object(id, claimant);
    await w.ledger.disputes.connect(w.registrar).admit(objectionId);
    return objectionId;
  }

  async function freeze(id: bigint, court: HardhatEthersSigner = w.court): Promise<string> {
    const caseHash = h("case");
    await w.ledger.disputes.connect(court).freeze(id, caseHash);
    return caseHash;
  }

  async function licence(
    id: bigint,
    holder: HardhatEthersSigner,
    licensee: string,
    overrides: Partial<LicenseTerms> = {}
  ): Promise<bigint> {
    const licenceId = await w.ledger.licenses.nextLicenseId();
    await w.ledger.licenses.connect(holder).grant(id, await licenseTerms(licensee, overrides));
    return licenceId;
  }

  async function clear(id: bigint, recipient: string, validUntil?: number): Promise<void> {
    const until = validUntil ?? (await time.latest()) + YEAR;
    await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(id, recipient, h("route"), 0, until);
  }

  /** Admits a spare account as a member of its own organisation. */
  async function admitSpare(i: number, type: number = MemberType.Enterprise, jurisdiction: number = Jurisdiction.Domestic) {
    const who = w.spare[i];
    if (!who) throw new Error(`no spare account ${i}`);
    await w.ledger.members.connect(w.registrar).admit(who.address, h("org"), `Spare ${i}`, type, jurisdiction);
    return who;
  }

  /** Gives an account a module role (white-box: to drive a hook directly). */
  async function asModule(who: HardhatEthersSigner, role: bigint, executionDelay = 0): Promise<HardhatEthersSigner> {
    await w.ledger.manager.connect(w.admin).grantRole(role, who.address, executionDelay);
    return who;
  }

  interface Opening {
    registrantType: number;
    grade: number;
    rights: number;
    category: number;
    validUntil: number;
    metadataHash: string;
  }

  /** Opens an application through the REGISTRATION_MODULE hook directly, with any field values. */
  async function openDirect(module: HardhatEthersSigner, applicant: string, o: Partial<Opening> = {}): Promise<bigint> {
    const id = await registry.nextAssetId();
    await registry
      .connect(module)
      .openApplication(
        applicant,
        o.registrantType ?? MemberType.Enterprise,
        o.grade ?? Grade.General,
        o.rights ?? Rights.ALL,
        o.category ?? DataCategory.Enterprise,
        o.validUntil ?? MAX_UINT32,
        o.metadataHash ?? h("metadata")
      );
    return id;
  }

  /** A registry beside the ledger's (same manager and members), with its review duties wired for the registrar. */
  async function sideRegistry(areaCode: number): Promise<DataAssetRegistry> {
    const factory = await ethers.getContractFactory("DataAssetRegistry", w.admin);
    const side = await factory.deploy(await w.ledger.manager.getAddress(), await w.ledger.members.getAddress(), areaCode, BASE_URI);
    await w.ledger.manager
      .connect(w.admin)
      .setTargetFunctionRole(await side.getAddress(), selectorsOf(side, ["accept", "confirm"]), ROLES.REGISTRAR);
    return side;
  }

  // ─── Deployment and configuration ────────────────────────────────────────────────────

  describe("deployment and configuration", () => {
    it("exposes its wiring, name, symbol and constants", async () => {
      expect(await registry.members()).to.equal(await w.ledger.members.getAddress());
      expect(await registry.compliance()).to.equal(await w.ledger.compliance.getAddress());
      expect(await registry.licenses()).to.equal(await w.ledger.licenses.getAddress());
      expect(await registry.authority()).to.equal(await w.ledger.manager.getAddress());
      expect(await registry.areaCode()).to.equal(BigInt(AREA_CODE));
      expect(await registry.name()).to.equal("Data Rights Ledger Registration");
      expect(await registry.symbol()).to.equal("DRL");
      expect(await registry.MAX_VALIDITY()).to.equal(BigInt(MAX_VALIDITY));
      expect(await registry.MIN_PUBLICITY()).to.equal(BigInt(DAY));
      expect(await registry.MAX_PUBLICITY()).to.equal(BigInt(90 * DAY));
      expect(await registry.nextAssetId()).to.equal(1n);
    });

    it("constructor rejects a zero member registry and an area code over six digits", async () => {
      const factory = await ethers.getContractFactory("DataAssetRegistry", w.admin);
      const manager = await w.ledger.manager.getAddress();
      const members = await w.ledger.members.getAddress();
      await expect(factory.deploy(manager, ethers.ZeroAddress, AREA_CODE, BASE_URI))
        .to.be.revertedWithCustomError(registry, "ZeroAddress")
        .withArgs(Field.Members);
      await expect(factory.deploy(manager, members, 1_000_000, BASE_URI))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs(Field.AreaCode, 1_000_000);
      const ok = await factory.deploy(manager, members, 999_999, BASE_URI);
      expect(await ok.areaCode()).to.equal(999_999n);
    });

    it("setModules: the admin rewires; zero addresses are rejected; anyone else is refused", async () => {
      const c = w.carol.address;
      const l = w.bob.address;
      for (const who of [w.outsider, w.registrar, w.alice]) {
        await expect(registry.connect(who).setModules(c, l))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await registry.compliance()).to.equal(await w.ledger.compliance.getAddress());
      await expect(registry.connect(w.admin).setModules(ethers.ZeroAddress, l))
        .to.be.revertedWithCustomError(registry, "ZeroAddress")
        .withArgs(Field.Compliance);
      await expect(registry.connect(w.admin).setModules(c, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, "ZeroAddress")
        .withArgs(Field.Licenses);
      await expect(registry.connect(w.admin).setModules(c, l)).to.emit(registry, "ModulesSet").withArgs(c, l);
      expect(await registry.compliance()).to.equal(c);
      expect(await registry.licenses()).to.equal(l);
    });

    it("setBaseURI: the admin changes tokenURI of every token; anyone else is refused", async () => {
      const id = await register(w, w.alice);
      expect(await registry.tokenURI(id)).to.equal(`${BASE_URI}${id}`);
      const base = "https://other.example/assets/";
      await expect(registry.connect(w.admin).setBaseURI(base))
        .to.emit(registry, "BaseURISet")
        .withArgs(base)
        .and.to.emit(registry, "BatchMetadataUpdate")
        .withArgs(1, ethers.MaxUint256);
      expect(await registry.tokenURI(id)).to.equal(`${base}${id}`);
      for (const who of [w.outsider, w.registrar, w.alice]) {
        await expect(registry.connect(who).setBaseURI("x"))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await registry.tokenURI(id)).to.equal(`${base}${id}`);
    });

    it("setAuthority is refused to everyone, the admin included: the manager is fixed", async () => {
      for (const who of [w.admin, w.outsider]) {
        await expect(registry.connect(who).setAuthority(w.outsider.address)).to.be.revertedWithCustomError(registry, "AuthorityFixed");
      }
      expect(await registry.authority()).to.equal(await w.ledger.manager.getAddress());
    });

    it("supports ERC-165, ERC-721, ERC-721 metadata and ERC-4906, and nothing else", async () => {
      expect(await registry.supportsInterface("0x80ac58cd")).to.equal(true);
      expect(await registry.supportsInterface("0x5b5e139f")).to.equal(true);
      expect(await registry.supportsInterface("0x49064906")).to.equal(true);
      expect(await registry.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
      expect(await registry.supportsInterface("0x12345678")).to.equal(false);
    });

    it("balanceOf(zero) reverts; an application is not a token yet", async () => {
      await expect(registry.balanceOf(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, "ERC721InvalidOwner")
        .withArgs(ethers.ZeroAddress);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      const id = await submit(w, w.alice);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await registry.registeredHolderOf(id)).to.equal(ethers.ZeroAddress);
      await expect(registry.tokenURI(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
      await expect(registry.ownerOf(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
    });
  });

  // Applications are filed through the RegistrationOffice (commit, then reveal): their checks
  // and the deposits are in test/office.test.ts. Here the registry's side: review and records.

  // ─── Review ──────────────────────────────────────────────────────────────────────────

  describe("accept", () => {
    it("opens the publicity window", async () => {
      const id = await submit(w, w.alice);
      const appliedAt = (await registry.recordOf(id)).appliedAt;
      const t = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(t);
      await expect(registry.connect(w.registrar).accept(id, 7 * DAY))
        .to.emit(registry, "PublicityStarted")
        .withArgs(id, w.registrar.address, t + 7 * DAY);
      expect((await registry.recordOf(id)).status).to.equal(Status.Publicity);
      const reg = await registry.registrationOf(id);
      expect(reg.publicityEnd).to.equal(BigInt(t + 7 * DAY));
      expect(reg.appliedAt).to.equal(appliedAt);
      expect((await registry.recordOf(id)).appliedAt).to.equal(appliedAt);
    });

    it("the window must be 1 to 90 days", async () => {
      const id = await submit(w, w.alice);
      for (const p of [DAY - 1, 90 * DAY + 1, 0]) {
        await expect(registry.connect(w.registrar).accept(id, p))
          .to.be.revertedWithCustomError(registry, "OutOfRange")
          .withArgs(Field.PublicityPeriod, p);
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
      for (const who of [w.outsider, w.alice, w.court, w.admin]) {
        await expect(registry.connect(who).accept(id, DAY))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await registry.statusOf(id)).to.equal(Status.Applied);
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
      await time.increase(DAY);
      await expect(registry.connect(w.registrar).confirm(b))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(b, Status.Refused);
    });

    it("rejects a zero reason and a wrong status", async () => {
      const a = await submit(w, w.alice);
      await expect(registry.connect(w.registrar).refuse(a, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs(Field.ReasonHash);
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
      for (const who of [w.outsider, w.regulator, w.alice]) {
        await expect(registry.connect(who).refuse(a, h()))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await registry.statusOf(a)).to.equal(Status.Applied);
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
      expect(await registry.registeredHolderOf(id)).to.equal(w.alice.address);
      expect(await registry.balanceOf(w.alice.address)).to.equal(1n);
      expect((await registry.registrationOf(id)).confirmedAt).to.equal(BigInt(t));
      expect(await registry.registrationNumber(id)).to.equal(expected);
      expect(isValidRegistrationNumber(expected)).to.equal(true);
      expect(await registry.tokenURI(id)).to.equal(`${BASE_URI}${id}`);
    });

    it("not before the publicity window ends (confirming exactly at its end works)", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, 2 * DAY);
      const end = (await registry.registrationOf(id)).publicityEnd;
      await expect(registry.connect(w.registrar).confirm(id)).to.be.revertedWithCustomError(registry, "PublicityNotOver").withArgs(id, end);
      await time.setNextBlockTimestamp(end - 1n);
      await expect(registry.connect(w.registrar).confirm(id)).to.be.revertedWithCustomError(registry, "PublicityNotOver").withArgs(id, end);
      await time.setNextBlockTimestamp(end);
      await expect(registry.connect(w.registrar).confirm(id)).to.emit(registry, "AssetRegistered");
    });

    it("not while an objection is open (admitted or not); once every one is withdrawn it can", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      const o1 = await object(id, w.bob);
      const o2 = await object(id, w.carol);
      await time.increase(DAY);
      let rec = await registry.recordOf(id);
      expect([rec.objectionsOpen, rec.disputed]).to.deep.equal([true, false]);
      await expect(registry.connect(w.registrar).confirm(id)).to.be.revertedWithCustomError(registry, "ObjectionsOpen").withArgs(id);
      await w.ledger.disputes.connect(w.bob).withdraw(o1);
      expect((await registry.recordOf(id)).objectionsOpen).to.equal(true);
      await expect(registry.connect(w.registrar).confirm(id)).to.be.revertedWithCustomError(registry, "ObjectionsOpen").withArgs(id);
      await w.ledger.disputes.connect(w.carol).withdraw(o2);
      rec = await registry.recordOf(id);
      expect([rec.objectionsOpen, rec.disputed]).to.deep.equal([false, false]);
      await expect(registry.connect(w.registrar).confirm(id)).to.emit(registry, "AssetRegistered");
    });

    it("not once the stated validity has passed: expiry is validUntil < block.timestamp", async () => {
      const validUntil = (await time.latest()) + 2 * DAY;
      const onTime = await submit(w, w.alice, { validUntil });
      const late = await submit(w, w.alice, { validUntil });
      await registry.connect(w.registrar).accept(onTime, DAY);
      await registry.connect(w.registrar).accept(late, DAY);
      await time.setNextBlockTimestamp(validUntil);
      await expect(registry.connect(w.registrar).confirm(onTime)).to.emit(registry, "AssetRegistered");
      // The same instant everywhere: at validUntil the asset still trades and is not expired.
      expect(await registry.isExpired(onTime)).to.equal(false);
      expect(await registry.transferCheck(onTime, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      await expect(registry.connect(w.registrar).confirm(late))
        .to.be.revertedWithCustomError(registry, "AssetExpired")
        .withArgs(late, validUntil);
      expect(await registry.isExpired(onTime)).to.equal(true);
      expect(await registry.transferCheck(onTime, w.alice.address, w.bob.address)).to.equal(Reason.Expired);
    });

    it("not an application the regulator graded core during review or publicity", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h("grading"));
      await time.increase(DAY);
      await expect(registry.connect(w.registrar).confirm(id)).to.be.revertedWithCustomError(registry, "CoreDataNotRegistrable");
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

    it("not when the applicant is no longer an active member", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      await time.increase(DAY);
      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      await expect(registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.alice.address);
      await w.ledger.members.connect(w.registrar).reinstate(w.alice.address);
      await expect(registry.connect(w.registrar).confirm(id)).to.emit(registry, "AssetRegistered");
    });

    it("is refused to anyone but the registrar", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      await time.increase(DAY);
      for (const who of [w.outsider, w.alice, w.admin, w.court]) {
        await expect(registry.connect(who).confirm(id))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await registry.statusOf(id)).to.equal(Status.Publicity);
    });
  });

  // ─── Registration numbers ────────────────────────────────────────────────────────────

  describe("registration number", () => {
    it("matches the SDK for members of every registrant type", async () => {
      const expectations: [bigint, number][] = [[await register(w, w.alice), MemberType.Enterprise]];
      for (const [i, type] of [MemberType.PublicBody, MemberType.DataProductCompany, MemberType.Other].entries()) {
        const who = await admitSpare(i, type);
        expectations.push([await register(w, who), type]);
      }
      for (const [id, type] of expectations) {
        expect((await registry.recordOf(id)).registrantType).to.equal(BigInt(type));
        const confirmedAt = Number((await registry.registrationOf(id)).confirmedAt);
        const number = await registry.registrationNumber(id);
        expect(number).to.equal(formatRegistrationNumber(confirmedAt, AREA_CODE, type + 1, id));
        expect(isValidRegistrationNumber(number)).to.equal(true);
        expect(number.split("-")[2]).to.equal(String(AREA_CODE));
        expect(number.split("-")[3]).to.equal(String(type + 1));
      }
    });

    it("the assembly formatter matches the SDK across years, leap days, 2038, 2100 and the end of uint32 time", async () => {
      const module = await asModule(w.outsider, ROLES.REGISTRATION_MODULE);
      const nowYear = new Date((await time.latest()) * 1000).getUTCFullYear();
      let leap = nowYear + 2;
      while (!(leap % 4 === 0 && (leap % 100 !== 0 || leap % 400 === 0))) leap++;
      const moments = [
        utc(leap - 1, 12, 31, DAY - 1),
        utc(leap, 1, 1),
        utc(leap, 2, 28, DAY - 1),
        utc(leap, 2, 29),
        utc(leap, 2, 29, DAY - 1),
        utc(leap, 3, 1),
        utc(leap, 12, 31, DAY - 1),
        utc(leap + 1, 1, 1),
        utc(leap + 1, 2, 28, DAY - 1),
        utc(leap + 1, 3, 1),
        2 ** 31 - 1, // 2038-01-19T03:14:07Z
        2 ** 31,
        utc(2096, 2, 29, 12 * 3600),
        utc(2099, 12, 31, DAY - 1),
        utc(2100, 1, 1),
        utc(2100, 2, 28, DAY - 1),
        utc(2100, 3, 1), // 2100 is not a leap year
        utc(2100, 12, 31, DAY - 1),
        utc(2101, 1, 1),
        utc(2104, 2, 29),
        utc(2105, 12, 31, DAY - 1),
        utc(2106, 1, 1),
        MAX_UINT32, // 2106-02-07T06:28:15Z, the last second a uint32 holds
      ];
      expect([...moments].sort((a, b) => a - b)).to.deep.equal(moments);
      const ids: bigint[] = [];
      for (let i = 0; i < moments.length; i++) ids.push(await openDirect(module, w.alice.address, { registrantType: i % 4 }));
      for (const id of ids) await registry.connect(w.registrar).accept(id, DAY);
      const numbers: string[] = [];
      for (const [i, moment] of moments.entries()) {
        const id = ids[i]!;
        await time.setNextBlockTimestamp(moment);
        const expected = formatRegistrationNumber(moment, AREA_CODE, (i % 4) + 1, id);
        await expect(registry.connect(w.registrar).confirm(id))
          .to.emit(registry, "AssetRegistered")
          .withArgs(id, w.alice.address, w.registrar.address, expected, moment, MAX_UINT32);
        expect(await registry.registrationNumber(id)).to.equal(expected);
        expect(expected.slice(3, 7)).to.equal(String(new Date(moment * 1000).getUTCFullYear()));
        expect(isValidRegistrationNumber(expected)).to.equal(true);
        numbers.push(expected);
      }
      expect(numbers.filter((n) => n.endsWith("-X")).length, "numbers with check digit X").to.be.at.least(2);
      expect(new Set(numbers.map((n) => n.split("-")[3]))).to.deep.equal(new Set(["1", "2", "3", "4"]));
    });

    it("prints ids with check digit X, for every registrant type", async () => {
      const module = await asModule(w.outsider, ROLES.REGISTRATION_MODULE);
      const moment = utc(new Date((await time.latest()) * 1000).getUTCFullYear() + 1, 6, 15);
      // The first ids whose number at `moment` ends in X, one per registrant type.
      const wanted = new Map<number, bigint>();
      for (let id = 1n; wanted.size < 4; id++) {
        for (const type of [0, 1, 2, 3]) {
          if (!wanted.has(type) && formatRegistrationNumber(moment, AREA_CODE, type + 1, id).endsWith("X")) wanted.set(type, id);
        }
        if (id > 200n) throw new Error("no X check digit among the first ids");
      }
      const last = [...wanted.values()].reduce((a, b) => (a > b ? a : b));
      const typeOf = new Map([...wanted.entries()].map(([type, id]) => [id, type]));
      for (let id = 1n; id <= last; id++) {
        await openDirect(module, w.alice.address, { registrantType: typeOf.get(id) ?? MemberType.Enterprise });
        await registry.connect(w.registrar).accept(id, DAY);
      }
      await time.setNextBlockTimestamp(moment);
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        for (const id of wanted.values()) await registry.connect(w.registrar).confirm(id, { gasLimit: 500_000 });
        await ethers.provider.send("evm_mine", []);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      for (const [type, id] of wanted) {
        const number = await registry.registrationNumber(id);
        expect(number).to.equal(formatRegistrationNumber(moment, AREA_CODE, type + 1, id));
        expect(number.endsWith("-X")).to.equal(true);
        expect(isValidRegistrationNumber(number)).to.equal(true);
        expect(isValidRegistrationNumber(`${number.slice(0, -1)}0`)).to.equal(false);
      }
    });

    it("pads the area code to six digits: registries of areas 0, 7, 100000 and 999999", async () => {
      const module = await asModule(w.outsider, ROLES.REGISTRATION_MODULE);
      for (const area of [0, 7, 100_000, 999_999]) {
        const side = await sideRegistry(area);
        await side.connect(module).openApplication(w.bob.address, MemberType.DataProductCompany, 0, 7, 1, MAX_UINT32, h("m"));
        await side.connect(module).openApplication(w.bob.address, MemberType.Other, 0, 7, 1, MAX_UINT32, h("m"));
        for (const id of [1n, 2n]) await side.connect(w.registrar).accept(id, DAY);
        await time.increase(DAY);
        for (const [id, code] of [
          [1n, 3],
          [2n, 4],
        ] as const) {
          await side.connect(w.registrar).confirm(id);
          const confirmedAt = Number((await side.registrationOf(id)).confirmedAt);
          const number = await side.registrationNumber(id);
          expect(number).to.equal(formatRegistrationNumber(confirmedAt, area, code, id));
          expect(number.split("-")[2]).to.equal(String(area).padStart(6, "0"));
        }
      }
    });

    it("is not issued before confirmation, and stays after a cancellation", async () => {
      const id = await submit(w, w.alice);
      await expect(registry.registrationNumber(id)).to.be.revertedWithCustomError(registry, "AssetNotRegistered").withArgs(id);
      await registry.connect(w.registrar).accept(id, DAY);
      await expect(registry.registrationNumber(id)).to.be.revertedWithCustomError(registry, "AssetNotRegistered").withArgs(id);
      await time.increase(DAY);
      await registry.connect(w.registrar).confirm(id);
      const number = await registry.registrationNumber(id);
      await registry.connect(w.alice).cancel(id, h());
      expect(await registry.registrationNumber(id)).to.equal(number);
      await expect(registry.registrationNumber(999)).to.be.revertedWithCustomError(registry, "AssetNotRegistered").withArgs(999);
    });
  });

  // ─── Records ─────────────────────────────────────────────────────────────────────────

  describe("recordOf and registrationOf", () => {
    it("recordOf unpacks every field of the slot openApplication writes, for many combinations", async () => {
      const module = await asModule(w.outsider, ROLES.REGISTRATION_MODULE);
      const edge = "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF";
      const cases: (Opening & { applicant: string })[] = [
        {
          applicant: edge,
          registrantType: MemberType.Other,
          grade: Grade.Core,
          rights: 255,
          category: DataCategory.Personal,
          validUntil: MAX_UINT32,
          metadataHash: h(),
        },
        {
          applicant: "0x0000000000000000000000000000000000000001",
          registrantType: MemberType.Enterprise,
          grade: Grade.General,
          rights: 0,
          category: DataCategory.Public,
          validUntil: 1,
          metadataHash: h(),
        },
      ];
      for (const type of [0, 1, 2, 3]) {
        for (const category of [0, 1, 2]) {
          cases.push({
            applicant: w.alice.address,
            registrantType: type,
            grade: (type + category) % 3,
            rights: ((type * 3 + category) % 7) + 1,
            category,
            validUntil: (await time.latest()) + YEAR + type * DAY + category,
            metadataHash: h(),
          });
        }
      }
      for (const c of cases) {
        const id = await openDirect(module, c.applicant, c);
        const at = await time.latest();
        const r = await registry.recordOf(id);
        expect(r.holder).to.equal(ethers.getAddress(c.applicant));
        expect(r.status).to.equal(Status.Applied);
        expect(r.grade).to.equal(BigInt(c.grade));
        expect(r.category).to.equal(BigInt(c.category));
        expect(r.registrantType).to.equal(BigInt(c.registrantType));
        expect(r.rights).to.equal(BigInt(c.rights));
        expect(r.validUntil).to.equal(BigInt(c.validUntil));
        expect(r.appliedAt).to.equal(BigInt(at));
        expect([r.frozen, r.pledged, r.disputed, r.objectionsOpen]).to.deep.equal([false, false, false, false]);
        expect(await registry.categoryOf(id)).to.equal(BigInt(c.category));
        expect(await registry.statusAndGradeOf(id)).to.deep.equal([Status.Applied, BigInt(c.grade)]);
        expect(await registry.metadataOf(id)).to.deep.equal([c.metadataHash, 0n]);
        expect((await registry.registrationOf(id)).appliedAt).to.equal(BigInt(at));
      }
    });

    it("the flags keep the category and registrant type as the asset is frozen, pledged and disputed", async () => {
      const who = await admitSpare(0, MemberType.PublicBody);
      const content = h("personal");
      await w.ledger.compliance.connect(w.regulator).recordDeidentificationReview(who.address, content, true, h());
      const id = await register(w, who, {
        contentHash: content,
        category: DataCategory.Personal,
        personalInfo: PersonalInfo.DeIdentified,
        grade: Grade.Important,
        rights: Rights.HOLDING | Rights.OPERATION,
      });
      const expectRecord = async (flags: [boolean, boolean, boolean, boolean]) => {
        const r = await registry.recordOf(id);
        expect([r.frozen, r.pledged, r.disputed, r.objectionsOpen]).to.deep.equal(flags);
        expect([r.category, r.registrantType, r.grade, r.rights, r.status]).to.deep.equal([
          BigInt(DataCategory.Personal),
          BigInt(MemberType.PublicBody),
          BigInt(Grade.Important),
          BigInt(Rights.HOLDING | Rights.OPERATION),
          Status.Registered,
        ]);
        expect(r.holder).to.equal(who.address);
      };
      await expectRecord([false, false, false, false]);
      const pledgeId = await pledge(id, who, w.bob);
      await expectRecord([false, true, false, false]);
      const objectionId = await object(id, w.carol);
      await expectRecord([false, true, false, true]);
      await w.ledger.disputes.connect(w.registrar).admit(objectionId);
      await expectRecord([false, true, true, true]);
      const caseHash = await freeze(id);
      await expectRecord([true, true, true, true]);
      await w.ledger.disputes.connect(w.court).unfreeze(id, caseHash);
      await w.ledger.disputes.connect(w.carol).withdraw(objectionId);
      await w.ledger.pledges.connect(w.bob).release(pledgeId);
      await expectRecord([false, false, false, false]);
      expect(await registry.registrationNumber(id)).to.match(/^DR-\d{4}-440300-2-/);
    });

    it("registrationOf follows the lifecycle: applied, publicity, confirmed, metadata versions, open licences, cancelled", async () => {
      const id = await submit(w, w.alice);
      const appliedAt = (await registry.recordOf(id)).appliedAt;
      const facts = async () => {
        const r = await registry.registrationOf(id);
        return [r.appliedAt, r.publicityEnd, r.confirmedAt, r.metadataVersion, r.openLicenses];
      };
      expect(await facts()).to.deep.equal([appliedAt, 0n, 0n, 0n, 0n]);
      await registry.connect(w.registrar).correct(id, h(), "ipfs://corrected", h());
      expect(await facts()).to.deep.equal([appliedAt, 0n, 0n, 1n, 0n]);
      await registry.connect(w.registrar).accept(id, DAY);
      const publicityEnd = BigInt((await time.latest()) + DAY);
      expect(await facts()).to.deep.equal([appliedAt, publicityEnd, 0n, 1n, 0n]);
      await time.increase(DAY);
      await registry.connect(w.registrar).confirm(id);
      const confirmedAt = BigInt(await time.latest());
      expect(await facts()).to.deep.equal([appliedAt, publicityEnd, confirmedAt, 1n, 0n]);
      await registry.connect(w.alice).changeMetadata(id, h(), "ipfs://v2");
      const revocable = await licence(id, w.alice, w.bob.address, { revocable: true });
      const surrendered = await licence(id, w.alice, w.carol.address);
      expect(await facts()).to.deep.equal([appliedAt, publicityEnd, confirmedAt, 2n, 2n]);
      await w.ledger.licenses.connect(w.alice).revoke(revocable, h());
      await w.ledger.licenses.connect(w.carol).surrender(surrendered, h());
      expect(await facts()).to.deep.equal([appliedAt, publicityEnd, confirmedAt, 2n, 0n]);
      await registry.connect(w.alice).cancel(id, h());
      // A cancelled registration keeps its confirmation time.
      expect(await facts()).to.deep.equal([appliedAt, publicityEnd, confirmedAt, 2n, 0n]);
      expect((await registry.recordOf(id)).appliedAt).to.equal(appliedAt);
      expect(await registry.statusOf(id)).to.equal(Status.Cancelled);
    });

    it("a pending application cancelled by a court was never confirmed: confirmedAt stays 0", async () => {
      const id = await submit(w, w.alice);
      const appliedAt = (await registry.recordOf(id)).appliedAt;
      await registry.connect(w.registrar).accept(id, DAY);
      const publicityEnd = (await registry.registrationOf(id)).publicityEnd;
      await w.ledger.disputes.connect(w.court).orderCancel(id, h("case"), []);
      const r = await registry.registrationOf(id);
      expect([r.appliedAt, r.publicityEnd, r.confirmedAt]).to.deep.equal([appliedAt, publicityEnd, 0n]);
      expect(await registry.statusOf(id)).to.equal(Status.Cancelled);
      await expect(registry.registrationNumber(id)).to.be.revertedWithCustomError(registry, "AssetNotRegistered").withArgs(id);
    });

    it("an application refused or cancelled while under review keeps its application time", async () => {
      const refused = await submit(w, w.alice);
      const refusedAt = (await registry.recordOf(refused)).appliedAt;
      const cancelled = await submit(w, w.alice);
      const cancelledAt = (await registry.recordOf(cancelled)).appliedAt;
      await registry.connect(w.registrar).refuse(refused, h());
      await w.ledger.disputes.connect(w.court).orderCancel(cancelled, h("case"), []);
      expect((await registry.registrationOf(refused)).appliedAt).to.equal(refusedAt);
      expect((await registry.recordOf(refused)).appliedAt).to.equal(refusedAt);
      expect((await registry.registrationOf(cancelled)).appliedAt).to.equal(cancelledAt);
      expect((await registry.recordOf(cancelled)).appliedAt).to.equal(cancelledAt);
      expect((await registry.registrationOf(cancelled)).confirmedAt).to.equal(0n);
    });

    it("an unknown id has an empty record", async () => {
      const r = await registry.recordOf(999);
      expect([r.holder, r.status, r.validUntil, r.appliedAt]).to.deep.equal([ethers.ZeroAddress, Status.None, 0n, 0n]);
      const reg = await registry.registrationOf(999);
      expect([reg.appliedAt, reg.publicityEnd, reg.confirmedAt, reg.metadataVersion, reg.openLicenses]).to.deep.equal([0n, 0n, 0n, 0n, 0n]);
    });
  });

  // ─── After registration ──────────────────────────────────────────────────────────────

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
      expect(await registry.metadataOf(id)).to.deep.equal([v2, 2n]);
      expect(await registry.metadataAt(id, 0)).to.equal(original);
      expect(await registry.metadataAt(id, 1)).to.equal(v1);
      expect(await registry.metadataAt(id, 2)).to.equal(v2);
      expect(await registry.metadataAt(id, 3)).to.equal(ethers.ZeroHash);
      expect((await registry.registrationOf(id)).metadataVersion).to.equal(2n);
    });

    it("a new holder changes it; the previous holder no longer can", async () => {
      const id = await register(w, w.alice);
      await registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id);
      await expect(registry.connect(w.alice).changeMetadata(id, h(), "u"))
        .to.be.revertedWithCustomError(registry, "NotHolder")
        .withArgs(id, w.alice.address);
      await expect(registry.connect(w.bob).changeMetadata(id, h(), "u")).to.emit(registry, "MetadataChanged");
    });

    it("rejects bad input, a non-holder, an unregistered and a frozen asset", async () => {
      const id = await register(w, w.alice);
      await expect(registry.connect(w.alice).changeMetadata(id, ethers.ZeroHash, "u"))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs(Field.MetadataHash);
      await expect(registry.connect(w.alice).changeMetadata(id, h(), ""))
        .to.be.revertedWithCustomError(registry, "EmptyString")
        .withArgs(Field.MetadataUri);
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
      await expect(r.correct(id, ethers.ZeroHash, "u", h()))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs(Field.MetadataHash);
      await expect(r.correct(id, h(), "", h())).to.be.revertedWithCustomError(registry, "EmptyString").withArgs(Field.MetadataUri);
      await expect(r.correct(id, h(), "u", ethers.ZeroHash)).to.be.revertedWithCustomError(registry, "ZeroHash").withArgs(Field.ReasonHash);
      const refused = await submit(w, w.alice);
      await r.refuse(refused, h());
      await expect(r.correct(refused, h(), "u", h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(refused, Status.Refused);
      await registry.connect(w.alice).cancel(id, h());
      await expect(r.correct(id, h(), "u", h())).to.be.revertedWithCustomError(registry, "WrongStatus").withArgs(id, Status.Cancelled);
      await expect(r.correct(999, h(), "u", h())).to.be.revertedWithCustomError(registry, "WrongStatus").withArgs(999, Status.None);
    });

    it("is refused to anyone but the registrar, including the holder", async () => {
      const id = await register(w, w.alice);
      for (const who of [w.outsider, w.alice, w.regulator]) {
        await expect(registry.connect(who).correct(id, h(), "u", h()))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await registry.metadataOf(id))[1]).to.equal(0n);
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

    it("renewal only extends: the new date must be later (a pledge's due date stays covered), and at most three years from now", async () => {
      const id = await register(w, w.alice);
      const current = (await registry.recordOf(id)).validUntil;
      await pledge(id, w.alice, w.bob, Number(current));
      for (const requested of [current, current - 1n, BigInt((await time.latest()) + DAY)]) {
        await expect(registry.connect(w.registrar).renew(id, requested, h()))
          .to.be.revertedWithCustomError(registry, "RenewalNotLater")
          .withArgs(current, requested);
      }
      const t = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(t);
      await expect(registry.connect(w.registrar).renew(id, t + MAX_VALIDITY + 1, h()))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs(Field.NewValidUntil, t + MAX_VALIDITY + 1);
      expect((await registry.recordOf(id)).validUntil).to.equal(current);
      const t2 = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(t2);
      await expect(registry.connect(w.registrar).renew(id, t2 + MAX_VALIDITY, h())).to.emit(registry, "AssetRenewed");
    });

    it("rejects a zero evidence hash and an unregistered asset; refused to anyone but the registrar", async () => {
      const id = await register(w, w.alice);
      const later = (await time.latest()) + 2 * YEAR;
      await expect(registry.connect(w.registrar).renew(id, later, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs(Field.EvidenceHash);
      const pending = await submit(w, w.alice);
      await expect(registry.connect(w.registrar).renew(pending, later, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
      for (const who of [w.outsider, w.alice]) {
        await expect(registry.connect(who).renew(id, later, h()))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
    });
  });

  describe("cancel (by the holder)", () => {
    it("answers a non-holder NotHolder before any encumbrance", async () => {
      const id = await register(w, w.alice);
      await licence(id, w.alice, w.bob.address);
      await w.ledger.disputes.connect(w.court).freeze(id, h("case"));
      await expect(registry.connect(w.bob).cancel(id, h()))
        .to.be.revertedWithCustomError(registry, "NotHolder")
        .withArgs(id, w.bob.address);
    });

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
      expect(await registry.registeredHolderOf(id)).to.equal(ethers.ZeroAddress);
      await expect(registry.ownerOf(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
      await expect(registry.tokenURI(id)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(id);
      expect((await registry.recordOf(id)).holder).to.equal(w.alice.address);
      await expect(registry.connect(w.alice).cancel(id, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
    });

    it("not while frozen, disputed or pledged", async () => {
      const frozen = await register(w, w.alice);
      await freeze(frozen);
      await expect(registry.connect(w.alice).cancel(frozen, h())).to.be.revertedWithCustomError(registry, "AssetFrozen").withArgs(frozen);
      const disputed = await register(w, w.alice);
      await dispute(disputed);
      await expect(registry.connect(w.alice).cancel(disputed, h()))
        .to.be.revertedWithCustomError(registry, "AssetDisputed")
        .withArgs(disputed);
      const pledged = await register(w, w.alice);
      await pledge(pledged, w.alice, w.bob);
      await expect(registry.connect(w.alice).cancel(pledged, h()))
        .to.be.revertedWithCustomError(registry, "AssetPledged")
        .withArgs(pledged);
      for (const id of [frozen, disputed, pledged]) expect(await registry.statusOf(id)).to.equal(Status.Registered);
    });

    // Changed: an objection not (yet) admitted no longer encumbers a registered asset (issue 8, section 3).
    it("an objection that is only recorded does not stop it", async () => {
      const id = await register(w, w.alice);
      await object(id);
      await expect(registry.connect(w.alice).cancel(id, h())).to.emit(registry, "RegistrationCancelled");
    });

    it("attack: a holder cancels an asset to cut off its licensees", async () => {
      const id = await register(w, w.alice);
      const start = await time.latest();
      const short = await licence(id, w.alice, w.bob.address, { start, end: start + 10 * DAY });
      const long = await licence(id, w.alice, w.carol.address, { start, end: start + 20 * DAY });
      await expect(registry.connect(w.alice).cancel(id, h())).to.be.revertedWithCustomError(registry, "LicensesOpen").withArgs(id, 2);
      expect(await w.ledger.licenses.isInForce(short)).to.equal(true);
      expect(await w.ledger.licenses.isInForce(long)).to.equal(true);
      // Once a licence lapsed and was closed, it no longer counts.
      await time.increaseTo(start + 10 * DAY + 1);
      await w.ledger.licenses.connect(w.outsider).close([short]);
      await expect(registry.connect(w.alice).cancel(id, h())).to.be.revertedWithCustomError(registry, "LicensesOpen").withArgs(id, 1);
      await time.increaseTo(start + 20 * DAY + 1);
      await w.ledger.licenses.connect(w.outsider).close([long]);
      expect((await registry.registrationOf(id)).openLicenses).to.equal(0n);
      await expect(registry.connect(w.alice).cancel(id, h())).to.emit(registry, "RegistrationCancelled");
    });

    // Changed: the registrar cancels through `registrarCancel`; `cancel` is the holder's alone.
    it("anyone but the holder is refused, the registrar included", async () => {
      const id = await register(w, w.alice);
      for (const who of [w.outsider, w.bob, w.court, w.registrar]) {
        await expect(registry.connect(who).cancel(id, h())).to.be.revertedWithCustomError(registry, "NotHolder").withArgs(id, who.address);
      }
      expect(await registry.statusOf(id)).to.equal(Status.Registered);
    });

    it("rejects a zero reason and an unregistered asset", async () => {
      const id = await register(w, w.alice);
      await expect(registry.connect(w.alice).cancel(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs(Field.ReasonHash);
      const pending = await submit(w, w.alice);
      await expect(registry.connect(w.alice).cancel(pending, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
    });
  });

  describe("registrarCancel", () => {
    it("the registrar cancels a registration, a disputed one included", async () => {
      const id = await register(w, w.alice);
      await dispute(id);
      const reason = h();
      await expect(registry.connect(w.registrar).registrarCancel(id, reason))
        .to.emit(registry, "RegistrationCancelled")
        .withArgs(id, w.registrar.address, w.alice.address, reason)
        .and.to.emit(registry, "Transfer")
        .withArgs(w.alice.address, ethers.ZeroAddress, id);
      expect(await registry.statusOf(id)).to.equal(Status.Cancelled);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
    });

    // Changed: the registrar could cancel a pledged asset; the pledge was then left on a cancelled asset.
    it("attack: a registrar cancels a pledged asset and leaves a pledge that can never be enforced", async () => {
      const id = await register(w, w.alice);
      const pledgeId = await pledge(id, w.alice, w.bob);
      await expect(registry.connect(w.registrar).registrarCancel(id, h()))
        .to.be.revertedWithCustomError(registry, "AssetPledged")
        .withArgs(id);
      expect(await registry.statusOf(id)).to.equal(Status.Registered);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PledgeStatus.Active);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(pledgeId, h())).to.emit(registry, "ForcedTransfer");
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("not a frozen asset, nor one with licences open", async () => {
      const frozen = await register(w, w.alice);
      await freeze(frozen);
      await expect(registry.connect(w.registrar).registrarCancel(frozen, h()))
        .to.be.revertedWithCustomError(registry, "AssetFrozen")
        .withArgs(frozen);
      const licensed = await register(w, w.alice);
      await licence(licensed, w.alice, w.bob.address);
      await expect(registry.connect(w.registrar).registrarCancel(licensed, h()))
        .to.be.revertedWithCustomError(registry, "LicensesOpen")
        .withArgs(licensed, 1);
      expect(await registry.balanceOf(w.alice.address)).to.equal(2n);
    });

    it("rejects a zero reason and an unregistered asset; refused to anyone but the registrar", async () => {
      const id = await register(w, w.alice);
      await expect(registry.connect(w.registrar).registrarCancel(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs(Field.ReasonHash);
      const pending = await submit(w, w.alice);
      await expect(registry.connect(w.registrar).registrarCancel(pending, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
      for (const who of [w.alice, w.outsider, w.court, w.admin]) {
        await expect(registry.connect(who).registrarCancel(id, h()))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await registry.statusOf(id)).to.equal(Status.Registered);
    });
  });

  describe("recoveryTransfer (key rotation)", () => {
    async function rebound(): Promise<{ id: bigint; lost: HardhatEthersSigner; fresh: HardhatEthersSigner }> {
      const id = await register(w, w.alice);
      const fresh = w.spare[0]!;
      await w.ledger.members.connect(w.registrar).rebind(w.alice.address, fresh.address, h("rebind"));
      return { id, lost: w.alice, fresh };
    }

    it("after a rebind the registrar moves the organisation's assets to its new account", async () => {
      const id = await register(w, w.alice);
      const second = await register(w, w.alice);
      const licensed = await licence(id, w.alice, w.bob.address);
      const fresh = w.spare[0]!;
      await w.ledger.members.connect(w.registrar).rebind(w.alice.address, fresh.address, h("rebind"));
      // The retired account can no longer move anything.
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.NotMember);
      const reason = h("recovery");
      await expect(registry.connect(w.registrar).recoveryTransfer(id, fresh.address, reason))
        .to.emit(registry, "RecoveryTransfer")
        .withArgs(id, w.alice.address, fresh.address, w.registrar.address, reason)
        .and.to.emit(registry, "Transfer")
        .withArgs(w.alice.address, fresh.address, id);
      await registry.connect(w.registrar).recoveryTransfer(second, fresh.address, reason);
      expect(await registry.ownerOf(id)).to.equal(fresh.address);
      expect((await registry.recordOf(id)).holder).to.equal(fresh.address);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await registry.balanceOf(fresh.address)).to.equal(2n);
      // A licence binds the new holder, and the new account acts as the holder.
      expect(await w.ledger.licenses.isInForce(licensed)).to.equal(true);
      expect(await registry.transferCheck(id, fresh.address, w.bob.address)).to.equal(Reason.OK);
      await expect(registry.connect(fresh).changeMetadata(id, h(), "ipfs://recovered")).to.emit(registry, "MetadataChanged");
    });

    it("only between two accounts of the same organisation", async () => {
      const { id, lost, fresh } = await rebound();
      for (const to of [w.bob, w.outsider, lost]) {
        await expect(registry.connect(w.registrar).recoveryTransfer(id, to.address, h()))
          .to.be.revertedWithCustomError(registry, "NotSameOrganisation")
          .withArgs(lost.address, to.address);
      }
      // Without a rebind, another member's assets cannot be taken this way.
      const bobs = await register(w, w.bob);
      await expect(registry.connect(w.registrar).recoveryTransfer(bobs, fresh.address, h()))
        .to.be.revertedWithCustomError(registry, "NotSameOrganisation")
        .withArgs(w.bob.address, fresh.address);
      expect(await registry.ownerOf(id)).to.equal(lost.address);
    });

    it("not a frozen or pledged asset (those move only by court order)", async () => {
      const frozen = await register(w, w.alice);
      await freeze(frozen);
      const pledged = await register(w, w.alice);
      await pledge(pledged, w.alice, w.bob);
      const fresh = w.spare[0]!;
      await w.ledger.members.connect(w.registrar).rebind(w.alice.address, fresh.address, h("rebind"));
      await expect(registry.connect(w.registrar).recoveryTransfer(frozen, fresh.address, h()))
        .to.be.revertedWithCustomError(registry, "AssetFrozen")
        .withArgs(frozen);
      await expect(registry.connect(w.registrar).recoveryTransfer(pledged, fresh.address, h()))
        .to.be.revertedWithCustomError(registry, "AssetPledged")
        .withArgs(pledged);
    });

    it("not to an inactive account: a suspended organisation stays suspended after its rebind", async () => {
      const id = await register(w, w.alice);
      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      const fresh = w.spare[0]!;
      await w.ledger.members.connect(w.registrar).rebind(w.alice.address, fresh.address, h("rebind"));
      await expect(registry.connect(w.registrar).recoveryTransfer(id, fresh.address, h()))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(fresh.address);
      await w.ledger.members.connect(w.registrar).reinstate(fresh.address);
      await expect(registry.connect(w.registrar).recoveryTransfer(id, fresh.address, h())).to.emit(registry, "RecoveryTransfer");
    });

    it("rejects a zero reason and a refused application; refused to anyone but the registrar", async () => {
      const pending = await submit(w, w.alice);
      await registry.connect(w.registrar).refuse(pending, h("refusal"));
      const { id, fresh } = await rebound();
      await expect(registry.connect(w.registrar).recoveryTransfer(id, fresh.address, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ZeroHash")
        .withArgs(Field.ReasonHash);
      await expect(registry.connect(w.registrar).recoveryTransfer(pending, fresh.address, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Refused);
      for (const who of [fresh, w.alice, w.outsider, w.court]) {
        await expect(registry.connect(who).recoveryTransfer(id, fresh.address, h()))
          .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    // Changed: a rebound organisation's pending application was stuck (its applicant is the
    // retired account, so it could neither be confirmed nor moved); the recovery now moves it.
    it("a pending application of a rebound organisation moves to its new account, and is then confirmed to it", async () => {
      const id = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(id, DAY);
      await time.increase(DAY);
      const fresh = w.spare[0]!;
      await w.ledger.members.connect(w.registrar).rebind(w.alice.address, fresh.address, h("rebind"));
      await expect(registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.alice.address);
      await expect(registry.connect(w.registrar).recoveryTransfer(id, fresh.address, h()))
        .to.emit(registry, "RecoveryTransfer")
        .withArgs(id, w.alice.address, fresh.address, w.registrar.address, anyValue)
        .and.not.to.emit(registry, "Transfer");
      expect((await registry.recordOf(id)).holder).to.equal(fresh.address);
      expect(await registry.statusOf(id)).to.equal(Status.Publicity);
      await registry.connect(w.registrar).confirm(id);
      expect(await registry.ownerOf(id)).to.equal(fresh.address);
    });
  });

  // ─── Module hooks ────────────────────────────────────────────────────────────────────

  describe("module hooks", () => {
    it("every hook refuses a caller without its module role: NotModule(caller, role)", async () => {
      const id = await register(w, w.alice);
      const validUntil = (await time.latest()) + YEAR;
      const before = await registry.recordOf(id);
      const next = await registry.nextAssetId();
      for (const who of [w.outsider, w.alice, w.registrar, w.court, w.regulator, w.exchange, w.admin]) {
        const r = registry.connect(who);
        const calls: [string, () => Promise<unknown>, bigint][] = [
          ["openApplication", () => r.openApplication(who.address, 0, 0, 7, 1, validUntil, h()), ROLES.REGISTRATION_MODULE],
          ["setDisputeFlags", () => r.setDisputeFlags(id, true, true), ROLES.DISPUTES_MODULE],
          ["setFrozen", () => r.setFrozen(id, true), ROLES.DISPUTES_MODULE],
          ["forceTransfer", () => r.forceTransfer(id, w.bob.address, h()), ROLES.DISPUTES_MODULE],
          ["forceCancel", () => r.forceCancel(id, h()), ROLES.DISPUTES_MODULE],
          ["setPledged", () => r.setPledged(id, true), ROLES.PLEDGE_MODULE],
          ["enforcePledge", () => r.enforcePledge(id, w.bob.address, true, h()), ROLES.PLEDGE_MODULE],
          ["setGrade", () => r.setGrade(id, Grade.Core), ROLES.COMPLIANCE_MODULE],
          ["tradeTransfer", () => r.tradeTransfer(id, w.alice.address, w.bob.address), ROLES.TRADE_MODULE],
          [
            "openLicense",
            () => r.openLicense(id, w.alice.address, w.bob.address, Rights.PROCESSING, Territory.Domestic, false),
            ROLES.LICENSE_MODULE,
          ],
          ["closeLicenses", () => r.closeLicenses(id, 1), ROLES.LICENSE_MODULE],
        ];
        for (const [name, call, role] of calls) {
          await expect(call(), `${name} by ${who.address}`)
            .to.be.revertedWithCustomError(registry, "NotModule")
            .withArgs(who.address, role);
        }
      }
      expect(await registry.recordOf(id)).to.deep.equal(before);
      expect(await registry.nextAssetId()).to.equal(next);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("a module role opens only its own hooks, and only without an execution delay", async () => {
      const id = await register(w, w.alice);
      const office = await asModule(w.spare[0]!, ROLES.REGISTRATION_MODULE);
      await expect(registry.connect(office).setFrozen(id, true))
        .to.be.revertedWithCustomError(registry, "NotModule")
        .withArgs(office.address, ROLES.DISPUTES_MODULE);
      const delayed = await asModule(w.spare[1]!, ROLES.DISPUTES_MODULE, DAY);
      await expect(registry.connect(delayed).setFrozen(id, true))
        .to.be.revertedWithCustomError(registry, "NotModule")
        .withArgs(delayed.address, ROLES.DISPUTES_MODULE);
      expect((await registry.recordOf(id)).frozen).to.equal(false);
      const disputes = await asModule(w.spare[2]!, ROLES.DISPUTES_MODULE);
      await expect(registry.connect(disputes).setFrozen(id, true)).to.emit(registry, "FrozenChanged").withArgs(id, true);
    });

    it("setDisputeFlags: an objection holds up confirmation; only an admitted one disputes the asset", async () => {
      const id = await register(w, w.alice);
      const objectionId = await w.ledger.disputes.nextObjectionId();
      await expect(w.ledger.disputes.connect(w.bob).object(id, h())).to.emit(registry, "DisputeFlagsChanged").withArgs(id, true, false);
      expect(await registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.OK);
      await expect(w.ledger.disputes.connect(w.registrar).admit(objectionId))
        .to.emit(registry, "DisputeFlagsChanged")
        .withArgs(id, true, true);
      expect((await registry.recordOf(id)).disputed).to.equal(true);
      await expect(w.ledger.disputes.connect(w.bob).withdraw(objectionId))
        .to.emit(registry, "DisputeFlagsChanged")
        .withArgs(id, false, false);
      expect((await registry.recordOf(id)).disputed).to.equal(false);
      const refused = await submit(w, w.alice);
      await registry.connect(w.registrar).refuse(refused, h());
      await expect(w.ledger.disputes.connect(w.bob).object(refused, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "WrongStatus")
        .withArgs(refused, Status.Refused);
      const applied = await submit(w, w.alice);
      await expect(w.ledger.disputes.connect(w.bob).object(applied, h()))
        .to.emit(registry, "DisputeFlagsChanged")
        .withArgs(applied, true, false);
    });

    // Changed: a second court's freeze used to revert AlreadyInState and be lost; holds are now per case.
    it("setFrozen: frozen from the first court hold until the last is lifted; only a registered asset", async () => {
      const id = await register(w, w.alice);
      const first = h("case-1");
      const second = h("case-2");
      await expect(w.ledger.disputes.connect(w.court).freeze(id, first)).to.emit(registry, "FrozenChanged").withArgs(id, true);
      await expect(w.ledger.disputes.connect(w.court2).freeze(id, second)).to.not.emit(registry, "FrozenChanged");
      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, first)).to.not.emit(registry, "FrozenChanged");
      expect((await registry.recordOf(id)).frozen).to.equal(true);
      await expect(w.ledger.disputes.connect(w.court2).unfreeze(id, second)).to.emit(registry, "FrozenChanged").withArgs(id, false);
      expect((await registry.recordOf(id)).frozen).to.equal(false);
      const pending = await submit(w, w.alice);
      await expect(w.ledger.disputes.connect(w.court).freeze(pending, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
    });

    it("setFrozen and setPledged refuse a change to the state the asset is already in", async () => {
      const id = await register(w, w.alice);
      const module = await asModule(w.spare[0]!, ROLES.DISPUTES_MODULE);
      await expect(registry.connect(module).setFrozen(id, false)).to.be.revertedWithCustomError(registry, "AlreadyInState").withArgs(id);
      await registry.connect(module).setFrozen(id, true);
      await expect(registry.connect(module).setFrozen(id, true)).to.be.revertedWithCustomError(registry, "AlreadyInState").withArgs(id);
      const pledger = await asModule(w.spare[1]!, ROLES.PLEDGE_MODULE);
      await expect(registry.connect(pledger).setPledged(id, false)).to.be.revertedWithCustomError(registry, "AlreadyInState").withArgs(id);
    });

    it("forceTransfer: a court order moves a frozen, disputed, pledged asset (carrying the pledge) to an active member", async () => {
      const id = await register(w, w.alice);
      const pledgeId = await pledge(id, w.alice, w.carol);
      await dispute(id);
      await freeze(id);
      const caseHash = h();
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, caseHash, PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.disputes, "PledgeActionRequired")
        .withArgs(id);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, caseHash, PledgeAction.Carry))
        .to.emit(registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.disputes.getAddress(), caseHash)
        .and.to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await registry.balanceOf(w.bob.address)).to.equal(1n);
      const rec = await registry.recordOf(id);
      expect([rec.frozen, rec.pledged, rec.disputed]).to.deep.equal([true, true, true]);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).pledgor).to.equal(w.bob.address);
    });

    it("forceTransfer: no order moves core data, to an inactive account, to an uncleared foreigner, or a pending asset", async () => {
      const id = await register(w, w.alice);
      const order = (to: string) => w.ledger.disputes.connect(w.court).orderTransfer(id, to, h(), PledgeAction.None);
      await expect(order(w.outsider.address)).to.be.revertedWithCustomError(registry, "NotActiveMember").withArgs(w.outsider.address);
      await expect(order(w.dave.address)).to.be.revertedWithCustomError(registry, "CrossBorderNotCleared").withArgs(id, w.dave.address);
      await clear(id, w.bob.address); // a clearance for someone else does not count
      await expect(order(w.dave.address)).to.be.revertedWithCustomError(registry, "CrossBorderNotCleared").withArgs(id, w.dave.address);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h());
      await expect(order(w.bob.address)).to.be.revertedWithCustomError(registry, "CoreDataRestricted").withArgs(id);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.General, h());
      await clear(id, w.dave.address);
      await expect(order(w.dave.address)).to.emit(registry, "ForcedTransfer");
      expect(await registry.ownerOf(id)).to.equal(w.dave.address);
      const pending = await submit(w, w.alice);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(pending, w.bob.address, h(), PledgeAction.None))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
    });

    it("forceCancel: cancels a registration (ending its listed licences), an application or a publicity; not twice", async () => {
      const disputes = await w.ledger.disputes.getAddress();
      const id = await register(w, w.alice);
      const licensed = await licence(id, w.alice, w.bob.address);
      await freeze(id);
      const caseHash = h();
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, caseHash, []))
        .to.be.revertedWithCustomError(registry, "LicensesOpen")
        .withArgs(id, 1);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, caseHash, [licensed]))
        .to.emit(registry, "RegistrationCancelled")
        .withArgs(id, disputes, w.alice.address, caseHash)
        .and.to.emit(registry, "Transfer")
        .withArgs(w.alice.address, ethers.ZeroAddress, id)
        .and.to.emit(w.ledger.licenses, "LicenseEnded");
      expect(await registry.statusOf(id)).to.equal(Status.Cancelled);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await w.ledger.licenses.isInForce(licensed)).to.equal(false);
      const applied = await submit(w, w.bob);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(applied, caseHash, []))
        .to.emit(registry, "RegistrationCancelled")
        .withArgs(applied, disputes, w.bob.address, caseHash);
      expect(await registry.statusOf(applied)).to.equal(Status.Cancelled);
      const publicity = await submit(w, w.bob);
      await registry.connect(w.registrar).accept(publicity, DAY);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(publicity, caseHash, [])).to.emit(registry, "RegistrationCancelled");
      expect(await registry.statusOf(publicity)).to.equal(Status.Cancelled);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, h(), []))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
    });

    it("setPledged: a pledge takes effect when accepted and ends when released", async () => {
      const id = await register(w, w.alice);
      const pledgeId = await w.ledger.pledges.nextPledgeId();
      await w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1000n, CNY, (await time.latest()) + 30 * DAY, h());
      expect((await registry.recordOf(id)).pledged).to.equal(false);
      await expect(w.ledger.pledges.connect(w.bob).accept(pledgeId)).to.emit(registry, "PledgedChanged").withArgs(id, true);
      expect((await registry.recordOf(id)).pledged).to.equal(true);
      await expect(w.ledger.pledges.connect(w.bob).release(pledgeId)).to.emit(registry, "PledgedChanged").withArgs(id, false);
      expect((await registry.recordOf(id)).pledged).to.equal(false);
    });

    it("enforcePledge: the pledgee takes the asset after the due date", async () => {
      const id = await register(w, w.alice);
      const due = (await time.latest()) + 10 * DAY;
      const ref = h("ref");
      const pledgeId = await w.ledger.pledges.nextPledgeId();
      await w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1000n, CNY, due, ref);
      await w.ledger.pledges.connect(w.bob).accept(pledgeId);
      await time.increaseTo(due + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(pledgeId))
        .to.emit(registry, "PledgedChanged")
        .withArgs(id, false)
        .and.to.emit(registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.pledges.getAddress(), ref)
        .and.to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await registry.recordOf(id)).pledged).to.equal(false);
    });

    it("enforcePledge: a court hold stops the pledgee's own enforcement; a court's enforcement passes it", async () => {
      const id = await register(w, w.alice);
      const due = (await time.latest()) + 10 * DAY;
      const pledgeId = await pledge(id, w.alice, w.bob, due);
      await freeze(id);
      await time.increaseTo(due + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(pledgeId)).to.be.revertedWithCustomError(registry, "AssetFrozen").withArgs(id);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(pledgeId, h())).to.emit(registry, "ForcedTransfer");
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("enforcePledge: another member's admitted objection stops the pledgee; a court's enforcement passes it", async () => {
      const id = await register(w, w.alice);
      const due = (await time.latest()) + 10 * DAY;
      const pledgeId = await pledge(id, w.alice, w.bob, due);
      await dispute(id, w.carol);
      await time.increaseTo(due + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "AssetDisputed")
        .withArgs(id);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(pledgeId, h())).to.emit(registry, "ForcedTransfer");
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("attack: the pledgor shields its pledged asset from its creditor with its own objection", async () => {
      const id = await register(w, w.alice);
      const due = (await time.latest()) + 10 * DAY;
      const pledgeId = await pledge(id, w.alice, w.bob, due);
      await dispute(id, w.alice);
      expect((await registry.recordOf(id)).disputed).to.equal(true);
      await time.increaseTo(due + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(pledgeId))
        .to.emit(registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.pledges.getAddress(), anyValue);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("enforcePledge: the pledgee must be an active member, and a foreign one still needs its clearance", async () => {
      const id = await register(w, w.alice);
      const pledgeId = await pledge(id, w.alice, w.bob);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h());
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(pledgeId, h()))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.bob.address);
      const abroad = await register(w, w.alice);
      await clear(abroad, w.dave.address);
      const toDave = await pledge(abroad, w.alice, w.dave);
      await w.ledger.compliance.connect(w.regulator).revokeCrossBorderClearance(abroad, w.dave.address, h());
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(toDave, h()))
        .to.be.revertedWithCustomError(registry, "CrossBorderNotCleared")
        .withArgs(abroad, w.dave.address);
    });

    // Changed: the registrar could cancel a pledged asset and leave the pledge on it; a court's
    // cancellation now discharges the pledge first, so nothing is left to enforce.
    it("enforcePledge: a cancellation discharges the pledge, which can then not be enforced", async () => {
      const id = await register(w, w.alice);
      const pledgeId = await pledge(id, w.alice, w.bob);
      await w.ledger.disputes.connect(w.court).orderCancel(id, h("case"), []);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PledgeStatus.Discharged);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(pledgeId, h()))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(pledgeId, PledgeStatus.Discharged);
    });

    it("enforcePledge by the pledgee passes only the pledge: core data does not move", async () => {
      const id = await register(w, w.alice);
      const due = (await time.latest()) + 10 * DAY;
      const pledgeId = await pledge(id, w.alice, w.bob, due);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h());
      await time.increaseTo(due + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(pledgeId))
        .to.be.revertedWithCustomError(registry, "CoreDataRestricted")
        .withArgs(id);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(pledgeId, h()))
        .to.be.revertedWithCustomError(registry, "CoreDataRestricted")
        .withArgs(id);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    // Changed: an expired asset used to be shielded from its pledgee. A pledge falls due no later
    // than the validity, so enforcement usually comes after it: expiry no longer shields the asset.
    it("enforcePledge: an expired asset still goes to its pledgee", async () => {
      const validUntil = (await time.latest()) + 20 * DAY;
      const id = await register(w, w.alice, { validUntil });
      const pledgeId = await pledge(id, w.alice, w.bob, validUntil);
      await time.increaseTo(validUntil + 1);
      expect(await registry.isExpired(id)).to.equal(true);
      await expect(w.ledger.pledges.connect(w.bob).enforce(pledgeId)).to.emit(registry, "ForcedTransfer");
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PledgeStatus.Enforced);
    });

    it("setGrade: the regulator grades a live asset; refused on an unknown or refused one", async () => {
      const id = await submit(w, w.alice, { grade: Grade.Important });
      await expect(w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.General, h()))
        .to.emit(registry, "GradeChanged")
        .withArgs(id, Grade.Important, Grade.General)
        .and.to.emit(registry, "MetadataUpdate")
        .withArgs(id);
      await expect(w.ledger.compliance.connect(w.regulator).confirmGrade(77, Grade.Important, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(77, Status.None);
      await registry.connect(w.registrar).refuse(id, h());
      await expect(w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Important, h()))
        .to.be.revertedWithCustomError(registry, "WrongStatus")
        .withArgs(id, Status.Refused);
    });
  });

  // ─── Transfer rule ───────────────────────────────────────────────────────────────────

  describe("transfer rule", () => {
    it("OK: the holder transfers to a domestic member", async () => {
      const id = await register(w, w.alice);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      expect(await registry.transferReasons(id, w.alice.address, w.bob.address)).to.equal(0n);
      expect(await registry.pledgeCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      expect(await registry.pledgeReasons(id, w.alice.address, w.bob.address)).to.equal(0n);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await registry.recordOf(id)).holder).to.equal(w.bob.address);
      expect(await registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await registry.balanceOf(w.bob.address)).to.equal(1n);
      expect(await registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.NotHolder);
    });

    it("an approved address transfers under the rule (standard ERC-721); safeTransferFrom works; the approval is cleared", async () => {
      const id = await register(w, w.alice);
      await registry.connect(w.alice).approve(w.carol.address, id);
      expect(await registry.getApproved(id)).to.equal(w.carol.address);
      await expect(registry.connect(w.carol).transferFrom(w.alice.address, w.outsider.address, id))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      await registry.connect(w.carol).transferFrom(w.alice.address, w.bob.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect(await registry.getApproved(id)).to.equal(ethers.ZeroAddress);
      await registry.connect(w.bob)["safeTransferFrom(address,address,uint256)"](w.bob.address, w.alice.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
      // An operator for all of the holder's tokens is bound by the rule too.
      await registry.connect(w.alice).setApprovalForAll(w.carol.address, true);
      await freeze(id);
      await expect(registry.connect(w.carol)["safeTransferFrom(address,address,uint256,bytes)"](w.alice.address, w.bob.address, id, "0x"))
        .to.be.revertedWithCustomError(registry, "AssetFrozen")
        .withArgs(id);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("attack: an exchange sells a holder's token at its own price after the holder approved the desk", async () => {
      const id = await register(w, w.alice);
      const desk = w.ledger.tradeDesk;
      const deskAddress = await desk.getAddress();
      await registry.connect(w.alice).approve(deskAddress, id);
      await registry.connect(w.alice).setApprovalForAll(deskAddress, true);
      const exchangesOrder = await sellOrderFor(w, id, { price: 1n, buyer: w.bob.address });
      for (const signature of ["0x", await signOrder(w, w.exchange, exchangesOrder)]) {
        await expect(
          desk.connect(w.exchange).tradeHolding(exchangesOrder, signature, w.bob.address, 0, h("ref"))
        ).to.be.revertedWithCustomError(desk, "InvalidSignature");
      }
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
      // The holder's own order is what it takes; no approval is needed or used.
      const other = await register(w, w.alice);
      const order = await sellOrderFor(w, other, { price: 500_000n });
      await expect(desk.connect(w.exchange).tradeHolding(order, await signOrder(w, w.alice, order), w.bob.address, 0, h("ref")))
        .to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, other);
      expect(await registry.getApproved(other)).to.equal(ethers.ZeroAddress);
      expect(await registry.isApprovedForAll(w.alice.address, deskAddress)).to.equal(true);
    });

    it("a trade through the desk passes the same rule", async () => {
      const id = await register(w, w.alice);
      await freeze(id);
      const order = await sellOrderFor(w, id);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(order, await signOrder(w, w.alice, order), w.bob.address, 0, h()))
        .to.be.revertedWithCustomError(registry, "AssetFrozen")
        .withArgs(id);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("a transfer to the zero address is refused", async () => {
      const id = await register(w, w.alice);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, ethers.ZeroAddress, id))
        .to.be.revertedWithCustomError(registry, "ERC721InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("NotRegistered: an application or an unknown id", async () => {
      const id = await submit(w, w.alice);
      for (const asset of [id, 999n]) {
        expect(await registry.transferCheck(asset, w.alice.address, w.bob.address)).to.equal(Reason.NotRegistered);
        expect(await registry.transferReasons(asset, w.alice.address, w.bob.address)).to.equal(bit(Reason.NotRegistered));
        await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, asset))
          .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
          .withArgs(asset);
        await expect(registry.requirePledgeable(asset, w.alice.address, w.bob.address))
          .to.be.revertedWithCustomError(registry, "AssetNotRegistered")
          .withArgs(asset);
      }
    });

    it("Cancelled", async () => {
      const id = await register(w, w.alice);
      await registry.connect(w.alice).cancel(id, h());
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Cancelled);
      expect(await registry.transferReasons(id, w.alice.address, w.bob.address)).to.equal(bit(Reason.Cancelled));
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
        .withArgs(id);
      await expect(registry.requirePledgeable(id, w.alice.address, w.bob.address))
        .to.be.revertedWithCustomError(registry, "AssetCancelled")
        .withArgs(id);
    });

    it("NotHolder: someone else's asset", async () => {
      const id = await register(w, w.alice);
      expect(await registry.transferCheck(id, w.bob.address, w.carol.address)).to.equal(Reason.NotHolder);
      expect(await registry.transferReasons(id, w.bob.address, w.carol.address)).to.equal(bit(Reason.NotHolder));
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

    it("Expired: after the validity date passes (at validUntil it still transfers)", async () => {
      const id = await register(w, w.alice);
      const validUntil = (await registry.recordOf(id)).validUntil;
      await time.increaseTo(validUntil - 1n);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      await time.increase(1);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      expect(await registry.isExpired(id)).to.equal(false);
      await time.increase(1);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Expired);
      expect(await registry.transferReasons(id, w.alice.address, w.bob.address)).to.equal(bit(Reason.Expired));
      expect(await registry.isExpired(id)).to.equal(true);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "AssetExpired")
        .withArgs(id, validUntil);
    });

    it("CoreData: after the regulator grades it core", async () => {
      const id = await register(w, w.alice);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h());
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.CoreData);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "CoreDataRestricted")
        .withArgs(id);
    });

    it("Frozen (before Disputed)", async () => {
      const id = await register(w, w.alice);
      await dispute(id);
      await freeze(id);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Frozen);
      expect(await registry.transferReasons(id, w.alice.address, w.bob.address)).to.equal(bit(Reason.Frozen) | bit(Reason.Disputed));
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "AssetFrozen")
        .withArgs(id);
    });

    // Changed: a recorded objection disputed the asset at once; now only an admitted one does (issue 8, section 3).
    it("Disputed: once an objection is admitted", async () => {
      const id = await register(w, w.alice);
      const objectionId = await object(id);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      await w.ledger.disputes.connect(w.court).admit(objectionId);
      expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Disputed);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "AssetDisputed")
        .withArgs(id);
    });

    it("Pledged: blocks a transfer and a second pledge, not a licence", async () => {
      const id = await register(w, w.alice);
      await pledge(id, w.alice, w.bob);
      expect(await registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.Pledged);
      expect(await registry.pledgeCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.Pledged);
      expect(await registry.pledgeReasons(id, w.alice.address, w.carol.address)).to.equal(bit(Reason.Pledged));
      expect(await registry.licenseCheck(id, w.alice.address, w.carol.address, Rights.PROCESSING, Territory.Domestic, false)).to.equal(
        Reason.OK
      );
      expect(await registry.licenseReasons(id, w.alice.address, w.carol.address, Rights.PROCESSING, Territory.Domestic, false)).to.equal(
        0n
      );
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, id))
        .to.be.revertedWithCustomError(registry, "AssetPledged")
        .withArgs(id);
      await expect(registry.requirePledgeable(id, w.alice.address, w.carol.address))
        .to.be.revertedWithCustomError(registry, "AssetPledged")
        .withArgs(id);
      await expect(w.ledger.licenses.connect(w.alice).grant(id, await licenseTerms(w.carol.address))).to.emit(
        w.ledger.licenses,
        "LicenseGranted"
      );
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

    it("CrossBorderNotCleared: a foreign receiver needs a clearance keyed to it", async () => {
      const id = await register(w, w.alice);
      const otherForeigner = await admitSpare(0, MemberType.Enterprise, Jurisdiction.Foreign);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.dave.address, id))
        .to.be.revertedWithCustomError(registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
      // A clearance for another recipient does not count.
      await clear(id, otherForeigner.address);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      expect(await registry.transferCheck(id, w.alice.address, otherForeigner.address)).to.equal(Reason.OK);
      const until = (await time.latest()) + 10 * DAY;
      await clear(id, w.dave.address, until);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.OK);
      // Nor one that has run out.
      await time.increaseTo(until + 1);
      expect(await registry.transferCheck(id, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
      await clear(id, w.dave.address);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.dave.address, id))
        .to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.dave.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.dave.address);
    });

    it("without a compliance module a foreign receiver is never cleared", async () => {
      const module = await asModule(w.outsider, ROLES.REGISTRATION_MODULE);
      const bare = await sideRegistry(AREA_CODE);
      await bare.connect(module).openApplication(w.alice.address, 0, 0, 7, 1, MAX_UINT32, h());
      await bare.connect(w.registrar).accept(1, DAY);
      await time.increase(DAY);
      await bare.connect(w.registrar).confirm(1);
      expect(await bare.compliance()).to.equal(ethers.ZeroAddress);
      expect(await bare.transferCheck(1, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      expect(await bare.transferCheck(1, w.alice.address, w.dave.address)).to.equal(Reason.CrossBorderNotCleared);
    });
  });

  describe("licence and pledge views", () => {
    it("attack: a pre-trade licence check answers OK for a right the asset does not claim, and the grant then fails", async () => {
      const id = await register(w, w.alice, { rights: Rights.HOLDING | Rights.OPERATION });
      expect(await registry.licenseCheck(id, w.alice.address, w.bob.address, Rights.PROCESSING, Territory.Domestic, false)).to.equal(
        Reason.RightsNotClaimed
      );
      expect(await registry.licenseReasons(id, w.alice.address, w.bob.address, Rights.PROCESSING, Territory.Domestic, false)).to.equal(
        bit(Reason.RightsNotClaimed)
      );
      await expect(w.ledger.licenses.connect(w.alice).grant(id, await licenseTerms(w.bob.address, { rights: Rights.PROCESSING })))
        .to.be.revertedWithCustomError(registry, "RightsNotClaimed")
        .withArgs(id, Rights.PROCESSING, Rights.HOLDING | Rights.OPERATION);
      expect(await registry.licenseCheck(id, w.alice.address, w.bob.address, Rights.OPERATION, Territory.Domestic, false)).to.equal(
        Reason.OK
      );
      await expect(w.ledger.licenses.connect(w.alice).grant(id, await licenseTerms(w.bob.address, { rights: Rights.OPERATION }))).to.emit(
        w.ledger.licenses,
        "LicenseGranted"
      );
    });

    it("a cross-border licence needs a clearance keyed to the licensee; a sublicence skips the holder check", async () => {
      const id = await register(w, w.alice, { rights: Rights.HOLDING | Rights.PROCESSING });
      const check = (licensor: string, licensee: string, territory: number, sub: boolean) =>
        registry.licenseCheck(id, licensor, licensee, Rights.PROCESSING, territory, sub);
      expect(await check(w.alice.address, w.bob.address, Territory.CrossBorder, false)).to.equal(Reason.CrossBorderNotCleared);
      await expect(w.ledger.licenses.connect(w.alice).grant(id, await licenseTerms(w.bob.address, { territory: Territory.CrossBorder })))
        .to.be.revertedWithCustomError(registry, "CrossBorderNotCleared")
        .withArgs(id, w.bob.address);
      await clear(id, w.carol.address);
      expect(await check(w.alice.address, w.bob.address, Territory.CrossBorder, false)).to.equal(Reason.CrossBorderNotCleared);
      expect(await check(w.alice.address, w.carol.address, Territory.CrossBorder, false)).to.equal(Reason.OK);
      // A domestic licence to a foreign licensee takes the data abroad too.
      expect(await check(w.alice.address, w.dave.address, Territory.Domestic, false)).to.equal(Reason.CrossBorderNotCleared);
      expect(await check(w.bob.address, w.carol.address, Territory.Domestic, false)).to.equal(Reason.NotHolder);
      expect(await check(w.bob.address, w.carol.address, Territory.Domestic, true)).to.equal(Reason.OK);
      await clear(id, w.bob.address);
      expect(await check(w.alice.address, w.bob.address, Territory.CrossBorder, false)).to.equal(Reason.OK);
      await expect(
        w.ledger.licenses.connect(w.alice).grant(id, await licenseTerms(w.bob.address, { territory: Territory.CrossBorder }))
      ).to.emit(w.ledger.licenses, "LicenseGranted");
    });

    it("requirePledgeable answers the asset's validity when it passes", async () => {
      const id = await register(w, w.alice);
      expect(await registry.requirePledgeable(id, w.alice.address, w.bob.address)).to.equal((await registry.recordOf(id)).validUntil);
      await expect(registry.requirePledgeable(id, w.alice.address, w.dave.address))
        .to.be.revertedWithCustomError(registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
    });
  });

  describe("every failing check, and the first", () => {
    it("the bit set lists every failing check: an expired, frozen, disputed asset to a non-member", async () => {
      const validUntil = (await time.latest()) + 10 * DAY;
      const id = await register(w, w.alice, { validUntil });
      await dispute(id);
      await freeze(id);
      await time.increaseTo(validUntil + 1);
      const expected = bit(Reason.Expired) | bit(Reason.Frozen) | bit(Reason.Disputed) | bit(Reason.NotMember);
      expect(await registry.transferReasons(id, w.alice.address, w.outsider.address)).to.equal(expected);
      expect(await registry.pledgeReasons(id, w.alice.address, w.outsider.address)).to.equal(expected);
      expect(await registry.licenseReasons(id, w.alice.address, w.outsider.address, Rights.PROCESSING, Territory.Domestic, false)).to.equal(
        expected
      );
      expect(await registry.transferCheck(id, w.alice.address, w.outsider.address)).to.equal(Reason.Expired);
      // Of a cancelled or unregistered asset, the status and the parties.
      const cancelled = await register(w, w.alice);
      await registry.connect(w.alice).cancel(cancelled, h());
      expect(await registry.transferReasons(cancelled, w.alice.address, w.outsider.address)).to.equal(
        bit(Reason.Cancelled) | bit(Reason.NotMember)
      );
      const pending = await submit(w, w.alice);
      expect(await registry.transferReasons(pending, w.alice.address, w.dave.address)).to.equal(
        bit(Reason.NotRegistered) | bit(Reason.CrossBorderNotCleared)
      );
    });

    it("the single-reason views answer the first failure in the documented order, and each revert names it", async () => {
      const validUntil = (await time.latest()) + 60 * DAY;
      const id = await register(w, w.alice, { rights: Rights.HOLDING | Rights.PROCESSING, validUntil });
      const pledgeId = await pledge(id, w.alice, w.carol, validUntil);
      const objectionId = await dispute(id, w.bob);
      const caseHash = await freeze(id);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h());
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h());
      await time.increaseTo(validUntil + 1);
      const transfer = (from: string) =>
        Promise.all([registry.transferCheck(id, from, w.dave.address), registry.transferReasons(id, from, w.dave.address)]);
      const licensing = (from: string) =>
        Promise.all([
          registry.licenseCheck(id, from, w.dave.address, Rights.OPERATION, Territory.Domestic, false),
          registry.licenseReasons(id, from, w.dave.address, Rights.OPERATION, Territory.Domestic, false),
        ]);
      const move = () => registry.connect(w.alice).transferFrom(w.alice.address, w.dave.address, id);
      const all = [Reason.Expired, Reason.CoreData, Reason.Frozen, Reason.Disputed, Reason.Pledged, Reason.CrossBorderNotCleared];
      const bits = (reasons: bigint[]) => reasons.reduce((acc, r) => acc | bit(r), 0n);

      // 1. NotHolder (a suspended non-holder): every other check fails too.
      expect(await transfer(w.bob.address)).to.deep.equal([Reason.NotHolder, bits([Reason.NotHolder, ...all, Reason.NotMember])]);
      const licenceAll = [Reason.NotHolder, Reason.RightsNotClaimed, ...all.filter((r) => r !== Reason.Pledged), Reason.NotMember];
      expect(await licensing(w.bob.address)).to.deep.equal([Reason.NotHolder, bits(licenceAll)]);
      await expect(registry.requirePledgeable(id, w.bob.address, w.dave.address))
        .to.be.revertedWithCustomError(registry, "NotHolder")
        .withArgs(id, w.bob.address);
      // 2. RightsNotClaimed (licences only), then Expired.
      expect((await licensing(w.alice.address))[0]).to.equal(Reason.RightsNotClaimed);
      expect(await transfer(w.alice.address)).to.deep.equal([Reason.Expired, bits(all)]);
      await expect(move()).to.be.revertedWithCustomError(registry, "AssetExpired").withArgs(id, validUntil);
      // 3. CoreData.
      await registry.connect(w.registrar).renew(id, (await time.latest()) + YEAR, h());
      expect(await transfer(w.alice.address)).to.deep.equal([Reason.CoreData, bits(all.slice(1))]);
      await expect(move()).to.be.revertedWithCustomError(registry, "CoreDataRestricted").withArgs(id);
      // 4. Frozen.
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.General, h());
      expect(await transfer(w.alice.address)).to.deep.equal([Reason.Frozen, bits(all.slice(2))]);
      await expect(move()).to.be.revertedWithCustomError(registry, "AssetFrozen").withArgs(id);
      // 5. Disputed.
      await w.ledger.disputes.connect(w.court).unfreeze(id, caseHash);
      expect(await transfer(w.alice.address)).to.deep.equal([Reason.Disputed, bits(all.slice(3))]);
      await expect(move()).to.be.revertedWithCustomError(registry, "AssetDisputed").withArgs(id);
      // 6. Pledged (the suspended claimant's objection is dismissed in one call).
      await w.ledger.disputes.connect(w.registrar).dismissSuspended(w.bob.address, [objectionId], h());
      expect(await transfer(w.alice.address)).to.deep.equal([Reason.Pledged, bits(all.slice(4))]);
      await expect(move()).to.be.revertedWithCustomError(registry, "AssetPledged").withArgs(id);
      // 7. NotMember (before CrossBorderNotCleared), for a suspended holder.
      await w.ledger.pledges.connect(w.carol).release(pledgeId);
      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      expect(await transfer(w.alice.address)).to.deep.equal([Reason.NotMember, bits([Reason.NotMember, Reason.CrossBorderNotCleared])]);
      await expect(move()).to.be.revertedWithCustomError(registry, "NotActiveMember").withArgs(w.alice.address);
      // 8. CrossBorderNotCleared.
      await w.ledger.members.connect(w.registrar).reinstate(w.alice.address);
      expect(await transfer(w.alice.address)).to.deep.equal([Reason.CrossBorderNotCleared, bit(Reason.CrossBorderNotCleared)]);
      await expect(move()).to.be.revertedWithCustomError(registry, "CrossBorderNotCleared").withArgs(id, w.dave.address);
      // 9. OK.
      await clear(id, w.dave.address);
      expect(await transfer(w.alice.address)).to.deep.equal([Reason.OK, 0n]);
      await expect(move()).to.emit(registry, "Transfer").withArgs(w.alice.address, w.dave.address, id);
    });

    it("a cancelled or unregistered asset answers its status first; the parties still count in the bit set", async () => {
      const id = await register(w, w.alice);
      await registry.connect(w.alice).cancel(id, h());
      expect(await registry.transferCheck(id, w.outsider.address, w.dave.address)).to.equal(Reason.Cancelled);
      expect(await registry.pledgeCheck(id, w.outsider.address, w.dave.address)).to.equal(Reason.Cancelled);
      const pending = await submit(w, w.alice);
      expect(
        await registry.licenseCheck(pending, w.bob.address, w.outsider.address, Rights.OPERATION, Territory.CrossBorder, false)
      ).to.equal(Reason.NotRegistered);
      expect(
        await registry.licenseReasons(pending, w.bob.address, w.outsider.address, Rights.OPERATION, Territory.CrossBorder, false)
      ).to.equal(bit(Reason.NotRegistered) | bit(Reason.NotMember));
    });
  });

  // ─── Emergency stop ──────────────────────────────────────────────────────────────────

  describe("closing the registry (emergency stop)", () => {
    it("stops transfers, changeMetadata and cancel (ContractClosed) and every duty (AccessManagedUnauthorized); reopening restores them", async () => {
      const id = await register(w, w.alice);
      const pending = await submit(w, w.alice);
      const inPublicity = await submit(w, w.alice);
      await registry.connect(w.registrar).accept(inPublicity, DAY);
      const recovered = await register(w, w.bob);
      const fresh = w.spare[0]!;
      await w.ledger.members.connect(w.registrar).rebind(w.bob.address, fresh.address, h("rebind"));
      const target = await registry.getAddress();
      const later = (await time.latest()) + 2 * YEAR;
      await w.ledger.manager.connect(w.admin).setTargetClosed(target, true);

      const a = registry.connect(w.alice);
      const memberActions: [string, () => Promise<unknown>][] = [
        ["transferFrom", () => a.transferFrom(w.alice.address, w.bob.address, id)],
        ["safeTransferFrom", () => a["safeTransferFrom(address,address,uint256)"](w.alice.address, w.carol.address, id)],
        ["safeTransferFrom+data", () => a["safeTransferFrom(address,address,uint256,bytes)"](w.alice.address, w.carol.address, id, "0x")],
        ["changeMetadata", () => a.changeMetadata(id, h(), "u")],
        ["cancel", () => a.cancel(id, h())],
      ];
      for (const [name, call] of memberActions) {
        await expect(call(), name).to.be.revertedWithCustomError(registry, "ContractClosed").withArgs(target);
      }
      const r = registry.connect(w.registrar);
      const duties: [string, () => Promise<unknown>][] = [
        ["accept", () => r.accept(pending, DAY)],
        ["refuse", () => r.refuse(pending, h())],
        ["confirm", () => r.confirm(inPublicity)],
        ["correct", () => r.correct(id, h(), "u", h())],
        ["renew", () => r.renew(id, later, h())],
        ["registrarCancel", () => r.registrarCancel(id, h())],
        ["recoveryTransfer", () => r.recoveryTransfer(recovered, fresh.address, h())],
      ];
      for (const [name, call] of duties) {
        await expect(call(), name).to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized").withArgs(w.registrar.address);
      }
      await expect(registry.connect(w.admin).setBaseURI("x"))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(w.admin.address);
      await expect(registry.connect(w.admin).setModules(w.bob.address, w.bob.address))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(w.admin.address);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
      expect(await registry.ownerOf(recovered)).to.equal(w.bob.address);
      expect(await registry.statusOf(pending)).to.equal(Status.Applied);
      expect(await registry.statusOf(inPublicity)).to.equal(Status.Publicity);
      // Views still answer.
      expect(await registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.OK);

      await w.ledger.manager.connect(w.admin).setTargetClosed(target, false);
      await expect(a.transferFrom(w.alice.address, w.carol.address, id)).to.emit(registry, "Transfer");
      await expect(r.accept(pending, DAY)).to.emit(registry, "PublicityStarted");
      await expect(r.confirm(inPublicity)).to.emit(registry, "AssetRegistered");
      await expect(r.recoveryTransfer(recovered, fresh.address, h())).to.emit(registry, "RecoveryTransfer");
    });

    it("closing the registry leaves the module hooks to their modules: the guardian closes those too", async () => {
      const id = await register(w, w.alice);
      const order = await sellOrderFor(w, id);
      const signature = await signOrder(w, w.alice, order);
      const manager = w.ledger.manager.connect(w.admin);
      await manager.setTargetClosed(await registry.getAddress(), true);
      await manager.setTargetClosed(await w.ledger.tradeDesk.getAddress(), true);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(order, signature, w.bob.address, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "AccessManagedUnauthorized")
        .withArgs(w.exchange.address);
      expect(await registry.ownerOf(id)).to.equal(w.alice.address);
      // With the trade desk open again, its trades pass through the closed registry's hook.
      await manager.setTargetClosed(await w.ledger.tradeDesk.getAddress(), false);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(order, signature, w.bob.address, 0, h()))
        .to.emit(registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, id);
    });
  });
});
