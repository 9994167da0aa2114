import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { DataAssetRegistry, RegistrationOffice } from "../typechain-types";
import {
  application,
  AREA_CODE,
  AssetKind,
  BASE_URI,
  batchCommitmentOf,
  commitmentOf,
  DataCategory,
  DAY,
  deployWorld,
  Grade,
  h,
  licenseTerms,
  MemberType,
  PersonalInfo,
  ProductForm,
  register,
  Rights,
  SourceType,
  Status,
  submit,
  type ApplicationInput,
  type World,
  YEAR,
  Field,
} from "./helpers/fixture";


const REGISTRATION_MODULE = 11n;
const MAX_VALIDITY = 3 * YEAR;
const MAX_URI_BYTES = 256;
const MAX_NAME_BYTES = 128;

/** A mined transaction's revert, decoded with the office's errors (debug_traceTransaction). */
async function revertOf(office: RegistrationOffice, hash: string): Promise<{ name: string; args: unknown[] }> {
  const trace = (await network.provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStack: true, disableStorage: true },
  ])) as { failed: boolean; returnValue: string };
  expect(trace.failed, `transaction ${hash} should have failed`).to.equal(true);
  const data = trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
  const error = office.interface.parseError(data);
  if (!error) throw new Error(`unknown revert data ${data}`);
  return { name: error.name, args: [...error.args] };
}

/** withArgs predicate: the emitted application is the one for `contentHash`. */
const forContent =
  (contentHash: ApplicationInput["contentHash"]) =>
  (emitted: RegistrationOffice.ApplicationStructOutput): boolean =>
    emitted.contentHash === contentHash;

/** An application as decoded from calldata or an event, as the office takes it. */
function asInput(a: RegistrationOffice.ApplicationStructOutput): ApplicationInput {
  return {
    name: a.name,
    kind: a.kind,
    productForm: a.productForm,
    category: a.category,
    rights: a.rights,
    sourceType: a.sourceType,
    grade: a.grade,
    personalInfo: a.personalInfo,
    validUntil: a.validUntil,
    sourceEvidenceHash: a.sourceEvidenceHash,
    contentHash: a.contentHash,
    metadataHash: a.metadataHash,
    metadataUri: a.metadataUri,
    parents: [...a.parents],
    parentLicenses: [...a.parentLicenses],
  };
}

