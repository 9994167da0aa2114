import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { deployWorld, h,
  Field,
} from "./helpers/fixture";

const ITEMS = 1_000;

function randomItems(n: number): string[] {
  return Array.from({ length: n }, () => ethers.hexlify(ethers.randomBytes(32)));
}

function treeOf(items: string[]): StandardMerkleTree<[string]> {
  return StandardMerkleTree.of(
    items.map((v): [string] => [v]),
    ["bytes32"],
  );
}

function itemAt(items: string[], i: number): string {
  const v = items[i];
  if (v === undefined) throw new Error(`no item ${i}`);
  return v;
}

async function evidenceFixture() {
  const w = await deployWorld();
  const items = randomItems(ITEMS);
  const tree = treeOf(items);
  return { ...w, items, tree };
}

/** The fixture with the 1,000-item tree anchored by alice. */
async function anchoredFixture() {
  const f = await evidenceFixture();
  const manifest = h("manifest");
  await f.ledger.evidence.connect(f.alice).anchor(f.tree.root, ITEMS, manifest);
  const anchoredAt = await time.latest();
  return { ...f, manifest, anchoredAt };
}

describe("EvidenceAnchor", () => {
  describe("anchor", () => {
    it("anchors a root of 1,000 items under the caller and records when", async () => {
      const { ledger, alice, bob, tree } = await loadFixture(evidenceFixture);
      const manifest = h("manifest");
      await expect(ledger.evidence.connect(alice).anchor(tree.root, ITEMS, manifest))
        .to.emit(ledger.evidence, "EvidenceAnchored")
        .withArgs(tree.root, alice.address, ITEMS, manifest);
      const a = await ledger.evidence.anchorOf(alice.address, tree.root);
      expect(a.anchoredAt).to.equal(BigInt(await time.latest()));
      expect(a.itemCount).to.equal(BigInt(ITEMS));
      expect(a.revoked).to.equal(false);
      // Nobody else has anchored it.
      expect((await ledger.evidence.anchorOf(bob.address, tree.root)).anchoredAt).to.equal(0n);
    });

    it("lets anyone anchor, with a zero manifest hash", async () => {
      const { ledger, outsider } = await loadFixture(evidenceFixture);
      const root = treeOf(randomItems(3)).root;
      await expect(ledger.evidence.connect(outsider).anchor(root, 3, ethers.ZeroHash))
        .to.emit(ledger.evidence, "EvidenceAnchored")
        .withArgs(root, outsider.address, 3, ethers.ZeroHash);
      expect((await ledger.evidence.anchorOf(outsider.address, root)).itemCount).to.equal(3n);
    });

    it("refuses to anchor the same root twice by the same party; another party may anchor it too", async () => {
      // Changed with issue 8 (anchors keyed by anchorer and root): a second party's anchor of the
      // same root is its own record, no longer refused.
      const { ledger, alice, bob, tree, anchoredAt } = await loadFixture(anchoredFixture);
      await expect(ledger.evidence.connect(alice).anchor(tree.root, ITEMS, h()))
        .to.be.revertedWithCustomError(ledger.evidence, "AlreadyAnchored")
        .withArgs(tree.root, alice.address);
      await expect(ledger.evidence.connect(bob).anchor(tree.root, ITEMS, h()))
        .to.emit(ledger.evidence, "EvidenceAnchored")
        .withArgs(tree.root, bob.address, ITEMS, anyValue);
      expect((await ledger.evidence.anchorOf(alice.address, tree.root)).anchoredAt).to.equal(BigInt(anchoredAt));
      expect((await ledger.evidence.anchorOf(bob.address, tree.root)).anchoredAt).to.equal(BigInt(await time.latest()));
    });

    it("refuses a zero root", async () => {
      const { ledger, alice } = await loadFixture(evidenceFixture);
      await expect(ledger.evidence.connect(alice).anchor(ethers.ZeroHash, 1, h()))
        .to.be.revertedWithCustomError(ledger.evidence, "ZeroHash")
        .withArgs(Field.Root);
    });

    it("refuses an item count of zero", async () => {
      const { ledger, alice, tree } = await loadFixture(evidenceFixture);
      await expect(ledger.evidence.connect(alice).anchor(tree.root, 0, h()))
        .to.be.revertedWithCustomError(ledger.evidence, "OutOfRange")
        .withArgs(Field.ItemCount, 0);
      expect((await ledger.evidence.anchorOf(alice.address, tree.root)).anchoredAt).to.equal(0n);
    });
  });

  describe("verify", () => {
    it("verifies items of an anchored 1,000-item tree with their proofs", async () => {
      const { ledger, alice, items, tree, anchoredAt } = await loadFixture(anchoredFixture);
      for (const i of [0, 1, 2, 499, 500, 998, 999]) {
        const [valid, at] = await ledger.evidence.verify(alice.address, tree.root, itemAt(items, i), tree.getProof(i));
        expect(valid, `item ${i}`).to.equal(true);
        expect(at).to.equal(BigInt(anchoredAt));
      }
    });

    it("rejects an item that is not in the tree, or a proof of another item", async () => {
      const { ledger, alice, items, tree, anchoredAt } = await loadFixture(anchoredFixture);
      const [validOther, at] = await ledger.evidence.verify(alice.address, tree.root, h("not-in-tree"), tree.getProof(0));
      expect(validOther).to.equal(false);
      expect(at).to.equal(BigInt(anchoredAt));
      const [validSwapped] = await ledger.evidence.verify(alice.address, tree.root, itemAt(items, 1), tree.getProof(0));
      expect(validSwapped).to.equal(false);
      const [validEmpty] = await ledger.evidence.verify(alice.address, tree.root, itemAt(items, 1), []);
      expect(validEmpty).to.equal(false);
    });

    it("rejects the leaf hash passed as the item (the value, not the leaf, is expected)", async () => {
      const { ledger, alice, items, tree } = await loadFixture(anchoredFixture);
      const [valid] = await ledger.evidence.verify(alice.address, tree.root, tree.leafHash([itemAt(items, 3)]), tree.getProof(3));
      expect(valid).to.equal(false);
    });

    it("reports an unknown root, or a root another party anchored, as not valid and never anchored", async () => {
      const { ledger, alice, bob, items, tree } = await loadFixture(anchoredFixture);
      const other = treeOf(items.slice(0, 10));
      const [valid, at] = await ledger.evidence.verify(alice.address, other.root, itemAt(items, 0), other.getProof(0));
      expect(valid).to.equal(false);
      expect(at).to.equal(0n);
      const [validBob, atBob] = await ledger.evidence.verify(bob.address, tree.root, itemAt(items, 0), tree.getProof(0));
      expect(validBob).to.equal(false);
      expect(atBob).to.equal(0n);
    });

    it("verifies a one-item tree with an empty proof", async () => {
      const { ledger, bob } = await loadFixture(evidenceFixture);
      const item = h("single");
      const tree = treeOf([item]);
      expect(tree.getProof(0)).to.deep.equal([]);
      const manifest = h("manifest");
      await expect(ledger.evidence.connect(bob).anchor(tree.root, 1, manifest))
        .to.emit(ledger.evidence, "EvidenceAnchored")
        .withArgs(tree.root, bob.address, 1, manifest);
      const [valid, at] = await ledger.evidence.verify(bob.address, tree.root, item, []);
      expect(valid).to.equal(true);
      expect(at).to.equal(BigInt(await time.latest()));
      const [wrong] = await ledger.evidence.verify(bob.address, tree.root, h(), []);
      expect(wrong).to.equal(false);
    });
  });

  describe("revoke", () => {
    it("lets the anchorer revoke; its anchor then no longer verifies", async () => {
      const { ledger, alice, items, tree, anchoredAt } = await loadFixture(anchoredFixture);
      const reason = h("reason");
      await expect(ledger.evidence.connect(alice).revoke(tree.root, reason))
        .to.emit(ledger.evidence, "EvidenceRevoked")
        .withArgs(tree.root, alice.address, reason);
      expect((await ledger.evidence.anchorOf(alice.address, tree.root)).revoked).to.equal(true);
      const [valid, at] = await ledger.evidence.verify(alice.address, tree.root, itemAt(items, 7), tree.getProof(7));
      expect(valid).to.equal(false);
      expect(at).to.equal(BigInt(anchoredAt));
      // A revoked anchor cannot be made again by the same party.
      await expect(ledger.evidence.connect(alice).anchor(tree.root, ITEMS, h()))
        .to.be.revertedWithCustomError(ledger.evidence, "AlreadyAnchored")
        .withArgs(tree.root, alice.address);
    });

    it("a party without its own anchor of the root has nothing to revoke", async () => {
      const { ledger, alice, bob, outsider, items, tree } = await loadFixture(anchoredFixture);
      for (const who of [bob, outsider]) {
        await expect(ledger.evidence.connect(who).revoke(tree.root, h()))
          .to.be.revertedWithCustomError(ledger.evidence, "NotAnchored")
          .withArgs(tree.root, who.address);
      }
      const [valid] = await ledger.evidence.verify(alice.address, tree.root, itemAt(items, 7), tree.getProof(7));
      expect(valid).to.equal(true);
    });

    it("attack: someone anchors a root seen in the pool first, then revokes it to void the depositor's evidence", async () => {
      const { ledger, alice, outsider, items, tree } = await loadFixture(evidenceFixture);
      // The front-runner's anchor lands first ...
      await ledger.evidence.connect(outsider).anchor(tree.root, ITEMS, h());
      // ... and the depositor's own anchor of the same root still goes through.
      await ledger.evidence.connect(alice).anchor(tree.root, ITEMS, h("manifest"));
      const aliceAt = await time.latest();
      await expect(ledger.evidence.connect(outsider).revoke(tree.root, h()))
        .to.emit(ledger.evidence, "EvidenceRevoked")
        .withArgs(tree.root, outsider.address, anyValue);
      // Revoking the front-runner's anchor leaves the depositor's untouched.
      const a = await ledger.evidence.anchorOf(alice.address, tree.root);
      expect(a.revoked).to.equal(false);
      expect(a.anchoredAt).to.equal(BigInt(aliceAt));
      const [valid, at] = await ledger.evidence.verify(alice.address, tree.root, itemAt(items, 42), tree.getProof(42));
      expect(valid).to.equal(true);
      expect(at).to.equal(BigInt(aliceAt));
      const [validTheirs] = await ledger.evidence.verify(outsider.address, tree.root, itemAt(items, 42), tree.getProof(42));
      expect(validTheirs).to.equal(false);
    });

    it("refuses revoking twice", async () => {
      const { ledger, alice, tree } = await loadFixture(anchoredFixture);
      await ledger.evidence.connect(alice).revoke(tree.root, h());
      await expect(ledger.evidence.connect(alice).revoke(tree.root, h()))
        .to.be.revertedWithCustomError(ledger.evidence, "AlreadyRevoked")
        .withArgs(tree.root, alice.address);
    });

    it("refuses an unknown root", async () => {
      const { ledger, alice } = await loadFixture(anchoredFixture);
      const root = h("unknown");
      await expect(ledger.evidence.connect(alice).revoke(root, h()))
        .to.be.revertedWithCustomError(ledger.evidence, "NotAnchored")
        .withArgs(root, alice.address);
    });

    it("refuses a zero reason", async () => {
      const { ledger, alice, tree } = await loadFixture(anchoredFixture);
      await expect(ledger.evidence.connect(alice).revoke(tree.root, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger.evidence, "ZeroHash")
        .withArgs(Field.ReasonHash);
      expect((await ledger.evidence.anchorOf(alice.address, tree.root)).revoked).to.equal(false);
    });
  });
});
