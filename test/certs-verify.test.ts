/**
 * Verifying certificates (issue 11) against a real Anvil chain: each check of the report, the
 * verdicts, tampering with every field of a signed certificate, wrong data, wrong signers, a
 * wrong anchor block, changes since the anchor, and the QR payload alone.
 */
import { expect } from "chai";
import { getAddress } from "ethers";
import { payloadOf, encodeVerifyPayload, verifyUrl } from "../sdk/certs/payload";
import { certificateHash } from "../sdk/certs/canonical";
import { CHECK_IDS, VerificationReportSchema, type CheckEntry, type VerificationReport } from "../sdk/certs/report";
import { leavesOf } from "../sdk/certs/field-diff";
import { verifyCertificate, type VerifyOptions } from "../sdk/certs/verify";
import { dataFromPath } from "../sdk/certs/verify-node";
import { signCertificate } from "../sdk/certs/eip712";
import { buildCertificate } from "../sdk/certs/build";
import type { Certificate } from "../sdk/certs/schema";
import { firstEvent } from "./helpers/anvil-world";
import { CREATED, issueAsset, send, startCertsWorld, type CertsWorld } from "./helpers/certs-verify-world";
import { h } from "./helpers/fixture";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function check(r: VerificationReport, id: (typeof CHECK_IDS)[number]): CheckEntry {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

/** Sets the value at a dotted path of a JSON document. */
function setAt(doc: unknown, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur = doc as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  cur[parts[parts.length - 1]!] = value;
}

/** Another checksummed address, close to `a`. */
function otherAddress(a: string): string {
  const last = a.slice(-1).toLowerCase();
  return getAddress(a.slice(0, -1).toLowerCase() + (last === "0" ? "1" : "0"));
}

/** A changed value of the same JSON type, kept well formed where the format allows. */
function tampered(value: unknown): unknown {
  if (typeof value === "boolean") return !value;
  if (typeof value === "number") return value + 1;
  if (Array.isArray(value)) return value.length === 0 ? ["1"] : value.slice(1);
  if (typeof value !== "string") return value;
  if (/^0x[0-9a-f]+$/.test(value)) return value.slice(0, -1) + (value.endsWith("0") ? "1" : "0");
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) return otherAddress(value);
  if (/^(0|[1-9]\d*)$/.test(value)) return (BigInt(value) + 1n).toString();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) return new Date(Date.parse(value) + 1000).toISOString().replace(".000Z", "Z");
  const did = /^(did:pkh:eip155:\d+:)(0x[0-9a-fA-F]{40})(.*)$/.exec(value);
  if (did) return `${did[1]}${otherAddress(did[2]!)}${did[3]}`;
  if (/:\d+$/.test(value)) return `${value}1`;
  return `${value}x`;
}

