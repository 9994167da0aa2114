import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner as Signer } from "@nomicfoundation/hardhat-ethers/signers";
import type { RegistrationOffice } from "../typechain-types";
import {
  application,
  batchCommitmentOf,
  DataCategory,
  DAY,
  deployWorld,
  h,
  Jurisdiction,
  MemberType,
  PersonalInfo,
  SourceType,
  Territory,
  submitBatch,
  termsFor,
  YEAR,
  type ApplicationInput,
  type World,
} from "./helpers/fixture";

/**
 * Permissioned chains cap a transaction's gas like Hardhat's Osaka default does (16,777,216,
 * EIP-7825). The batches are sent with the cap as their gas limit: Hardhat's estimateGas
 * refuses any transaction that uses more than about a third of the cap (it probes with a
 * multiple of the gas used, above the cap), so it cannot measure these batches.
 */
const TX_GAS_CAP = 16_777_216n;

interface Limits {
  maxBatch: number;
  maxParents: number;
  maxUriBytes: number;
  maxNameBytes: number;
  applicationWork: number;
  parentWork: number;
  maxBatchWork: number;
}

async function limitsOf(office: RegistrationOffice): Promise<Limits> {
  return {
    maxBatch: Number(await office.MAX_BATCH()),
    maxParents: Number(await office.MAX_PARENTS()),
    maxUriBytes: Number(await office.MAX_URI_BYTES()),
    maxNameBytes: Number(await office.MAX_NAME_BYTES()),
    applicationWork: Number(await office.APPLICATION_WORK()),
    parentWork: Number(await office.PARENT_WORK()),
    maxBatchWork: Number(await office.MAX_BATCH_WORK()),
  };
}

interface Shape {
  apps: number;
  parents: number;
}

/** The most applications a batch may hold, and the most parents they may then name together. */
function fullestShape(l: Limits): Shape {
  const apps = Math.min(l.maxBatch, Math.floor(l.maxBatchWork / l.applicationWork));
  const parents = Math.min(apps * l.maxParents, Math.floor((l.maxBatchWork - apps * l.applicationWork) / l.parentWork));
  return { apps, parents };
}

/** The most parents a batch may name: the fewest applications that can carry them. */
function mostParentsShape(l: Limits): Shape {
  const apps = Math.min(l.maxBatch, Math.ceil(l.maxBatchWork / (l.applicationWork + l.maxParents * l.parentWork)));
  const parents = Math.min(apps * l.maxParents, Math.floor((l.maxBatchWork - apps * l.applicationWork) / l.parentWork));
  return { apps, parents };
}

const workOf = (l: Limits, shape: Shape): number => shape.apps * l.applicationWork + shape.parents * l.parentWork;

const longestUri = (bytes: number): string => `ipfs://${"a".repeat(bytes - "ipfs://".length)}`;
/** The longest name: three-byte characters (the costliest calldata) up to the byte limit. */
const longestName = (bytes: number): string => "数".repeat(Math.floor(bytes / 3)) + "a".repeat(bytes % 3);

/** Commits `apps` for `w.alice` and reveals them with the cap as gas limit; returns the gas used. */
async function fileUnderCap(w: World, apps: ApplicationInput[], what: string): Promise<bigint> {
  const { office, registry } = w.ledger;
  const salt = h("salt");
  await office.connect(w.alice).commit(
    batchCommitmentOf(
      w.alice.address,
      apps.map((a) => String(a.contentHash)),
      salt
    )
  );
  const first = await registry.nextAssetId();
  let gasUsed: bigint;
  try {
    const receipt = await (await office.connect(w.alice).submitBatch(apps, salt, { gasLimit: TX_GAS_CAP })).wait();
    expect(receipt?.status).to.equal(1);
    gasUsed = receipt!.gasUsed;
  } catch (e) {
    throw new Error(`${what} does not fit under the ${TX_GAS_CAP}-gas cap: ${String(e).split("\n")[0]}`);
  }
  expect(gasUsed < TX_GAS_CAP, `${what} used ${gasUsed} of ${TX_GAS_CAP}`).to.equal(true);
  expect(await registry.nextAssetId()).to.equal(first + BigInt(apps.length));
  return gasUsed;
}

