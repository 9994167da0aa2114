import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { application, deployWorld } from "./helpers/fixture";

/** Permissioned chains cap a transaction's gas like Hardhat does (16,777,216, EIP-7825). */
const TX_GAS_CAP = 16_777_216n;

describe("submitBatch within the per-transaction gas cap", () => {
  it("files MAX_BATCH applications in one transaction under the cap", async () => {
    const w = await loadFixture(deployWorld);
    const max = await w.ledger.registry.MAX_BATCH();
    const apps = [];
    for (let i = 0n; i < max; i++) {
      apps.push(await application({ metadataUri: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi" }));
    }
    const first = await w.ledger.registry.nextAssetId();
    const estimate = await w.ledger.registry.connect(w.alice).submitBatch.estimateGas(apps);
    expect(estimate < TX_GAS_CAP, `estimate ${estimate} must stay under ${TX_GAS_CAP}`).to.equal(true);
    const receipt = await (await w.ledger.registry.connect(w.alice).submitBatch(apps, { gasLimit: TX_GAS_CAP })).wait();
    expect(receipt?.status).to.equal(1);
    expect(await w.ledger.registry.nextAssetId()).to.equal(first + max);
  });
});