describe("SDK certificates: verify", function () {
  this.timeout(120_000);
  let cw: CertsWorld;
  let opts: VerifyOptions;

  before(async () => {
    cw = await startCertsWorld();
    opts = { deployment: cw.deployment, rpcUrls: [cw.node.url] };
  });
  after(async () => {
    await cw?.node.stop();
  });

  it("answers VALID for a genuine certificate, with one entry per check in the issue's order", async () => {
    const seen: string[] = [];
    const r = await verifyCertificate(clone(cw.richCert), { ...opts, onCheck: (c) => seen.push(c.id) });
    expect(() => VerificationReportSchema.parse(r)).not.to.throw();
    expect(r.checks.map((c) => c.id)).to.deep.equal([...CHECK_IDS]);
    expect(r.verdict, r.summary).to.equal("VALID");
    for (const id of ["wellFormed", "signature", "issuerAuthority", "anchorBlock", "claimedState", "changesSince"] as const) expect(check(r, id).status, `${id}: ${check(r, id).reason}`).to.equal("passed");
    expect(check(r, "data").status).to.equal("notRun");
    expect(r.changes).to.deep.equal([]);
    expect(r.issuer).to.equal(cw.w.registrar.address);
    expect(r.certificateHash).to.equal(certificateHash(cw.richCert));
    expect(r.offline).to.equal(false);
    expect(r.rpcCalls).to.be.greaterThan(0);
    // Batched: far fewer HTTP requests than calls.
    expect(r.httpRequests).to.be.lessThan(r.rpcCalls);
    expect(new Set(seen)).to.have.property("size", CHECK_IDS.length);
    // The rich subject really has something in every list (so tampering reaches nested fields).
    const s = cw.richCert.credentialSubject;
    expect(s.licences).to.have.length(1);
    expect(s.valuations).to.have.length(1);
    expect(s.encumbrances.pledges).to.have.length(1);
    expect(s.encumbrances.objections).to.have.length(1);
    expect(s.encumbrances.holds).to.have.length(1);
  });

  it("answers VALID for a licence certificate", async () => {
    const r = await verifyCertificate(clone(cw.licenceCert), opts);
    expect(r.verdict, r.summary).to.equal("VALID");
    expect(r.certificateType).to.equal("licence");
  });

  it("checks the data: the right file passes, a wrong file or fingerprint is INVALID naming the content hash", async () => {
    const cert = await issueAsset(cw, cw.w.registrar, cw.assets.plain);
    const good = await verifyCertificate(clone(cert), { ...opts, data: dataFromPath(cw.plainData) });
    expect(check(good, "data").status, check(good, "data").reason).to.equal("passed");
    expect(good.verdict).to.equal("VALID");
    const bad = await verifyCertificate(clone(cert), { ...opts, data: dataFromPath(cw.w.deploymentFile) });
    expect(bad.verdict).to.equal("INVALID");
    expect(check(bad, "data")).to.include({ status: "failed", field: "credentialSubject.contentHash" });
    expect(bad.summary).to.match(/check 6/);
    const alsoBad = await verifyCertificate(clone(cert), { ...opts, data: { contentHash: h("other") } });
    expect(check(alsoBad, "data").status).to.equal("failed");
  });

  /** Changes each leaf of `cert` in turn (one field of each EIP-712 type): each must be INVALID naming that field. */
  async function tamperEachField(cert: Certificate): Promise<{ tried: number; misses: string[] }> {
    const typeSeen = new Set<string>();
    const picked = leavesOf(cert).filter(({ path }) => {
      const m = /^proof\.eip712\.types\.([^.]+)\.\d+\.(name|type)$/.exec(path);
      if (!m) return true;
      const key = `${m[1]}.${m[2]}`;
      if (typeSeen.has(key)) return false;
      typeSeen.add(key);
      return true;
    });
    const misses: string[] = [];
    for (const { path, value } of picked) {
      const doc = clone(cert);
      setAt(doc, path, tampered(value));
      const r = await verifyCertificate(doc, opts);
      const named = r.checks.some((c) => c.status === "failed" && c.field !== undefined && (c.field === path || c.field.startsWith(`${path}.`)));
      if (r.verdict !== "INVALID" || !named) misses.push(`${path}: ${r.verdict}, failed fields ${r.checks.filter((c) => c.status === "failed").map((c) => `${c.id}=${c.field ?? "-"}`).join(" ")}`);
    }
    return { tried: picked.length, misses };
  }

  it("names the field when any field of a signed certificate is changed, nested subject fields and the anchor included", async function () {
    this.timeout(600_000);
    // The EIP-712 types are ~300 leaves of one kind: one field of each type is enough.
    const { tried, misses } = await tamperEachField(cw.richCert);
    expect(tried).to.be.greaterThan(150);
    expect(misses, misses.join("\n")).to.deep.equal([]);
  });

  it("names the field when any field of a signed licence certificate is changed", async function () {
    this.timeout(600_000);
    const { tried, misses } = await tamperEachField(cw.licenceCert);
    expect(tried).to.be.greaterThan(100);
    expect(misses, misses.join("\n")).to.deep.equal([]);
  });

  it("refuses a certificate signed by a key that is not a registrar's (issuer authority)", async () => {
    const unsigned = await buildCertificate(cw.rpc, cw.deployment, { assetId: cw.assets.rich, atBlock: cw.issuedAt, issuer: cw.w.outsider.address, created: CREATED });
    const cert = await signCertificate(unsigned, cw.w.outsider);
    const r = await verifyCertificate(cert, opts);
    expect(r.verdict).to.equal("INVALID");
    expect(check(r, "signature").status).to.equal("passed");
    expect(check(r, "issuerAuthority")).to.include({ status: "failed", field: "issuer" });
    expect(check(r, "claimedState").status).to.equal("passed");
  });

  it("answers INVALID for a wrong anchor block hash", async () => {
    const doc = clone(cw.richCert);
    doc.credentialSubject.anchor.blockHash = h("not-the-block");
    const r = await verifyCertificate(doc, opts);
    expect(r.verdict).to.equal("INVALID");
    expect(check(r, "anchorBlock")).to.include({ status: "failed", field: "credentialSubject.anchor.blockHash" });
  });

  it("verifies the QR payload alone to the same verdict, and refuses a changed payload", async () => {
    const p = payloadOf(cw.richCert);
    const r = await verifyCertificate({ payload: verifyUrl("https://portal.example", cw.richCert) }, opts);
    expect(r.verdict, r.summary).to.equal("VALID");
    expect(r.input).to.equal("payload");
    expect(r.certificateHash).to.equal(certificateHash(cw.richCert));
    const lic = await verifyCertificate({ payload: encodeVerifyPayload(payloadOf(cw.licenceCert)) }, opts);
    expect(lic.verdict, lic.summary).to.equal("VALID");
    const wrongHash = await verifyCertificate({ payload: encodeVerifyPayload({ ...p, hash: h("x") }) }, opts);
    expect(wrongHash.verdict).to.equal("INVALID");
    expect(check(wrongHash, "signature").field).to.equal("payload.hash");
    // A payload claiming another block: the document rebuilt there is not what was signed.
    const otherBlock = await verifyCertificate({ payload: encodeVerifyPayload({ ...p, block: p.block - 1 }) }, opts);
    expect(otherBlock.verdict).to.equal("INVALID");
    const bad = await verifyCertificate({ payload: "not-a-payload!" }, opts);
    expect(bad.verdict).to.equal("INVALID");
    expect(check(bad, "wellFormed").field).to.match(/^payload/);
  });

  it("refuses a certificate whose hash the issuer anchored and then revoked", async () => {
    const cert = await issueAsset(cw, cw.w.registrar, cw.assets.rich, cw.issuedAt);
    const hash = certificateHash(cert);
    await send(cw.w, cw.w.ledger.evidence.connect(cw.w.registrar).anchor(hash, 1, h("manifest")));
    const anchored = await verifyCertificate(clone(cert), opts);
    expect(anchored.verdict, anchored.summary).to.equal("VALID");
    expect(check(anchored, "issuerAuthority").reason).to.match(/anchored by the issuer/);
    await send(cw.w, cw.w.ledger.evidence.connect(cw.w.registrar).revoke(hash, h("withdrawn")));
    const revoked = await verifyCertificate(clone(cert), opts);
    expect(revoked.verdict).to.equal("INVALID");
    expect(check(revoked, "issuerAuthority")).to.include({ status: "failed" });
    expect(check(revoked, "issuerAuthority").reason).to.match(/revoked/);
  });

  it("refuses a certificate signed by a registrar whose role was granted only after the anchor block", async () => {
    const late = cw.w.spare[0]!;
    await send(cw.w, cw.w.ledger.manager.connect(cw.w.admin).grantRole(1n, late.address, 0));
    const unsigned = await buildCertificate(cw.rpc, cw.deployment, { assetId: cw.assets.rich, atBlock: cw.issuedAt, issuer: late.address, created: CREATED });
    const r = await verifyCertificate(await signCertificate(unsigned, late), opts);
    expect(r.verdict).to.equal("INVALID");
    expect(check(r, "issuerAuthority")).to.include({ status: "failed", field: "issuer" });
    // Issued by the same key at a block after the grant, it is accepted.
    const now = await cw.node.provider.getBlockNumber();
    const later = await buildCertificate(cw.rpc, cw.deployment, { assetId: cw.assets.plain, atBlock: now, issuer: late.address, created: CREATED });
    const ok = await verifyCertificate(await signCertificate(later, late), opts);
    expect(check(ok, "issuerAuthority").status, check(ok, "issuerAuthority").reason).to.equal("passed");
  });

  it("answers VALID_BUT_SUPERSEDED after a transfer, listing it with block and tx; re-issued after it, VALID", async () => {
    const before = await issueAsset(cw, cw.w.registrar, cw.assets.plain);
    const receipt = await send(cw.w, cw.w.ledger.registry.connect(cw.w.alice).transferFrom(cw.w.alice.address, cw.w.bob.address, cw.assets.plain));
    const r = await verifyCertificate(clone(before), opts);
    expect(r.verdict, r.summary).to.equal("VALID_BUT_SUPERSEDED");
    const t = r.changes.find((c) => c.kind === "transferred" && c.event === "Transfer");
    expect(t, JSON.stringify(r.changes)).to.not.equal(undefined);
    expect(t).to.include({ blockNumber: receipt.blockNumber, txHash: receipt.hash.toLowerCase() });
    expect(check(r, "changesSince").status).to.equal("passed");
    // The QR payload of the old certificate gives the same verdict.
    const fromPayload = await verifyCertificate({ payload: encodeVerifyPayload(payloadOf(before)) }, opts);
    expect(fromPayload.verdict).to.equal("VALID_BUT_SUPERSEDED");
    expect(fromPayload.changes).to.deep.equal(r.changes);

    const after = await issueAsset(cw, cw.w.registrar, cw.assets.plain);
    const again = await verifyCertificate(clone(after), opts);
    expect(again.verdict, again.summary).to.equal("VALID");
    expect(again.changes).to.deep.equal([]);
  });

  it("answers VALID_BUT_SUPERSEDED after a court freeze, listing it", async () => {
    const before = await issueAsset(cw, cw.w.registrar, cw.assets.toFreeze);
    const receipt = await send(cw.w, cw.w.ledger.disputes.connect(cw.w.court).freeze(cw.assets.toFreeze, h("case-later")));
    const frozen = firstEvent(receipt, cw.w.ledger.disputes.interface, cw.w.addresses.disputes, "AssetFrozenByCourt");
    expect(frozen).to.not.equal(undefined);
    const r = await verifyCertificate(clone(before), opts);
    expect(r.verdict).to.equal("VALID_BUT_SUPERSEDED");
    expect(r.changes.find((c) => c.kind === "frozen")).to.include({ event: "AssetFrozenByCourt", blockNumber: receipt.blockNumber, txHash: receipt.hash.toLowerCase() });
    const after = await issueAsset(cw, cw.w.registrar, cw.assets.toFreeze);
    expect((await verifyCertificate(clone(after), opts)).verdict).to.equal("VALID");
  });

  it("lists a court's transfer order once, with the events that made it", async () => {
    const before = await issueAsset(cw, cw.w.registrar, cw.assets.toFreeze);
    const receipt = await send(cw.w, cw.w.ledger.disputes.connect(cw.w.court).orderTransfer(cw.assets.toFreeze, cw.w.bob.address, h("court-order"), 0));
    const r = await verifyCertificate(clone(before), opts);
    expect(r.verdict).to.equal("VALID_BUT_SUPERSEDED");
    const moves = r.changes.filter((c) => c.kind === "transferred");
    expect(moves, JSON.stringify(r.changes)).to.have.length(1);
    expect(moves[0]!.txHash).to.equal(receipt.hash.toLowerCase());
    expect(moves[0]!.event.split(", ")).to.include.members(["TransferOrdered", "ForcedTransfer", "Transfer"]);
  });

  it("answers VALID_BUT_SUPERSEDED for a licence certificate once a court revoked the licence", async () => {
    const receipt = await send(cw.w, cw.w.ledger.licenses.connect(cw.w.court).courtRevoke(cw.licenceId, h("court-case")));
    const r = await verifyCertificate(clone(cw.licenceCert), opts);
    expect(r.verdict, r.summary).to.equal("VALID_BUT_SUPERSEDED");
    expect(r.changes.find((c) => c.kind === "licenceRevoked")).to.include({ event: "LicenseRevoked", blockNumber: receipt.blockNumber, txHash: receipt.hash.toLowerCase() });
  });

  it("lists an expiry since the anchor (no transaction: the validity ran out)", async () => {
    const cert = await issueAsset(cw, cw.w.registrar, cw.assets.plain);
    await cw.node.increaseTime(2 * 366 * 24 * 3600);
    const r = await verifyCertificate(clone(cert), opts);
    expect(r.verdict, r.summary).to.equal("VALID_BUT_SUPERSEDED");
    const expired = r.changes.find((c) => c.kind === "expired");
    expect(expired, JSON.stringify(r.changes)).to.include({ event: "validUntil", txHash: null });
    expect(expired?.detail).to.match(/ended at \d{4}-/);
  });

  it("answers INVALID for a malformed certificate, naming the field, and runs nothing else", async () => {
    const doc = clone(cw.richCert) as unknown as Record<string, unknown>;
    (doc.credentialSubject as Record<string, unknown>).holder = { address: "not an address" };
    const r = await verifyCertificate(doc, opts);
    expect(r.verdict).to.equal("INVALID");
    expect(check(r, "wellFormed").status).to.equal("failed");
    expect(check(r, "wellFormed").field).to.match(/^credentialSubject\.holder/);
    expect(r.checks.slice(1).every((c) => c.status === "notRun")).to.equal(true);
    expect(r.rpcCalls).to.equal(0);
    const extra = clone(cw.richCert) as Certificate & { extra?: number };
    extra.extra = 1;
    expect(check(await verifyCertificate(extra, opts), "wellFormed").status).to.equal("failed");
  });
});