interface WorstCase {
  w: World;
  limits: Limits;
  /** Registered assets held by bob. */
  parents: bigint[];
  /** Per parent of the fullest batch: bob's cross-border processing licence to alice. */
  direct: bigint[];
  /** Per parent: alice's licence at the end of a cross-border sublicence chain of the maximum depth. */
  chained: bigint[];
  /** Content hashes of personal data whose de-identification review alice passed. */
  contents: string[];
}

type Send = (overrides: Overrides) => Promise<ContractTransactionResponse>;
interface Overrides {
  nonce: number;
  gasLimit: number;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Fixture setup in bulk: sends the transactions with automine off (explicit nonces and gas,
 * so nothing is estimated), mines them in one block, and checks that every one succeeded.
 * Each sender's transactions run in the order given; only for steps that do not depend on
 * the order between senders.
 */
async function inOneBlock(sends: [Signer, Send][]): Promise<void> {
  const nonces = new Map<string, number>();
  for (const [signer] of sends) {
    if (!nonces.has(signer.address)) nonces.set(signer.address, await signer.getNonce("pending"));
  }
  const next = (signer: Signer): number => {
    const nonce = nonces.get(signer.address) ?? 0;
    nonces.set(signer.address, nonce + 1);
    return nonce;
  };
  await network.provider.send("evm_setBlockGasLimit", [ethers.toQuantity(10n ** 12n)]);
  await network.provider.send("evm_setAutomine", [false]);
  const txs: ContractTransactionResponse[] = [];
  try {
    for (const [signer, send] of sends) {
      txs.push(await send({ nonce: next(signer), gasLimit: 1_000_000, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1n }));
    }
    await network.provider.send("evm_mine", []);
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
    await network.provider.send("evm_setBlockGasLimit", [ethers.toQuantity(30_000_000n)]);
  }
  const receipts = await Promise.all(txs.map((tx) => ethers.provider.getTransactionReceipt(tx.hash)));
  expect(receipts.filter((r) => r?.status !== 1)).to.deep.equal([]);
}

/**
 * Everything the most expensive accepted batches need: as many registered parents (held by
 * bob) as a batch may name, each licensed to alice cross-border, both directly and through
 * bob → carol → spare0 → spare1 → alice (every link cross-border, so every link's clearance is
 * read); and a passed review for each of alice's personal-data applications.
 */
async function worstCaseWorld(): Promise<WorstCase> {
  const w = await deployWorld();
  const { office, registry, licenses, compliance, members } = w.ledger;
  const limits = await limitsOf(office);
  const parentCount = Math.max(fullestShape(limits).parents, mostParentsShape(limits).parents);
  const appCount = Math.max(fullestShape(limits).apps, mostParentsShape(limits).apps);
  const [s0, s1] = w.spare as [Signer, Signer];
  for (const [i, who] of [s0, s1].entries()) {
    await members.connect(w.registrar).admit(who.address, h("org"), `Sublicensee ${i}`, MemberType.Enterprise, Jurisdiction.Domestic);
  }

  const parents: bigint[] = [];
  while (parents.length < parentCount) {
    const n = Math.min(limits.maxBatch, parentCount - parents.length);
    const apps: ApplicationInput[] = [];
    for (let i = 0; i < n; i++) apps.push(await application({ validUntil: (await time.latest()) + 2 * YEAR }));
    const first = await submitBatch(w, w.bob, apps);
    for (let i = 0n; i < BigInt(n); i++) parents.push(first + i);
  }
  await inOneBlock(parents.map((id) => [w.registrar, (o) => registry.connect(w.registrar).accept(id, DAY, o)]));
  await time.increase(DAY);
  await inOneBlock(parents.map((id) => [w.registrar, (o) => registry.connect(w.registrar).confirm(id, o)]));

  const start = await time.latest();
  const term = { start, end: start + 30 * DAY, territory: Territory.CrossBorder };
  const clearedUntil = start + YEAR;
  await inOneBlock(
    parents.flatMap((id) =>
      [w.alice, w.carol, s0, s1].map((who): [Signer, Send] => [
        w.regulator,
        (o) => compliance.connect(w.regulator).grantCrossBorderClearance(id, who.address, h("route"), 0, clearedUntil, o),
      ])
    )
  );
  // Bob's licences: to alice directly (for the fullest batch's parents), then to carol to
  // start each chain; the ids follow bob's nonces.
  const firstDirect = await licenses.nextLicenseId();
  const directCount = fullestShape(limits).parents;
  await inOneBlock([
    ...parents
      .slice(0, directCount)
      .map((id): [Signer, Send] => [w.bob, (o) => licenses.connect(w.bob).grant(id, termsFor(w.alice.address, term), o)]),
    ...parents.map((id): [Signer, Send] => [
      w.bob,
      (o) => licenses.connect(w.bob).grant(id, termsFor(w.carol.address, { ...term, sublicensable: true }), o),
    ]),
  ]);
  const direct = parents.slice(0, directCount).map((_, i) => firstDirect + BigInt(i));
  let links = parents.map((_, i) => firstDirect + BigInt(directCount + i));
  const chain: [Signer, Signer, boolean][] = [
    [w.carol, s0, true],
    [s0, s1, true],
    [s1, w.alice, false],
  ];
  for (const [licensor, licensee, sublicensable] of chain) {
    const first = await licenses.nextLicenseId();
    await inOneBlock(
      links.map((parentLicence): [Signer, Send] => [
        licensor,
        (o) => licenses.connect(licensor).sublicense(parentLicence, termsFor(licensee.address, { ...term, sublicensable }), o),
      ])
    );
    links = links.map((_, i) => first + BigInt(i));
  }
  const chained = links;

  const contents = Array.from({ length: appCount }, () => h("personal"));
  await inOneBlock(
    contents.map((content): [Signer, Send] => [
      w.regulator,
      (o) => compliance.connect(w.regulator).recordDeidentificationReview(w.alice.address, content, true, h("report"), o),
    ])
  );
  return { w, limits, parents, direct, chained, contents };
}

/** A batch of this shape: personal, de-identified, longest names and URIs, distinct parents spread over every application. */
async function worstBatch(c: WorstCase, shape: Shape, licencesOfParents: bigint[]): Promise<ApplicationInput[]> {
  const apps: ApplicationInput[] = [];
  let next = 0;
  for (let i = 0; i < shape.apps; i++) {
    const count = Math.floor(shape.parents / shape.apps) + (i < shape.parents % shape.apps ? 1 : 0);
    const parents = c.parents.slice(next, next + count);
    const parentLicenses = licencesOfParents.slice(next, next + count);
    next += count;
    apps.push(
      await application({
        contentHash: c.contents[i]!,
        category: DataCategory.Personal,
        personalInfo: PersonalInfo.DeIdentified,
        metadataUri: longestUri(c.limits.maxUriBytes),
        name: longestName(c.limits.maxNameBytes),
        sourceType: count > 0 ? SourceType.Derived : SourceType.SelfCollected,
        parents,
        parentLicenses,
      })
    );
  }
  expect(next).to.equal(shape.parents);
  // Within the bound, and as full as it allows: one more parent would be refused (or exceed MAX_PARENTS).
  expect(workOf(c.limits, shape)).to.be.at.most(c.limits.maxBatchWork);
  if (shape.parents < shape.apps * c.limits.maxParents) {
    expect(workOf(c.limits, shape) + c.limits.parentWork).to.be.greaterThan(c.limits.maxBatchWork);
  }
  return apps;
}

describe("submitBatch within the per-transaction gas cap", () => {
  it("files MAX_BATCH applications with the longest allowed name and metadata URI under the cap", async () => {
    const w = await loadFixture(deployWorld);
    const limits = await limitsOf(w.ledger.office);
    const apps: ApplicationInput[] = [];
    for (let i = 0; i < limits.maxBatch; i++) apps.push(await application({ metadataUri: longestUri(limits.maxUriBytes), name: longestName(limits.maxNameBytes) }));
    await fileUnderCap(w, apps, `${limits.maxBatch} applications`);
  });

  it("refuses a batch whose parents push its work over MAX_BATCH_WORK with BatchTooLarge(work, max)", async () => {
    const w = await loadFixture(deployWorld);
    const { office, registry } = w.ledger;
    const limits = await limitsOf(office);
    const shape = fullestShape(limits);
    // The bound is checked before anything else, so the parents need not exist.
    const apps: ApplicationInput[] = [];
    let left = shape.parents + 1;
    for (let i = 0; i < shape.apps; i++) {
      const count = Math.min(limits.maxParents, Math.ceil(left / (shape.apps - i)));
      left -= count;
      const parents = Array.from({ length: count }, () => 1n);
      apps.push(await application({ sourceType: SourceType.Derived, parents, parentLicenses: parents.map(() => 0n) }));
    }
    const work = shape.apps * limits.applicationWork + (shape.parents + 1) * limits.parentWork;
    expect(work).to.be.greaterThan(limits.maxBatchWork);
    const salt = h("salt");
    const commitment = batchCommitmentOf(
      w.alice.address,
      apps.map((a) => String(a.contentHash)),
      salt
    );
    await office.connect(w.alice).commit(commitment);
    const first = await registry.nextAssetId();
    await expect(office.connect(w.alice).submitBatch(apps, salt))
      .to.be.revertedWithCustomError(office, "BatchTooLarge")
      .withArgs(work, limits.maxBatchWork);
    expect(await registry.nextAssetId()).to.equal(first);
    expect((await office.commitmentOf(commitment)).expiresAt).to.not.equal(0n);
  });

  it("attack: a batch of MAX_BATCH applications with MAX_PARENTS licensed parents each, too heavy for one transaction", async () => {
    const w = await loadFixture(deployWorld);
    const { office } = w.ledger;
    const limits = await limitsOf(office);
    const parents = Array.from({ length: limits.maxParents }, () => 1n);
    const apps: ApplicationInput[] = [];
    for (let i = 0; i < limits.maxBatch; i++) {
      apps.push(await application({ sourceType: SourceType.Derived, parents, parentLicenses: parents.map(() => 2n) }));
    }
    const salt = h("salt");
    await office.connect(w.alice).commit(
      batchCommitmentOf(
        w.alice.address,
        apps.map((a) => String(a.contentHash)),
        salt
      )
    );
    const work = limits.maxBatch * (limits.applicationWork + limits.maxParents * limits.parentWork);
    await expect(office.connect(w.alice).submitBatch(apps, salt))
      .to.be.revertedWithCustomError(office, "BatchTooLarge")
      .withArgs(work, limits.maxBatchWork);
  });

  describe("the worst batches it accepts (work up to MAX_BATCH_WORK; personal data, longest URIs, distinct parents) fit", () => {
    it("the most applications, each parent licensed cross-border", async () => {
      const c = await loadFixture(worstCaseWorld);
      const shape = fullestShape(c.limits);
      await fileUnderCap(
        c.w,
        await worstBatch(c, shape, c.direct),
        `${shape.apps} applications with ${shape.parents} directly licensed parents`
      );
    });

    // Each parent check then walks the whole licence chain and reads a clearance per link: the
    // most expensive parent the rules allow.
    it("the most applications, each parent licence a cross-border sublicence of the maximum depth", async () => {
      const c = await loadFixture(worstCaseWorld);
      expect(((await c.w.ledger.licenses.licenseOf(c.chained[0]!)).flags >> 5n) & 3n).to.equal(await c.w.ledger.licenses.MAX_DEPTH());
      const shape = fullestShape(c.limits);
      await fileUnderCap(
        c.w,
        await worstBatch(c, shape, c.chained),
        `${shape.apps} applications with ${shape.parents} parents licensed through chains`
      );
    });

    // When a parent's work unit costs more gas than an application's (as with these chains),
    // the fewest applications carrying the most parents make the heaviest batch.
    it("the most parents, each licence a cross-border sublicence of the maximum depth", async () => {
      const c = await loadFixture(worstCaseWorld);
      const shape = mostParentsShape(c.limits);
      await fileUnderCap(
        c.w,
        await worstBatch(c, shape, c.chained),
        `${shape.apps} applications with ${shape.parents} parents licensed through chains`
      );
    });
  });
});
