import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { CNY, DAY, deployWorld, h, register, submit,
  Field,
} from "./helpers/fixture";

const Method = { Cost: 0, Market: 1, Income: 2 } as const;

async function valuationFixture() {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  return { ...w, id };
}

describe("ValuationRegistry", () => {
  it("refuses a zero registry address at deployment", async () => {
    const w = await loadFixture(valuationFixture);
    const factory = await ethers.getContractFactory("ValuationRegistry");
    await expect(factory.deploy(await w.ledger.manager.getAddress(), ethers.ZeroAddress))
      .to.be.revertedWithCustomError(factory, "ZeroAddress")
      .withArgs(Field.Registry);
    expect(await w.ledger.valuations.registry()).to.equal(await w.ledger.registry.getAddress());
  });

  it("records a valuation by an evaluator and keeps it as the latest", async () => {
    const { ledger, evaluator, id } = await loadFixture(valuationFixture);
    const date = (await time.latest()) - DAY;
    const report = h("report");
    await expect(ledger.valuations.connect(evaluator).record(id, Method.Income, 12_345_600n, CNY, date, report))
      .to.emit(ledger.valuations, "ValuationRecorded")
      .withArgs(1n, id, evaluator.address, Method.Income, 12_345_600n, CNY, date, report);

    const v = await ledger.valuations.valuationOf(1n);
    expect(v.value).to.equal(12_345_600n);
    expect(v.currency).to.equal(CNY);
    expect(v.method).to.equal(BigInt(Method.Income));
    expect(v.valuationDate).to.equal(BigInt(date));
    expect(v.evaluator).to.equal(evaluator.address);
    expect(v.reportHash).to.equal(report);

    const [latestId, latest] = await ledger.valuations.latestOf(id);
    expect(latestId).to.equal(1n);
    expect(latest.value).to.equal(12_345_600n);
    expect(latest.evaluator).to.equal(evaluator.address);
    expect(latest.reportHash).to.equal(report);
  });

  it("keeps every record and points latestOf at the newest, per asset", async () => {
    const f = await loadFixture(valuationFixture);
    const { ledger, evaluator, id } = f;
    const other = await register(f, f.bob);
    const [noneId, none] = await ledger.valuations.latestOf(other);
    expect(noneId).to.equal(0n);
    expect(none.value).to.equal(0n);

    const now = await time.latest();
    await ledger.valuations.connect(evaluator).record(id, Method.Cost, 100n, CNY, now - 2 * DAY, h());
    const second = h("second");
    // A valuation date equal to the block time is allowed.
    const next = (await time.latest()) + 1;
    await time.setNextBlockTimestamp(next);
    await expect(ledger.valuations.connect(evaluator).record(id, Method.Market, 200n, CNY, next, second))
      .to.emit(ledger.valuations, "ValuationRecorded")
      .withArgs(2n, id, evaluator.address, Method.Market, 200n, CNY, next, second);
    await ledger.valuations.connect(evaluator).record(other, Method.Cost, 300n, CNY, next, h());

    const [latestId, latest] = await ledger.valuations.latestOf(id);
    expect(latestId).to.equal(2n);
    expect(latest.value).to.equal(200n);
    expect(latest.method).to.equal(BigInt(Method.Market));
    expect((await ledger.valuations.valuationOf(1n)).value).to.equal(100n);
    const [otherId, otherLatest] = await ledger.valuations.latestOf(other);
    expect(otherId).to.equal(3n);
    expect(otherLatest.value).to.equal(300n);
  });

  it("refuses callers without the evaluator role", async () => {
    const { ledger, outsider, auditor, alice, regulator, admin, id } = await loadFixture(valuationFixture);
    const date = (await time.latest()) - DAY;
    for (const who of [outsider, auditor, alice, regulator, admin]) {
      await expect(ledger.valuations.connect(who).record(id, Method.Cost, 1n, CNY, date, h()))
        .to.be.revertedWithCustomError(ledger.valuations, "AccessManagedUnauthorized")
        .withArgs(who.address);
    }
    const [latestId] = await ledger.valuations.latestOf(id);
    expect(latestId).to.equal(0n);
  });

  it("refuses a method outside cost, market and income", async () => {
    const { ledger, evaluator, id } = await loadFixture(valuationFixture);
    const date = (await time.latest()) - DAY;
    await expect(ledger.valuations.connect(evaluator).record(id, 3, 1n, CNY, date, h()))
      .to.be.revertedWithCustomError(ledger.valuations, "OutOfRange")
      .withArgs(Field.Method, 3);
  });

  it("refuses a zero value", async () => {
    const { ledger, evaluator, id } = await loadFixture(valuationFixture);
    const date = (await time.latest()) - DAY;
    await expect(ledger.valuations.connect(evaluator).record(id, Method.Cost, 0n, CNY, date, h()))
      .to.be.revertedWithCustomError(ledger.valuations, "OutOfRange")
      .withArgs(Field.Value, 0);
  });

  it("refuses a zero currency", async () => {
    const { ledger, evaluator, id } = await loadFixture(valuationFixture);
    const date = (await time.latest()) - DAY;
    await expect(ledger.valuations.connect(evaluator).record(id, Method.Cost, 1n, "0x000000", date, h()))
      .to.be.revertedWithCustomError(ledger.valuations, "ZeroHash")
      .withArgs(Field.Currency);
  });

  it("refuses a zero valuation date", async () => {
    const { ledger, evaluator, id } = await loadFixture(valuationFixture);
    await expect(ledger.valuations.connect(evaluator).record(id, Method.Cost, 1n, CNY, 0, h()))
      .to.be.revertedWithCustomError(ledger.valuations, "OutOfRange")
      .withArgs(Field.ValuationDate, 0);
  });

  it("refuses a valuation date in the future", async () => {
    const { ledger, evaluator, id } = await loadFixture(valuationFixture);
    const future = (await time.latest()) + DAY;
    await expect(ledger.valuations.connect(evaluator).record(id, Method.Cost, 1n, CNY, future, h()))
      .to.be.revertedWithCustomError(ledger.valuations, "ValuationDateInFuture")
      .withArgs(future);
  });

  it("refuses a zero report hash", async () => {
    const { ledger, evaluator, id } = await loadFixture(valuationFixture);
    const date = (await time.latest()) - DAY;
    await expect(ledger.valuations.connect(evaluator).record(id, Method.Cost, 1n, CNY, date, ethers.ZeroHash))
      .to.be.revertedWithCustomError(ledger.valuations, "ZeroHash")
      .withArgs(Field.ReportHash);
  });

  it("refuses an asset that is unknown, only applied for, or cancelled", async () => {
    const f = await loadFixture(valuationFixture);
    const { ledger, evaluator, id } = f;
    const applied = await submit(f, f.bob);
    await ledger.registry.connect(f.alice).cancel(id, h());
    const date = (await time.latest()) - DAY;
    for (const assetId of [999n, applied, id]) {
      await expect(ledger.valuations.connect(evaluator).record(assetId, Method.Cost, 1n, CNY, date, h()))
        .to.be.revertedWithCustomError(ledger.valuations, "AssetNotRegistered")
        .withArgs(assetId);
    }
  });
});