/** Sends the transactions with automine off, so that they land in one block, then mines it. */
async function inOneBlock(send: () => Promise<ContractTransactionResponse[]>): Promise<ContractTransactionResponse[]> {
  await network.provider.send("evm_setAutomine", [false]);
  try {
    const txs = await send();
    await network.provider.send("evm_mine", []);
    return txs;
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
}

describe("RegistrationOffice", () => {
  let w: World;
  let office: RegistrationOffice;
  let registry: DataAssetRegistry;

  beforeEach(async () => {
    w = await loadFixture(deployWorld);
    office = w.ledger.office;
    registry = w.ledger.registry;
  });

  /** Commits `who` to an application with this content hash; returns the salt. */
  async function commitFor(who: HardhatEthersSigner, contentHash: string): Promise<string> {
    const salt = h("salt");
    await office.connect(who).commit(commitmentOf(who.address, contentHash, salt));
    return salt;
  }

  /** Commits to `app` as `who` and reveals it in the next block (the reveal's promise). */
  async function reveal(who: HardhatEthersSigner, app: ApplicationInput): Promise<ContractTransactionResponse> {
    const salt = await commitFor(who, String(app.contentHash));
    return office.connect(who).submit(app, salt);
  }

  /** `reveal` of a default application with overrides. */
  async function filing(who: HardhatEthersSigner, overrides: Partial<ApplicationInput> = {}): Promise<ContractTransactionResponse> {
    return reveal(who, await application(overrides));
  }

  /** Commits to a batch as `who`; returns the salt. */
  async function commitBatch(who: HardhatEthersSigner, apps: ApplicationInput[]): Promise<string> {
    const salt = h("salt");
    await office.connect(who).commit(
      batchCommitmentOf(
        who.address,
        apps.map((a) => String(a.contentHash)),
        salt
      )
    );
    return salt;
  }

  async function processingLicence(
    parentId: bigint,
    holder: HardhatEthersSigner,
    licensee: string,
    rights: number = Rights.PROCESSING
  ): Promise<bigint> {
    const licenceId = await w.ledger.licenses.nextLicenseId();
    await w.ledger.licenses.connect(holder).grant(parentId, await licenseTerms(licensee, { rights }));
    return licenceId;
  }

  async function review(applicant: HardhatEthersSigner, contentHash: string, passed = true): Promise<void> {
    await w.ledger.compliance.connect(w.regulator).recordDeidentificationReview(applicant.address, contentHash, passed, h("report"));
  }

  // ─── Deployment and configuration ────────────────────────────────────────────────────

  describe("deployment and configuration", () => {
    it("exposes its wiring and constants", async () => {
      expect(await office.registry()).to.equal(await registry.getAddress());
      expect(await office.members()).to.equal(await w.ledger.members.getAddress());
      expect(await office.authority()).to.equal(await w.ledger.manager.getAddress());
      expect(await office.MAX_VALIDITY()).to.equal(BigInt(MAX_VALIDITY));
      expect(await office.MAX_PARENTS()).to.equal(16n);
      expect(await office.MAX_URI_BYTES()).to.equal(BigInt(MAX_URI_BYTES));
      expect(await office.MAX_NAME_BYTES()).to.equal(BigInt(MAX_NAME_BYTES));
      expect(await office.MAX_BATCH()).to.equal(100n);
      expect(await office.MIN_REVEAL_WINDOW()).to.equal(600n);
      expect(await office.MAX_REVEAL_WINDOW()).to.equal(BigInt(30 * DAY));
      expect(await office.revealWindow()).to.equal(BigInt(DAY));
    });

    it("constructor rejects a zero registry", async () => {
      const factory = await ethers.getContractFactory("RegistrationOffice", w.admin);
      await expect(factory.deploy(await w.ledger.manager.getAddress(), ethers.ZeroAddress))
        .to.be.revertedWithCustomError(office, "ZeroAddress")
        .withArgs(Field.Registry);
    });

    it("setAuthority is refused to everyone: the manager is fixed", async () => {
      for (const who of [w.admin, w.outsider]) {
        await expect(office.connect(who).setAuthority(w.outsider.address)).to.be.revertedWithCustomError(office, "AuthorityFixed");
      }
    });

    it("setRevealWindow: the admin sets it within its bounds; commitments already made keep their window", async () => {
      const early = h("commitment");
      await office.connect(w.alice).commit(early);
      const earlyExpiry = (await office.commitmentOf(early)).expiresAt;
      await expect(office.connect(w.admin).setRevealWindow(2 * DAY))
        .to.emit(office, "RevealWindowSet")
        .withArgs(2 * DAY);
      expect(await office.revealWindow()).to.equal(BigInt(2 * DAY));
      const late = h("commitment");
      await office.connect(w.alice).commit(late);
      expect((await office.commitmentOf(late)).expiresAt).to.equal(BigInt((await time.latest()) + 2 * DAY));
      expect((await office.commitmentOf(early)).expiresAt).to.equal(earlyExpiry);
      for (const window of [0, 600 - 1, 30 * DAY + 1]) {
        await expect(office.connect(w.admin).setRevealWindow(window))
          .to.be.revertedWithCustomError(office, "OutOfRange")
          .withArgs(Field.RevealWindow, window);
      }
      await expect(office.connect(w.admin).setRevealWindow(600)).to.emit(office, "RevealWindowSet").withArgs(600);
      await expect(office.connect(w.admin).setRevealWindow(30 * DAY))
        .to.emit(office, "RevealWindowSet")
        .withArgs(30 * DAY);
    });

    it("setRevealWindow is refused to anyone but the admin", async () => {
      for (const who of [w.registrar, w.regulator, w.alice, w.outsider]) {
        await expect(office.connect(who).setRevealWindow(2 * DAY))
          .to.be.revertedWithCustomError(office, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await office.revealWindow()).to.equal(BigInt(DAY));
    });
  });

  // ─── Commit ──────────────────────────────────────────────────────────────────────────

  describe("commit", () => {
    it("records the block and the last second of the reveal window", async () => {
      const commitment = commitmentOf(w.alice.address, h("content"), h("salt"));
      const tx = await office.connect(w.alice).commit(commitment);
      await expect(tx).to.emit(office, "ApplicationCommitted").withArgs(commitment, w.alice.address);
      const receipt = await tx.wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      const c = await office.commitmentOf(commitment);
      expect(c.blockNumber).to.equal(BigInt(receipt!.blockNumber));
      expect(c.expiresAt).to.equal(BigInt(block!.timestamp + DAY));
    });

    it("commitmentFor and batchCommitmentFor are the documented hashes", async () => {
      const content = h("content");
      const salt = h("salt");
      expect(await office.commitmentFor(w.alice.address, content, salt)).to.equal(commitmentOf(w.alice.address, content, salt));
      const hashes = [h("a"), h("b"), h("c")];
      expect(await office.batchCommitmentFor(w.alice.address, hashes, salt)).to.equal(batchCommitmentOf(w.alice.address, hashes, salt));
      // A batch of one is not the single commitment: each reveals only its own kind.
      expect(await office.batchCommitmentFor(w.alice.address, [content], salt)).to.not.equal(commitmentOf(w.alice.address, content, salt));
    });

    it("rejects a zero commitment", async () => {
      await expect(office.connect(w.alice).commit(ethers.ZeroHash))
        .to.be.revertedWithCustomError(office, "ZeroHash")
        .withArgs(Field.Commitment);
    });

    it("a live duplicate commitment is refused, whoever sends it, and keeps its window", async () => {
      const commitment = h("commitment");
      await office.connect(w.alice).commit(commitment);
      const before = await office.commitmentOf(commitment);
      for (const who of [w.alice, w.bob, w.outsider]) {
        await expect(office.connect(who).commit(commitment)).to.be.revertedWithCustomError(office, "AlreadyCommitted").withArgs(commitment);
      }
      // Still live at its last second.
      await time.setNextBlockTimestamp(before.expiresAt);
      await expect(office.connect(w.alice).commit(commitment))
        .to.be.revertedWithCustomError(office, "AlreadyCommitted")
        .withArgs(commitment);
      expect(await office.commitmentOf(commitment)).to.deep.equal(before);
    });

    it("an expired commitment may be made again by the same applicant and then revealed", async () => {
      const app = await application();
      const salt = h("salt");
      const commitment = commitmentOf(w.alice.address, String(app.contentHash), salt);
      await office.connect(w.alice).commit(commitment);
      const { expiresAt } = await office.commitmentOf(commitment);
      await time.increaseTo(expiresAt + 1n);
      await expect(office.connect(w.alice).submit(app, salt))
        .to.be.revertedWithCustomError(office, "CommitmentExpired")
        .withArgs(commitment, expiresAt);
      await expect(office.connect(w.alice).commit(commitment))
        .to.emit(office, "ApplicationCommitted")
        .withArgs(commitment, w.alice.address);
      const renewed = await office.commitmentOf(commitment);
      expect(renewed.expiresAt).to.equal(BigInt((await time.latest()) + DAY));
      const id = await registry.nextAssetId();
      await expect(office.connect(w.alice).submit(await application({ contentHash: app.contentHash }), salt))
        .to.emit(office, "AssetApplied")
        .withArgs(id, w.alice.address, forContent(app.contentHash), MemberType.Enterprise, commitment);
    });
  });

  // ─── Reveal ──────────────────────────────────────────────────────────────────────────

  describe("reveal (submit)", () => {
    it("files the application it committed to, uses the commitment up, and returns the id", async () => {
      const app = await application();
      const salt = await commitFor(w.alice, String(app.contentHash));
      const commitment = commitmentOf(w.alice.address, String(app.contentHash), salt);
      const id = await registry.nextAssetId();
      // Simulated in the next block: in the commit's own block the reveal is too early.
      expect(await office.connect(w.alice).submit.staticCall(app, salt, { blockTag: "pending" })).to.equal(id);
      await expect(office.connect(w.alice).submit(app, salt))
        .to.emit(office, "AssetApplied")
        .withArgs(id, w.alice.address, forContent(app.contentHash), MemberType.Enterprise, commitment);
      const used = await office.commitmentOf(commitment);
      expect([used.blockNumber, used.expiresAt]).to.deep.equal([0n, 0n]);
      await expect(office.connect(w.alice).submit(app, salt))
        .to.be.revertedWithCustomError(office, "UnknownCommitment")
        .withArgs(commitment);
      expect(await registry.nextAssetId()).to.equal(id + 1n);
    });

    it("a reveal without its own earlier commit is refused", async () => {
      const app = await application();
      const salt = h("salt");
      await expect(office.connect(w.alice).submit(app, salt))
        .to.be.revertedWithCustomError(office, "UnknownCommitment")
        .withArgs(commitmentOf(w.alice.address, String(app.contentHash), salt));
      // A commitment to another content hash, or with another salt, does not count.
      const other = await commitFor(w.alice, h("other-content"));
      await expect(office.connect(w.alice).submit(app, other))
        .to.be.revertedWithCustomError(office, "UnknownCommitment")
        .withArgs(commitmentOf(w.alice.address, String(app.contentHash), other));
      const right = await commitFor(w.alice, String(app.contentHash));
      const wrongSalt = h("salt");
      await expect(office.connect(w.alice).submit(app, wrongSalt))
        .to.be.revertedWithCustomError(office, "UnknownCommitment")
        .withArgs(commitmentOf(w.alice.address, String(app.contentHash), wrongSalt));
      await expect(office.connect(w.alice).submit(app, right)).to.emit(office, "AssetApplied");
    });

    it("a reveal in the same block as its commit is refused", async () => {
      const app = await application();
      const salt = h("salt");
      const commitment = commitmentOf(w.alice.address, String(app.contentHash), salt);
      const first = await registry.nextAssetId();
      const [commitTx, revealTx] = await inOneBlock(async () => [
        await office.connect(w.alice).commit(commitment),
        await office.connect(w.alice).submit(app, salt, { gasLimit: 1_000_000 }),
      ]);
      const [c, r] = [await commitTx!.wait(), await ethers.provider.getTransactionReceipt(revealTx!.hash)];
      expect(r!.blockNumber).to.equal(c!.blockNumber);
      expect(r!.status).to.equal(0);
      expect(await revertOf(office, revealTx!.hash)).to.deep.equal({
        name: "RevealTooEarly",
        args: [commitment, BigInt(c!.blockNumber)],
      });
      expect(await registry.nextAssetId()).to.equal(first);
      // One block later it can be revealed.
      await expect(office.connect(w.alice).submit(app, salt)).to.emit(office, "AssetApplied");
    });

    it("a reveal after the window is refused; at its last second it works", async () => {
      const late = await application();
      const lateSalt = await commitFor(w.alice, String(late.contentHash));
      const lateCommitment = commitmentOf(w.alice.address, String(late.contentHash), lateSalt);
      const onTime = await application();
      const onTimeSalt = await commitFor(w.alice, String(onTime.contentHash));
      const lateExpiry = (await office.commitmentOf(lateCommitment)).expiresAt;
      const onTimeExpiry = (await office.commitmentOf(commitmentOf(w.alice.address, String(onTime.contentHash), onTimeSalt))).expiresAt;
      expect(onTimeExpiry).to.be.greaterThan(lateExpiry);
      await time.setNextBlockTimestamp(onTimeExpiry);
      await expect(office.connect(w.alice).submit(onTime, onTimeSalt)).to.emit(office, "AssetApplied");
      await expect(office.connect(w.alice).submit(late, lateSalt))
        .to.be.revertedWithCustomError(office, "CommitmentExpired")
        .withArgs(lateCommitment, lateExpiry);
    });

    it("another member cannot reveal someone else's commitment: it binds the applicant", async () => {
      const app = await application();
      const salt = await commitFor(w.alice, String(app.contentHash));
      const first = await registry.nextAssetId();
      await expect(office.connect(w.bob).submit(app, salt))
        .to.be.revertedWithCustomError(office, "UnknownCommitment")
        .withArgs(commitmentOf(w.bob.address, String(app.contentHash), salt));
      expect(await registry.nextAssetId()).to.equal(first);
      await expect(office.connect(w.alice).submit(app, salt))
        .to.emit(office, "AssetApplied")
        .withArgs(first, w.alice.address, forContent(app.contentHash), MemberType.Enterprise, anyValue);
    });

    it("a reveal that fails its checks leaves the commitment for a corrected one", async () => {
      const app = await application({ metadataUri: "" });
      const salt = await commitFor(w.alice, String(app.contentHash));
      await expect(office.connect(w.alice).submit(app, salt))
        .to.be.revertedWithCustomError(office, "EmptyString")
        .withArgs(Field.MetadataUri);
      await expect(office.connect(w.alice).submit({ ...app, metadataUri: "ipfs://fixed" }, salt)).to.emit(office, "AssetApplied");
    });

    it("is refused to an outsider and to a suspended member", async () => {
      await expect(filing(w.outsider)).to.be.revertedWithCustomError(office, "NotActiveMember").withArgs(w.outsider.address);
      const app = await application();
      const salt = await commitFor(w.alice, String(app.contentHash));
      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      await expect(office.connect(w.alice).submit(app, salt))
        .to.be.revertedWithCustomError(office, "NotActiveMember")
        .withArgs(w.alice.address);
    });

    it("attack: a member copies a pending application's content hash from the pool and files it first", async () => {
      const app = await application();
      const salt = await commitFor(w.alice, String(app.contentHash));
      const aliceId = await registry.nextAssetId();
      const bobSalt = h("bob-salt");
      const bobCommitment = commitmentOf(w.bob.address, String(app.contentHash), bobSalt);
      const fees = (tip: bigint) => ({ gasLimit: 1_000_000, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: tip });
      let copied: ApplicationInput | undefined;
      const [aliceReveal, copy, , bobReveal] = await inOneBlock(async () => {
        const aliceTx = await office.connect(w.alice).submit(app, salt, fees(1_000_000_000n));
        // Bob reads Alice's reveal from the pool and races it with a higher tip: first as it
        // is, then with a commitment of his own to the content hash he read.
        const pending = await ethers.provider.getTransaction(aliceTx.hash);
        const [fields, readSalt] = office.interface.decodeFunctionData("submit", pending!.data) as unknown as [
          RegistrationOffice.ApplicationStructOutput,
          string
        ];
        const theCopy = asInput(fields);
        copied = theCopy;
        return [
          aliceTx,
          await office.connect(w.bob).submit(theCopy, readSalt, fees(5_000_000_000n)),
          await office.connect(w.bob).commit(bobCommitment, fees(5_000_000_000n)),
          await office.connect(w.bob).submit(theCopy, bobSalt, fees(5_000_000_000n)),
        ];
      });
      const [aliceR, copyR, bobRevealR] = await Promise.all(
        [aliceReveal!, copy!, bobReveal!].map((t) => ethers.provider.getTransactionReceipt(t.hash))
      );
      // Bob's transactions were mined first in the block, and failed.
      expect(copyR!.index).to.be.lessThan(aliceR!.index);
      expect(bobRevealR!.index).to.be.lessThan(aliceR!.index);
      expect(await revertOf(office, copy!.hash)).to.deep.equal({
        name: "UnknownCommitment",
        args: [commitmentOf(w.bob.address, String(app.contentHash), salt)],
      });
      expect(await revertOf(office, bobReveal!.hash)).to.deep.equal({
        name: "RevealTooEarly",
        args: [bobCommitment, BigInt(bobRevealR!.blockNumber)],
      });
      expect(aliceR!.status).to.equal(1);
      expect((await registry.recordOf(aliceId)).holder).to.equal(w.alice.address);
      expect((await office.depositOf(String(app.contentHash)))[0]).to.equal(aliceId);
      // In a later block Bob's own commitment reveals, but the content hash is taken.
      await expect(office.connect(w.bob).submit(copied!, bobSalt))
        .to.be.revertedWithCustomError(office, "ContentAlreadyRegistered")
        .withArgs(app.contentHash, aliceId);
    });
  });

  // ─── Batches ─────────────────────────────────────────────────────────────────────────

  describe("submitBatch", () => {
    it("files 50 applications under one commitment, with consecutive ids", async () => {
      const apps: ApplicationInput[] = [];
      for (let i = 0; i < 50; i++) apps.push(await application());
      const salt = await commitBatch(w.alice, apps);
      const commitment = batchCommitmentOf(
        w.alice.address,
        apps.map((a) => String(a.contentHash)),
        salt
      );
      const first = await registry.nextAssetId();
      expect(await office.connect(w.alice).submitBatch.staticCall(apps, salt, { blockTag: "pending" })).to.equal(first);
      const receipt = await (await office.connect(w.alice).submitBatch(apps, salt)).wait();
      const applied = receipt!.logs
        .map((log) => office.interface.parseLog(log))
        .filter((e) => e?.name === "AssetApplied")
        .map((e) => [e!.args.assetId as bigint, e!.args.commitment as string]);
      expect(applied).to.deep.equal(apps.map((_, i) => [first + BigInt(i), commitment]));
      expect(await registry.nextAssetId()).to.equal(first + 50n);
      for (const [i, app] of apps.entries()) {
        expect((await office.depositOf(String(app.contentHash)))[0]).to.equal(first + BigInt(i));
      }
      expect(await registry.statusOf(first + 49n)).to.equal(Status.Applied);
      expect((await registry.recordOf(first + 49n)).holder).to.equal(w.alice.address);
      await expect(office.connect(w.alice).submitBatch(apps, salt))
        .to.be.revertedWithCustomError(office, "UnknownCommitment")
        .withArgs(commitment);
    });

    it("the batch must be revealed in the committed order, by its applicant, and not with a single commitment", async () => {
      const apps = [await application(), await application()];
      const salt = await commitBatch(w.alice, apps);
      const reversed = [apps[1]!, apps[0]!];
      await expect(office.connect(w.alice).submitBatch(reversed, salt))
        .to.be.revertedWithCustomError(office, "UnknownCommitment")
        .withArgs(
          batchCommitmentOf(
            w.alice.address,
            reversed.map((a) => String(a.contentHash)),
            salt
          )
        );
      await expect(office.connect(w.bob).submitBatch(apps, salt))
        .to.be.revertedWithCustomError(office, "UnknownCommitment")
        .withArgs(
          batchCommitmentOf(
            w.bob.address,
            apps.map((a) => String(a.contentHash)),
            salt
          )
        );
      const single = await application();
      const singleSalt = await commitFor(w.alice, String(single.contentHash));
      await expect(office.connect(w.alice).submitBatch([single], singleSalt))
        .to.be.revertedWithCustomError(office, "UnknownCommitment")
        .withArgs(batchCommitmentOf(w.alice.address, [String(single.contentHash)], singleSalt));
      await expect(office.connect(w.alice).submitBatch(apps, salt)).to.emit(office, "AssetApplied");
    });

    it("a batch revealed in the block of its commit is refused", async () => {
      const apps = [await application(), await application()];
      const salt = h("salt");
      const commitment = batchCommitmentOf(
        w.alice.address,
        apps.map((a) => String(a.contentHash)),
        salt
      );
      const [commitTx, revealTx] = await inOneBlock(async () => [
        await office.connect(w.alice).commit(commitment),
        await office.connect(w.alice).submitBatch(apps, salt, { gasLimit: 2_000_000 }),
      ]);
      const c = await commitTx!.wait();
      expect(await revertOf(office, revealTx!.hash)).to.deep.equal({ name: "RevealTooEarly", args: [commitment, BigInt(c!.blockNumber)] });
    });

    // Changed: an empty or oversized batch is now OutOfRange(Field.Batch, n); BatchTooLarge is the work bound (test/gas-cap.test.ts).
    it("rejects an empty batch and one over MAX_BATCH", async () => {
      await expect(office.connect(w.alice).submitBatch([], h()))
        .to.be.revertedWithCustomError(office, "OutOfRange")
        .withArgs(Field.Batch, 0);
      const app = await application();
      await expect(
        office.connect(w.alice).submitBatch(
          Array.from({ length: 101 }, () => app),
          h()
        )
      )
        .to.be.revertedWithCustomError(office, "OutOfRange")
        .withArgs(Field.Batch, 101);
    });

    it("is refused to an outsider, and a duplicate inside the batch reverts it all", async () => {
      const lone = [await application()];
      await expect(office.connect(w.outsider).submitBatch(lone, await commitBatch(w.outsider, lone)))
        .to.be.revertedWithCustomError(office, "NotActiveMember")
        .withArgs(w.outsider.address);
      const first = await registry.nextAssetId();
      const a = await application();
      const apps = [a, await application(), a];
      const salt = await commitBatch(w.alice, apps);
      await expect(office.connect(w.alice).submitBatch(apps, salt))
        .to.be.revertedWithCustomError(office, "ContentAlreadyRegistered")
        .withArgs(a.contentHash, first);
      expect(await registry.nextAssetId()).to.equal(first);
      expect((await office.depositOf(String(a.contentHash)))[0]).to.equal(0n);
    });
  });

  // ─── Application checks ──────────────────────────────────────────────────────────────

  describe("application checks", () => {
    it("files an application: event with every field, record, registration, deposit", async () => {
      const app = await application({ sourceType: SourceType.Purchased, personalInfo: PersonalInfo.Anonymised, rights: 3 });
      const id = await registry.nextAssetId();
      const tx = await reveal(w.alice, app);
      const receipt = await tx.wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      const parsed = receipt!.logs.map((log) => office.interface.parseLog(log)).find((e) => e?.name === "AssetApplied");
      expect(parsed!.args.assetId).to.equal(id);
      expect(parsed!.args.applicant).to.equal(w.alice.address);
      expect(parsed!.args.registrantType).to.equal(BigInt(MemberType.Enterprise));
      const emitted = parsed!.args.application as RegistrationOffice.ApplicationStructOutput;
      expect(emitted.name).to.equal(app.name);
      expect(emitted.kind).to.equal(BigInt(AssetKind.Product));
      expect(emitted.productForm).to.equal(BigInt(ProductForm.Dataset));
      expect(emitted.category).to.equal(BigInt(DataCategory.Enterprise));
      expect(emitted.rights).to.equal(3n);
      expect(emitted.sourceType).to.equal(BigInt(SourceType.Purchased));
      expect(emitted.grade).to.equal(BigInt(Grade.General));
      expect(emitted.personalInfo).to.equal(BigInt(PersonalInfo.Anonymised));
      expect(emitted.validUntil).to.equal(BigInt(app.validUntil));
      expect(emitted.sourceEvidenceHash).to.equal(app.sourceEvidenceHash);
      expect(emitted.contentHash).to.equal(app.contentHash);
      expect(emitted.metadataHash).to.equal(app.metadataHash);
      expect(emitted.metadataUri).to.equal(app.metadataUri);
      expect(emitted.parents).to.deep.equal([]);
      expect(emitted.parentLicenses).to.deep.equal([]);

      expect(await registry.statusOf(id)).to.equal(Status.Applied);
      const r = await registry.recordOf(id);
      expect(r.holder).to.equal(w.alice.address);
      expect(r.grade).to.equal(BigInt(Grade.General));
      expect(r.category).to.equal(BigInt(DataCategory.Enterprise));
      expect(r.registrantType).to.equal(BigInt(MemberType.Enterprise));
      expect(r.rights).to.equal(3n);
      expect(r.validUntil).to.equal(BigInt(app.validUntil));
      expect(r.appliedAt).to.equal(BigInt(block!.timestamp));
      expect([r.frozen, r.pledged, r.disputed, r.objectionsOpen]).to.deep.equal([false, false, false, false]);
      const reg = await registry.registrationOf(id);
      expect([reg.appliedAt, reg.publicityEnd, reg.confirmedAt, reg.metadataVersion, reg.openLicenses]).to.deep.equal([
        BigInt(block!.timestamp),
        0n,
        0n,
        0n,
        0n,
      ]);
      expect(await registry.metadataOf(id)).to.deep.equal([app.metadataHash, 0n]);
      expect(await office.depositOf(String(app.contentHash))).to.deep.equal([id, BigInt(block!.timestamp), id]);
      await expect(registry.registrationNumber(id)).to.be.revertedWithCustomError(registry, "AssetNotRegistered").withArgs(id);
    });

    it("an unknown content hash has no deposit", async () => {
      expect(await office.depositOf(h())).to.deep.equal([0n, 0n, 0n]);
    });

    it("accepts a data resource (kind Resource, form None) and every rights set 1..7", async () => {
      const id = await submit(w, w.alice, { kind: AssetKind.Resource, productForm: ProductForm.None, rights: Rights.HOLDING });
      expect((await registry.recordOf(id)).rights).to.equal(BigInt(Rights.HOLDING));
      for (const rights of [2, 3, 4, 5, 6, 7]) {
        const other = await submit(w, w.alice, { rights });
        expect((await registry.recordOf(other)).rights).to.equal(BigInt(rights));
      }
    });

    it("rejects out-of-range enum fields and rights", async () => {
      const cases: [keyof ApplicationInput, number, number][] = [
        ["kind", 99, Field.Kind],
        ["kind", 2, Field.Kind],
        ["productForm", 99, Field.ProductForm],
        ["productForm", 6, Field.ProductForm],
        ["category", 99, Field.Category],
        ["category", 3, Field.Category],
        ["rights", 0, Field.Rights],
        ["rights", 8, Field.Rights],
        ["rights", 99, Field.Rights],
        ["sourceType", 99, Field.SourceType],
        ["sourceType", 5, Field.SourceType],
        ["grade", 99, Field.Grade],
        ["grade", 3, Field.Grade],
        ["personalInfo", 99, Field.PersonalInfo],
        ["personalInfo", 3, Field.PersonalInfo],
      ];
      for (const [field, value, index] of cases) {
        await expect(filing(w.alice, { [field]: value }))
          .to.be.revertedWithCustomError(office, "OutOfRange")
          .withArgs(index, value);
      }
    });

    it("refuses core data at application; important data is accepted", async () => {
      await expect(filing(w.alice, { grade: Grade.Core })).to.be.revertedWithCustomError(office, "CoreDataNotRegistrable");
      const id = await submit(w, w.alice, { grade: Grade.Important });
      expect((await registry.recordOf(id)).grade).to.equal(BigInt(Grade.Important));
    });

    it("requires a product form for a product and none for a resource", async () => {
      await expect(filing(w.alice, { kind: AssetKind.Resource, productForm: ProductForm.Api }))
        .to.be.revertedWithCustomError(office, "ProductFormMismatch")
        .withArgs(AssetKind.Resource, ProductForm.Api);
      await expect(filing(w.alice, { kind: AssetKind.Product, productForm: ProductForm.None }))
        .to.be.revertedWithCustomError(office, "ProductFormMismatch")
        .withArgs(AssetKind.Product, ProductForm.None);
    });

    it("validity must be in the future and at most three years ahead", async () => {
      // The reveal's block time is fixed after its commit is mined, so that a slow machine cannot
      // push the commit's own block past it.
      const revealAt = async (validUntilOf: (t: number) => number) => {
        const draft = await application();
        const salt = await commitFor(w.alice, String(draft.contentHash));
        const t = (await time.latest()) + 10;
        await time.setNextBlockTimestamp(t);
        return { t, tx: office.connect(w.alice).submit({ ...draft, validUntil: validUntilOf(t) }, salt) };
      };
      let r = await revealAt((t) => t);
      await expect(r.tx).to.be.revertedWithCustomError(office, "InPast").withArgs(Field.ValidUntil, r.t, r.t);
      r = await revealAt((t) => t - DAY);
      await expect(r.tx)
        .to.be.revertedWithCustomError(office, "InPast")
        .withArgs(Field.ValidUntil, r.t - DAY, r.t);
      r = await revealAt((t) => t + MAX_VALIDITY + 1);
      await expect(r.tx)
        .to.be.revertedWithCustomError(office, "OutOfRange")
        .withArgs(Field.ValidUntil, r.t + MAX_VALIDITY + 1);
      r = await revealAt((t) => t + MAX_VALIDITY);
      await expect(r.tx).to.emit(office, "AssetApplied");
      r = await revealAt((t) => t + 1);
      await expect(r.tx).to.emit(office, "AssetApplied");
    });

    it("rejects zero hashes", async () => {
      for (const [field, index] of [
        ["sourceEvidenceHash", Field.SourceEvidenceHash],
        ["contentHash", Field.ContentHash],
        ["metadataHash", Field.MetadataHash],
      ] as const) {
        await expect(filing(w.alice, { [field]: ethers.ZeroHash }))
          .to.be.revertedWithCustomError(office, "ZeroHash")
          .withArgs(index);
      }
    });

    it("the name must be non-empty and at most MAX_NAME_BYTES bytes of UTF-8; the event carries it as given", async () => {
      await expect(filing(w.alice, { name: "" }))
        .to.be.revertedWithCustomError(office, "EmptyString")
        .withArgs(Field.Name);
      // 42 Chinese characters of three bytes each and two ASCII bytes: exactly 128 bytes.
      const longest = `${"数".repeat(42)}-1`;
      expect(ethers.toUtf8Bytes(longest).length).to.equal(MAX_NAME_BYTES);
      const tx = await filing(w.alice, { name: longest });
      const receipt = await tx.wait();
      const applied = receipt!.logs.map((log) => office.interface.parseLog(log)).find((e) => e?.name === "AssetApplied");
      expect(applied?.args.application.name).to.equal(longest);
      await expect(filing(w.alice, { name: `${longest}x` }))
        .to.be.revertedWithCustomError(office, "OutOfRange")
        .withArgs(Field.Name, MAX_NAME_BYTES + 1);
      // 43 characters are 129 bytes, though fewer characters than the limit's number.
      await expect(filing(w.alice, { name: "数".repeat(43) }))
        .to.be.revertedWithCustomError(office, "OutOfRange")
        .withArgs(Field.Name, 129);
    });

    it("the metadata URI must be non-empty and at most MAX_URI_BYTES bytes (not characters)", async () => {
      await expect(filing(w.alice, { metadataUri: "" }))
        .to.be.revertedWithCustomError(office, "EmptyString")
        .withArgs(Field.MetadataUri);
      const longest = `ipfs://${"a".repeat(MAX_URI_BYTES - 7)}`;
      expect(ethers.toUtf8Bytes(longest).length).to.equal(MAX_URI_BYTES);
      await expect(filing(w.alice, { metadataUri: longest })).to.emit(office, "AssetApplied");
      await expect(filing(w.alice, { metadataUri: `${longest}a` }))
        .to.be.revertedWithCustomError(office, "OutOfRange")
        .withArgs(Field.MetadataUri, MAX_URI_BYTES + 1);
      // 86 characters of three bytes each: 258 bytes.
      await expect(filing(w.alice, { metadataUri: "数".repeat(86) }))
        .to.be.revertedWithCustomError(office, "OutOfRange")
        .withArgs(Field.MetadataUri, 258);
    });

    it("derived source type and parents go together; parent licences must match the parents; at most 16 parents", async () => {
      const parent = await register(w, w.alice);
      await expect(filing(w.alice, { sourceType: SourceType.Derived }))
        .to.be.revertedWithCustomError(office, "SourceParentsMismatch")
        .withArgs(SourceType.Derived, 0);
      await expect(filing(w.alice, { sourceType: SourceType.Licensed, parents: [parent], parentLicenses: [0] }))
        .to.be.revertedWithCustomError(office, "SourceParentsMismatch")
        .withArgs(SourceType.Licensed, 1);
      await expect(filing(w.alice, { sourceType: SourceType.Derived, parents: [parent] }))
        .to.be.revertedWithCustomError(office, "OutOfRange")
        .withArgs(Field.ParentLicenses, 0);
      const many = Array.from({ length: 17 }, () => parent);
      await expect(filing(w.alice, { sourceType: SourceType.Derived, parents: many, parentLicenses: many.map(() => 0) }))
        .to.be.revertedWithCustomError(office, "OutOfRange")
        .withArgs(Field.Parents, 17);
      const sixteen = many.slice(0, 16);
      const id = await submit(w, w.alice, { sourceType: SourceType.Derived, parents: sixteen, parentLicenses: sixteen.map(() => 0) });
      expect(await registry.statusOf(id)).to.equal(Status.Applied);
    });

    it("without modules wired, personal data is refused with ModulesNotSet", async () => {
      const manager = w.ledger.manager;
      const bare = await (
        await ethers.getContractFactory("DataAssetRegistry", w.admin)
      ).deploy(await manager.getAddress(), await w.ledger.members.getAddress(), AREA_CODE, BASE_URI);
      const bareOffice = await (
        await ethers.getContractFactory("RegistrationOffice", w.admin)
      ).deploy(await manager.getAddress(), await bare.getAddress());
      await manager.connect(w.admin).grantRole(REGISTRATION_MODULE, await bareOffice.getAddress(), 0);
      const personal = await application({ category: DataCategory.Personal });
      const salt = h("salt");
      await bareOffice.connect(w.alice).commit(commitmentOf(w.alice.address, String(personal.contentHash), salt));
      await expect(bareOffice.connect(w.alice).submit(personal, salt)).to.be.revertedWithCustomError(bareOffice, "ModulesNotSet");
      const plain = await application();
      await bareOffice.connect(w.alice).commit(commitmentOf(w.alice.address, String(plain.contentHash), salt));
      await expect(bareOffice.connect(w.alice).submit(plain, salt)).to.emit(bareOffice, "AssetApplied");
      expect(await bare.statusOf(1)).to.equal(Status.Applied);
    });
  });

  // ─── De-identification reviews ───────────────────────────────────────────────────────

  describe("de-identification reviews", () => {
    it("personal or de-identified data needs a passed review of this applicant's dataset", async () => {
      const content = h("personal");
      await expect(filing(w.alice, { contentHash: content, category: DataCategory.Personal }))
        .to.be.revertedWithCustomError(office, "DeidentificationReviewMissing")
        .withArgs(w.alice.address, content);
      await expect(filing(w.alice, { contentHash: content, personalInfo: PersonalInfo.DeIdentified }))
        .to.be.revertedWithCustomError(office, "DeidentificationReviewMissing")
        .withArgs(w.alice.address, content);
      await review(w.alice, content, false);
      await expect(filing(w.alice, { contentHash: content, category: DataCategory.Personal }))
        .to.be.revertedWithCustomError(office, "DeidentificationReviewMissing")
        .withArgs(w.alice.address, content);
      await review(w.alice, content, true);
      const id = await registry.nextAssetId();
      await expect(filing(w.alice, { contentHash: content, category: DataCategory.Personal, personalInfo: PersonalInfo.DeIdentified }))
        .to.emit(office, "AssetApplied")
        .withArgs(id, w.alice.address, forContent(content), MemberType.Enterprise, anyValue);
      expect(await registry.categoryOf(id)).to.equal(BigInt(DataCategory.Personal));
    });

    it("anonymised enterprise data needs no review; anonymised personal-category data still does", async () => {
      const id = await submit(w, w.alice, { personalInfo: PersonalInfo.Anonymised });
      expect(await registry.statusOf(id)).to.equal(Status.Applied);
      const content = h("personal");
      await expect(filing(w.alice, { contentHash: content, category: DataCategory.Personal, personalInfo: PersonalInfo.Anonymised }))
        .to.be.revertedWithCustomError(office, "DeidentificationReviewMissing")
        .withArgs(w.alice.address, content);
    });

    it("attack: a member reuses another party's de-identification review of the same content hash", async () => {
      // The regulator reviewed Alice's dataset before she applied; its event shows the hash.
      const content = h("personal");
      await review(w.alice, content);
      await expect(filing(w.bob, { contentHash: content, category: DataCategory.Personal }))
        .to.be.revertedWithCustomError(office, "DeidentificationReviewMissing")
        .withArgs(w.bob.address, content);
      // Nor after Alice's application was refused and the hash is free again.
      const aliceId = await submit(w, w.alice, { contentHash: content, category: DataCategory.Personal });
      await registry.connect(w.registrar).refuse(aliceId, h("reasons"));
      await expect(filing(w.bob, { contentHash: content, category: DataCategory.Personal }))
        .to.be.revertedWithCustomError(office, "DeidentificationReviewMissing")
        .withArgs(w.bob.address, content);
      expect((await office.depositOf(content))[0]).to.equal(aliceId);
    });
  });

  // ─── Deposits ────────────────────────────────────────────────────────────────────────

  describe("content-hash deposits", () => {
    it("a content hash deposited by a live asset is refused, naming that asset", async () => {
      const content = h("content");
      const id = await submit(w, w.alice, { contentHash: content });
      const dup = async (who: HardhatEthersSigner) =>
        expect(filing(who, { contentHash: content }))
          .to.be.revertedWithCustomError(office, "ContentAlreadyRegistered")
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
      expect((await office.depositOf(content))[0]).to.equal(first);
      const second = await submit(w, w.bob, { contentHash: content });
      expect((await office.depositOf(content))[0]).to.equal(second);
      expect((await registry.recordOf(second)).holder).to.equal(w.bob.address);
    });

    it("a cancelled registration and a court-cancelled application free their content hash", async () => {
      const content = h("content");
      const first = await register(w, w.alice, { contentHash: content });
      await registry.connect(w.alice).cancel(first, h());
      const second = await submit(w, w.bob, { contentHash: content });
      expect((await office.depositOf(content))[0]).to.equal(second);
      await w.ledger.disputes.connect(w.court).orderCancel(second, h("case"), []);
      expect(await registry.statusOf(second)).to.equal(Status.Cancelled);
      const third = await submit(w, w.carol, { contentHash: content });
      expect((await office.depositOf(content))[0]).to.equal(third);
    });

    it("attack: after a refusal a later applicant overwrites the first deposit time", async () => {
      const content = h("content");
      const first = await submit(w, w.alice, { contentHash: content });
      const [, firstAt] = await office.depositOf(content);
      await registry.connect(w.registrar).refuse(first, h("reasons"));
      await time.increase(30 * DAY);
      const second = await submit(w, w.bob, { contentHash: content });
      expect(await office.depositOf(content)).to.deep.equal([second, firstAt, first]);
      await registry.connect(w.registrar).refuse(second, h("reasons"));
      await time.increase(30 * DAY);
      const third = await register(w, w.carol, { contentHash: content });
      expect(await office.depositOf(content)).to.deep.equal([third, firstAt, first]);
      expect(firstAt).to.be.lessThan(BigInt(await time.latest()) - BigInt(60 * DAY));
    });
  });

  // ─── Derived assets ──────────────────────────────────────────────────────────────────

  describe("derived assets", () => {
    const derivedFrom = (parents: bigint[], parentLicenses: bigint[]): Partial<ApplicationInput> => ({
      sourceType: SourceType.Derived,
      parents,
      parentLicenses,
    });

    it("the parent's holder may derive without a licence", async () => {
      const parent = await register(w, w.alice);
      const id = await submit(w, w.alice, derivedFrom([parent], [0n]));
      expect(await registry.statusOf(id)).to.equal(Status.Applied);
    });

    it("another member needs its own processing licence on that parent, in force", async () => {
      const parent = await register(w, w.alice);
      const other = await register(w, w.alice);
      await expect(filing(w.bob, derivedFrom([parent], [0n])))
        .to.be.revertedWithCustomError(office, "ParentRightsMissing")
        .withArgs(parent, w.bob.address);
      const carols = await processingLicence(parent, w.alice, w.carol.address);
      await expect(filing(w.bob, derivedFrom([parent], [carols])))
        .to.be.revertedWithCustomError(office, "ParentRightsMissing")
        .withArgs(parent, w.bob.address);
      const operationOnly = await processingLicence(parent, w.alice, w.bob.address, Rights.OPERATION);
      await expect(filing(w.bob, derivedFrom([parent], [operationOnly])))
        .to.be.revertedWithCustomError(office, "ParentRightsMissing")
        .withArgs(parent, w.bob.address);
      const onOther = await processingLicence(other, w.alice, w.bob.address);
      await expect(filing(w.bob, derivedFrom([parent], [onOther])))
        .to.be.revertedWithCustomError(office, "ParentRightsMissing")
        .withArgs(parent, w.bob.address);
      const bobs = await processingLicence(parent, w.alice, w.bob.address);
      const id = await registry.nextAssetId();
      await expect(filing(w.bob, derivedFrom([parent], [bobs])))
        .to.emit(office, "AssetApplied")
        .withArgs(id, w.bob.address, anyValue, MemberType.Enterprise, anyValue);
      // A licence that has ended no longer counts.
      await time.increase(31 * DAY);
      await expect(filing(w.bob, derivedFrom([parent], [bobs])))
        .to.be.revertedWithCustomError(office, "ParentRightsMissing")
        .withArgs(parent, w.bob.address);
    });

    it("the parent must be registered", async () => {
      const pending = await submit(w, w.alice);
      const cancelled = await register(w, w.alice);
      await registry.connect(w.alice).cancel(cancelled, h());
      for (const parent of [pending, cancelled, 999n]) {
        await expect(filing(w.alice, derivedFrom([parent], [0n])))
          .to.be.revertedWithCustomError(office, "ParentNotRegistered")
          .withArgs(parent);
      }
    });
  });

  // ─── Emergency stop ──────────────────────────────────────────────────────────────────

  describe("closing the office", () => {
    it("stops submit and submitBatch with ContractClosed; commits still record; reopening restores the reveals", async () => {
      const app = await application();
      const salt = await commitFor(w.alice, String(app.contentHash));
      const batch = [await application()];
      const batchSalt = await commitBatch(w.alice, batch);
      const target = await office.getAddress();
      await w.ledger.manager.connect(w.admin).setTargetClosed(target, true);
      await expect(office.connect(w.alice).submit(app, salt)).to.be.revertedWithCustomError(office, "ContractClosed").withArgs(target);
      await expect(office.connect(w.alice).submitBatch(batch, batchSalt))
        .to.be.revertedWithCustomError(office, "ContractClosed")
        .withArgs(target);
      await expect(office.connect(w.admin).setRevealWindow(2 * DAY))
        .to.be.revertedWithCustomError(office, "AccessManagedUnauthorized")
        .withArgs(w.admin.address);
      const later = await application();
      const laterSalt = await commitFor(w.alice, String(later.contentHash));
      await w.ledger.manager.connect(w.admin).setTargetClosed(target, false);
      await expect(office.connect(w.alice).submit(app, salt)).to.emit(office, "AssetApplied");
      await expect(office.connect(w.alice).submitBatch(batch, batchSalt)).to.emit(office, "AssetApplied");
      await expect(office.connect(w.alice).submit(later, laterSalt)).to.emit(office, "AssetApplied");
    });
  });
});
