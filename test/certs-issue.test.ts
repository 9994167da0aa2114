/**
 * Issuing rights certificates (issue 11): the document an SDK user, `drl cert` and the API
 * preview produce for an asset at a block, checked against the chain it claims to describe.
 *
 * One Anvil chain: a Chinese-named member holds a registered asset with a licence, a
 * financial-statements first (and the financing first its pledge earns), a valuation, an
 * active pledge, an admitted objection and a court hold.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet, id as ethersId, type TransactionReceipt } from "ethers";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApp, type ApiContext } from "../server/api/app";
import { certificateRoutes } from "../server/api/certificates";
import { createMetrics } from "../server/metrics";
import { RpcClient } from "../server/rpc/client";
import type { AnvilNode } from "./helpers/anvil";
import { runCli } from "./helpers/cli";
import { startTestServer, type TestServer } from "./helpers/indexer";
import { firstEvent, mined, registerOnAnvil, startAnvilWorld, type AnvilSigner, type AnvilWorld } from "./helpers/anvil-world";
import { CNY, DAY, Jurisdiction, MemberType, Rights, applicationAt, h, termsFor } from "./helpers/fixture";
import { parseDeployment, type Deployment } from "../sdk/ledger/deployment";
import {
  ChainRpc,
  ChainStateError,
  ChainUnavailableError,
  RpcCallError,
  DataRightsCertificateSchema,
  PayloadError,
  VC_CONTEXT_V2,
  buildCertificate,
  buildLicenceCertificate,
  certificateHash,
  decodeVerifyPayload,
  encodeVerifyPayload,
  issueCertificate,
  issueLicenceCertificate,
  parseCertificate,
  payloadOf,
  proofMatchesDeclaredTypes,
  recoverIssuer,
  signCertificate,
  verifyUrl,
  type DataRightsCertificate,
} from "../sdk/certs";

const HOLDER_NAME = "上海港口数据科技有限公司";

interface Fixture {
  assetId: bigint;
  licenceId: bigint;
  pledgeId: bigint;
  objectionId: bigint;
  valuationId: bigint;
  caseHash: string;
  holder: AnvilSigner;
  txs: { submit: string; confirm: string; freeze: string };
  block: number;
}

async function setUp(w: AnvilWorld): Promise<Fixture> {
  const { ledger, node } = w;
  const holder = w.spare[1]!;
  await mined(node, await ledger.members.connect(w.registrar).admit(holder.address, ethersId(`USCC:${HOLDER_NAME}`), HOLDER_NAME, MemberType.Enterprise, Jurisdiction.Domestic));
  const now = await node.timestamp();
  const app = applicationAt(now, { name: "长江航运吞吐量 Yangtze shipping throughput" });
  const fromBlock = await node.provider.getBlockNumber();
  const assetId = await registerOnAnvil(w, holder, app);
  const appliedLogs = await ledger.office.queryFilter(ledger.office.filters.AssetApplied(assetId), fromBlock);
  const confirmedLogs = await ledger.registry.queryFilter(ledger.registry.filters.AssetRegistered(assetId), fromBlock);
  const t = await node.timestamp();
  const valuation = await mined(node, await ledger.valuations.connect(w.evaluator).record(assetId, 2, 12_345_600n, CNY, t - DAY, h("valuation-report")));
  const valuationId = firstEvent(valuation, ledger.valuations.interface, w.addresses.valuations, "ValuationRecorded").valuationId as bigint;
  await mined(node, await ledger.milestones.connect(w.auditor).attestFinancialStatements(assetId, 1, h("audit")));
  const grant = await mined(node, await ledger.licenses.connect(holder).grant(assetId, termsFor(w.bob.address, { start: t, end: t + 200 * DAY, rights: Rights.PROCESSING })));
  const licenceId = firstEvent(grant, ledger.licenses.interface, w.addresses.licenses, "LicenseGranted").licenseId as bigint;
  const proposed = await mined(node, await ledger.pledges.connect(holder).propose(assetId, w.carol.address, 3_000_000n, CNY, t + 90 * DAY, h("pledge-ref")));
  const pledgeId = firstEvent(proposed, ledger.pledges.interface, w.addresses.pledges, "PledgeProposed").pledgeId as bigint;
  await mined(node, await ledger.pledges.connect(w.carol).accept(pledgeId));
  const objected = await mined(node, await ledger.disputes.connect(w.bob).object(assetId, h("objection-evidence")));
  const objectionId = firstEvent(objected, ledger.disputes.interface, w.addresses.disputes, "ObjectionFiled").objectionId as bigint;
  await mined(node, await ledger.disputes.connect(w.court).admit(objectionId));
  const caseHash = h("court-case");
  const freeze: TransactionReceipt = await mined(node, await ledger.disputes.connect(w.court).freeze(assetId, caseHash));
  return {
    assetId,
    licenceId,
    pledgeId,
    objectionId,
    valuationId,
    caseHash,
    holder,
    txs: { submit: appliedLogs[0]!.transactionHash, confirm: confirmedLogs[0]!.transactionHash, freeze: freeze.hash },
    block: freeze.blockNumber,
  };
}

describe("SDK certificates: issuing", function () {
  this.timeout(120_000);
  let node: AnvilNode;
  let w: AnvilWorld;
  let dir: string;
  let deployment: Deployment;
  let rpc: ChainRpc;
  let fx: Fixture;
  let cert: DataRightsCertificate;
  const created = "2026-03-01T08:00:00Z";

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), "drl-certs-"));
    ({ node, w } = await startAnvilWorld(path.join(dir, "anvil-test.json")));
    deployment = parseDeployment({ network: "anvil-test", chainId: w.chainId, deployBlock: w.deployBlock, addresses: w.addresses });
    rpc = new ChainRpc(node.url);
    fx = await setUp(w);
    cert = await issueCertificate(rpc, deployment, w.registrar, { assetId: fx.assetId, atBlock: fx.block, created });
  });

  after(async function () {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("states every subject and anchor field as the chain has it at the block", async function () {
    const { ledger } = w;
    const s = cert.credentialSubject;
    const at = { blockTag: fx.block };
    const rec = await ledger.registry.recordOf(fx.assetId, at);
    const reg = await ledger.registry.registrationOf(fx.assetId, at);
    const [metadataHash, metadataVersion] = await ledger.registry.metadataOf(fx.assetId, at);
    const block = await node.provider.getBlock(fx.block);

    expect(s.registrationNumber).to.equal(await ledger.registry.registrationNumber(fx.assetId, at));
    expect(s.registrationNumber).to.match(/^DR-\d{4}-\d{6}-1-\d{10}-[0-9X]$/);
    expect(s.tokenId).to.equal(fx.assetId.toString());
    expect(s.name).to.equal("长江航运吞吐量 Yangtze shipping throughput");
    expect([s.kind, s.productForm, s.category, s.grade, s.sourceType, s.personalInfo]).to.deep.equal(["product", "dataset", "enterprise", "general", "selfCollected", "none"]);
    const applied = (await ledger.office.queryFilter(ledger.office.filters.AssetApplied(fx.assetId)))[0]!;
    expect(s.contentHash).to.equal(String(applied.args.application.contentHash));
    expect(s.sourceEvidenceHash).to.equal(String(applied.args.application.sourceEvidenceHash));
    expect([s.metadataHash, s.metadataVersion]).to.deep.equal([metadataHash, Number(metadataVersion)]);
    expect(s.rights).to.deep.equal(["holding", "processing", "operation"]);
    expect(Number(rec.rights)).to.equal(Rights.ALL);

    expect(s.holder).to.deep.equal({ address: fx.holder.address, memberName: HOLDER_NAME, orgIdHash: ethersId(`USCC:${HOLDER_NAME}`), memberStatus: "active" });
    expect(s.validity).to.deep.equal({
      appliedAt: Number(reg.appliedAt),
      publicityEnd: Number(reg.publicityEnd),
      confirmedAt: Number(reg.confirmedAt),
      validUntil: Number(rec.validUntil),
      expired: false,
    });
    expect(s.state).to.deep.equal({ status: "registered", frozen: true, pledged: true, disputed: true, objectionsOpen: true, openLicences: Number(reg.openLicenses) });
    expect(s.state.openLicences).to.equal(1);

    expect(s.licences).to.have.length(1);
    expect(s.licences[0]).to.include({ licenceId: fx.licenceId.toString(), licensee: w.bob.address, licensor: fx.holder.address, parentId: "0", territory: "domestic", state: "active" });
    expect(s.licences[0]!.rights).to.deep.equal(["processing"]);

    const kinds = s.firsts.map((f) => f.kind);
    expect(kinds).to.deep.equal(["registration", "financialStatements", "financing"]);
    const fs = s.firsts[1]!;
    const stored = await ledger.milestones.milestoneOf(fx.assetId, 3, at);
    expect(fs).to.deep.equal({ kind: "financialStatements", at: Number(stored[1]), attester: w.auditor.address, enterprise: fx.holder.address, evidenceHash: stored.evidenceHash, detail: 1, annulled: false });
    expect(s.firsts[0]).to.include({ attester: w.registrar.address, enterprise: fx.holder.address, at: Number(reg.confirmedAt) });

    const v = await ledger.valuations.valuationOf(fx.valuationId, at);
    expect(s.valuations).to.deep.equal([
      { valuationId: fx.valuationId.toString(), evaluator: w.evaluator.address, method: "income", value: "12345600", currency: "CNY", valuationDate: Number(v.valuationDate), reportHash: v.reportHash },
    ]);

    const p = await ledger.pledges.pledgeOf(fx.pledgeId, at);
    expect(s.encumbrances.pledges).to.deep.equal([
      { pledgeId: fx.pledgeId.toString(), pledgor: fx.holder.address, pledgee: w.carol.address, securedAmount: "3000000", currency: "CNY", dueDate: Number(p.dueDate), registryRefHash: p.registryRefHash, status: "active" },
    ]);
    const o = await ledger.disputes.objectionOf(fx.objectionId, at);
    expect(s.encumbrances.objections).to.deep.equal([{ objectionId: fx.objectionId.toString(), claimant: w.bob.address, evidenceHash: o.evidenceHash, filedAt: Number(o.filedAt) }]);
    expect(s.encumbrances.holds).to.deep.equal([{ caseHash: fx.caseHash, court: w.court.address }]);

    expect(s.anchor).to.deep.equal({
      chainId: w.chainId,
      contracts: {
        manager: w.addresses.manager,
        members: w.addresses.members,
        registry: w.addresses.registry,
        office: w.addresses.office,
        licenses: w.addresses.licenses,
        milestones: w.addresses.milestones,
        disputes: w.addresses.disputes,
        valuations: w.addresses.valuations,
        pledges: w.addresses.pledges,
        evidence: w.addresses.evidence,
      },
      blockNumber: fx.block,
      blockHash: block!.hash,
      blockTime: block!.timestamp,
      registrationTx: fx.txs.submit,
      confirmationTx: fx.txs.confirm,
      holderChangeTx: fx.txs.confirm,
    });
    expect(cert.credentialStatus).to.include({ type: "LedgerAnchoredStatus", chainId: w.chainId, registry: w.addresses.registry, assetId: fx.assetId.toString(), anchorBlock: fx.block });
  });

  it("is a VC 2.0 document that the zod schema accepts, signed by the registrar", function () {
    expect(cert["@context"][0]).to.equal(VC_CONTEXT_V2);
    expect(cert.type).to.deep.equal(["VerifiableCredential", "DataRightsCertificate"]);
    expect(cert.issuer).to.equal(`did:pkh:eip155:${w.chainId}:${w.registrar.address}`);
    for (const k of ["id", "validFrom", "validUntil", "credentialSubject", "credentialStatus", "proof"]) expect(cert).to.have.property(k);
    expect(cert.validFrom).to.equal(created);
    expect(() => DataRightsCertificateSchema.parse(JSON.parse(JSON.stringify(cert)))).not.to.throw();
    expect(cert.proof).to.include({ type: "EthereumEip712Signature2021", created, proofPurpose: "assertionMethod", verificationMethod: `${cert.issuer}#blockchainAccountId` });
    expect(cert.proof.eip712.primaryType).to.equal("DataRightsCertificate");
    expect(cert.proof.eip712.domain).to.deep.equal({ name: "Data Rights Ledger Certificate", version: "1", chainId: w.chainId });
    expect(proofMatchesDeclaredTypes(cert)).to.deep.equal({ ok: true });
    expect(recoverIssuer(cert)).to.equal(w.registrar.address);
    // Any change to a signed field moves the recovered address off the registrar.
    const tampered = structuredClone(cert);
    tampered.credentialSubject.encumbrances.holds = [];
    expect(recoverIssuer(tampered)).not.to.equal(w.registrar.address);
  });

  it("is rebuilt from (asset, block, created, issuer) to the same certificate hash", async function () {
    const counted = new ChainRpc(node.url);
    const rebuilt = await buildCertificate(counted, deployment, { assetId: fx.assetId, atBlock: fx.block, created, issuer: w.registrar.address });
    expect(certificateHash(rebuilt)).to.equal(certificateHash(cert));
    // Two batched round trips: the record, block and logs; then what the lists point at.
    expect(counted.httpRequests).to.equal(2);
    expect(certificateHash(rebuilt)).to.match(/^0x[0-9a-f]{64}$/);
    // Later blocks change nothing in a certificate for this block.
    await node.mine(3);
    const later = await buildCertificate(new ChainRpc(node.url), deployment, { assetId: fx.assetId, atBlock: fx.block, created: 1772352000, issuer: cert.issuer });
    expect(certificateHash(later)).to.equal(certificateHash(cert));
    // Another created time is another certificate.
    const other = await buildCertificate(rpc, deployment, { assetId: fx.assetId, atBlock: fx.block, created: "2026-03-01T08:00:01Z", issuer: w.registrar.address });
    expect(certificateHash(other)).not.to.equal(certificateHash(cert));
  });

  it("the QR payload round-trips and garbage is refused with the field named", function () {
    const p = payloadOf(cert);
    expect(p).to.deep.equal({ v: 1, k: "asset", id: fx.assetId.toString(), chainId: w.chainId, block: fx.block, created: 1772352000, iss: w.registrar.address, hash: certificateHash(cert), sig: cert.proof.proofValue });
    const text = encodeVerifyPayload(p);
    expect(text).to.match(/^[A-Za-z0-9_-]+$/);
    expect(decodeVerifyPayload(text)).to.deep.equal(p);
    const url = verifyUrl("https://portal.example/", cert);
    expect(url).to.equal(`https://portal.example/verify#cert=${text}`);
    expect(decodeVerifyPayload(url)).to.deep.equal(p);
    expect(() => decodeVerifyPayload("not base64!")).to.throw(PayloadError, /base64url/);
    expect(() => decodeVerifyPayload(Buffer.from("{\"v\":1").toString("base64url"))).to.throw(PayloadError, /JSON/);
    const wrongVersion = Buffer.from(JSON.stringify({ ...p, v: 2 })).toString("base64url");
    expect(() => decodeVerifyPayload(wrongVersion)).to.throw(PayloadError, /payload\.v:/);
    const badHash = Buffer.from(JSON.stringify({ ...p, hash: "0x12" })).toString("base64url");
    expect(() => decodeVerifyPayload(badHash)).to.throw(PayloadError, /payload\.hash: must be 32 bytes/);
    expect(() => decodeVerifyPayload("https://portal.example/verify")).to.throw(PayloadError, /#cert=/);
  });

  it("parses a certificate file strictly, naming the field that is wrong", function () {
    const json = JSON.parse(JSON.stringify(cert)) as Record<string, unknown>;
    expect(parseCertificate(json)).to.deep.equal(cert);
    const extra = structuredClone(json) as { credentialSubject: Record<string, unknown> };
    extra.credentialSubject.note = "added";
    expect(() => parseCertificate(extra)).to.throw(/credentialSubject/);
    const badAddr = structuredClone(cert);
    badAddr.credentialSubject.holder.address = fx.holder.address.toLowerCase();
    expect(() => parseCertificate(badAddr)).to.throw(/credentialSubject\.holder\.address: must be EIP-55 checksummed/);
  });

  it("any key can sign, and the signature recovers to that key, not to a registrar", async function () {
    const outsider = Wallet.createRandom();
    const unsigned = await buildCertificate(rpc, deployment, { assetId: fx.assetId, atBlock: fx.block, created, issuer: outsider.address });
    const signed = await signCertificate(unsigned, outsider);
    expect(recoverIssuer(signed)).to.equal(outsider.address);
    expect(recoverIssuer(signed)).not.to.equal(w.registrar.address);
    // The signer must be the issuer the document names.
    await signCertificate(unsigned, w.registrar).then(
      () => expect.fail("signed for another issuer"),
      (e: Error) => expect(e.message).to.match(/^issuer: the certificate names/),
    );
  });

  it("licence certificate: the licensee, the terms and the grant transaction", async function () {
    const lc = await issueLicenceCertificate(rpc, deployment, w.registrar, { licenceId: fx.licenceId, atBlock: fx.block, created });
    const s = lc.credentialSubject;
    const l = await w.ledger.licenses.licenseOf(fx.licenceId, { blockTag: fx.block });
    const granted = (await w.ledger.licenses.queryFilter(w.ledger.licenses.filters.LicenseGranted(fx.licenceId)))[0]!;
    expect(lc.type).to.deep.equal(["VerifiableCredential", "LicenceCertificate"]);
    expect(s.licensee).to.deep.include({ address: w.bob.address, memberName: "Bob Analytics Ltd." });
    expect(s.licensor).to.deep.include({ address: fx.holder.address, memberName: HOLDER_NAME });
    expect(s).to.include({ licenceId: fx.licenceId.toString(), start: Number(l.start), end: Number(l.end), state: "active", feeAmount: "100000", feeCurrency: "CNY", viaOffer: false });
    expect(s.scopeHash).to.equal(String(granted.args.terms.scopeHash));
    expect(s.anchor.grantTx).to.equal(granted.transactionHash);
    expect(s.asset.registrationNumber).to.equal(cert.credentialSubject.registrationNumber);
    expect(recoverIssuer(lc)).to.equal(w.registrar.address);
    expect(lc.validUntil).to.equal(new Date(Number(l.end) * 1000).toISOString().replace(".000Z", "Z"));
    const rebuilt = await buildLicenceCertificate(rpc, deployment, { licenceId: fx.licenceId, atBlock: fx.block, created, issuer: w.registrar.address });
    expect(certificateHash(rebuilt)).to.equal(certificateHash(lc));
  });

  it("refuses an unknown asset, a block beyond the head and another chain, each plainly", async function () {
    const head = await node.provider.getBlockNumber();
    const issuer = w.registrar.address;
    const fail = (p: Promise<unknown>) => p.then(() => expect.fail("built"), (e: unknown) => e as ChainStateError);
    const unknown = await fail(buildCertificate(rpc, deployment, { assetId: 9999, atBlock: head, created, issuer }));
    expect(unknown).to.be.instanceOf(ChainStateError);
    expect(unknown.code).to.equal("notFound");
    const beyond = await fail(buildCertificate(rpc, deployment, { assetId: fx.assetId, atBlock: head + 1000, created, issuer }));
    expect(beyond.code).to.equal("blockNotFound");
    const before = await fail(buildCertificate(rpc, deployment, { assetId: fx.assetId, atBlock: w.deployBlock + 1, created, issuer }));
    expect(before.code).to.equal("notDeployed");
    const other = await fail(buildCertificate(rpc, { ...deployment, chainId: 999 }, { assetId: fx.assetId, atBlock: head, created, issuer }));
    expect(other.code).to.equal("wrongChain");
  });

  describe("drl cert", function () {
    let dataDir: string;
    let env: NodeJS.ProcessEnv;

    before(function () {
      dataDir = path.join(dir, "drl-data");
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(path.join(dataDir, "deployment.json"), readFileSync(w.deploymentFile));
      writeFileSync(path.join(dataDir, "endpoints.json"), JSON.stringify({ rpcUrl: node.url, apiUrl: "http://127.0.0.1:9", chainId: w.chainId, local: true }));
      env = { DRL_DATA_DIR: dataDir, DRL_RPC_URL: node.url, DRL_API_URL: "http://127.0.0.1:9", DRL_PRIVATE_KEY: "", DRL_PORTAL_URL: "" };
    });

    it("writes cert.json signed by the registrar, the PDF, and --anchor deposits its hash", async function () {
      const out = path.join(dir, "cli", "cert.json");
      const pdf = path.join(dir, "cli", "cert.pdf");
      const r = await runCli(["cert", fx.assetId.toString(), "--at-block", String(fx.block), "--out", out, "--pdf", pdf, "--anchor", "--as", "registrar", "--portal", "https://portal.example", "--json"], { env });
      expect(r.code, r.stderr).to.equal(0);
      const printed = JSON.parse(r.stdout) as { certificateHash: string; verifyUrl: string; anchor: { txHash: string; blockNumber: number }; atBlock: number };
      const onDisk = parseCertificate(JSON.parse(readFileSync(out, "utf8"))) as DataRightsCertificate;
      expect(recoverIssuer(onDisk)).to.equal(w.registrar.address);
      expect(printed.atBlock).to.equal(fx.block);
      expect(printed.certificateHash).to.equal(certificateHash(onDisk));
      // Same chain state as the SDK's certificate; only the created time differs.
      expect(onDisk.credentialSubject).to.deep.equal(cert.credentialSubject);
      expect(decodeVerifyPayload(printed.verifyUrl)).to.deep.equal(payloadOf(onDisk));
      expect(printed.verifyUrl.startsWith("https://portal.example/verify#cert=")).to.equal(true);
      expect(readFileSync(pdf).subarray(0, 5).toString("latin1")).to.equal("%PDF-");
      const anchor = await w.ledger.evidence.anchorOf(w.registrar.address, printed.certificateHash);
      expect(anchor.anchoredAt).to.be.greaterThan(0n);
      expect(anchor.itemCount).to.equal(1n);
      expect(anchor.revoked).to.equal(false);
      // Nobody else deposited it.
      expect((await w.ledger.evidence.anchorOf(fx.holder.address, printed.certificateHash)).anchoredAt).to.equal(0n);
    });

    it("a licence certificate with --licence", async function () {
      const out = path.join(dir, "cli", "licence.json");
      const r = await runCli(["cert", fx.assetId.toString(), "--licence", fx.licenceId.toString(), "--at-block", String(fx.block), "--out", out, "--as", "registrar", "--json"], { env });
      expect(r.code, r.stderr).to.equal(0);
      const lc = parseCertificate(JSON.parse(readFileSync(out, "utf8")));
      expect(lc.type[1]).to.equal("LicenceCertificate");
      expect(recoverIssuer(lc)).to.equal(w.registrar.address);
    });

    it("refuses a signer that is not a registrar (exit 2), and writes nothing", async function () {
      const out = path.join(dir, "cli", "outsider.json");
      // holder5 is dev account 11: the world's outsider, no role at all.
      const r = await runCli(["cert", fx.assetId.toString(), "--out", out, "--as", "holder5"], { env });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/did not hold the REGISTRAR role at block \d+/);
      expect(r.stderr).not.to.match(/\n\s+at /);
      expect(() => readFileSync(out)).to.throw();
    });

    it("bad input is exit 2 naming the flag: a block beyond the head, a malformed block, an unknown asset", async function () {
      const out = path.join(dir, "cli", "bad.json");
      const beyond = await runCli(["cert", fx.assetId.toString(), "--at-block", "99999999", "--out", out, "--as", "registrar"], { env });
      expect(beyond.code).to.equal(2);
      expect(beyond.stderr).to.match(/--at-block: block 99999999 is beyond the chain's head/);
      const junk = await runCli(["cert", fx.assetId.toString(), "--at-block", "12x", "--out", out, "--as", "registrar"], { env });
      expect(junk.code).to.equal(2);
      expect(junk.stderr).to.match(/--at-block: must be a block number/);
      const unknown = await runCli(["cert", "424242", "--out", out, "--as", "registrar"], { env });
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.match(/<ref>: there is no asset 424242/);
      const licence = await runCli(["cert", fx.assetId.toString(), "--licence", "424242", "--out", out, "--as", "registrar"], { env });
      expect(licence.code).to.equal(2);
      expect(licence.stderr).to.match(/--licence: licence 424242 does not exist/);
      expect(() => readFileSync(out)).to.throw();
    });

    it("a node that does not answer is exit 3, in one line", async function () {
      const out = path.join(dir, "cli", "down.json");
      const r = await runCli(["cert", fx.assetId.toString(), "--out", out, "--as", "registrar"], { env: { ...env, DRL_RPC_URL: "http://127.0.0.1:9" } });
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr.trim().split("\n")).to.have.length(1);
    });
  });

  describe("GET /v1/assets/:ref/certificate (unsigned preview)", function () {
    let server: TestServer;
    let base: string;
    let httpServer: http.Server;

    before(async function () {
      server = await startTestServer(node.url, w.deploymentFile);
      await server.caughtUp();
      const status = () => server.indexer.status;
      const ctx: ApiContext = {
        store: server.store,
        deployment: server.deployment,
        status,
        rpc: new RpcClient({ url: node.url, timeoutMs: 5_000 }),
        metrics: createMetrics(status, false),
        confirmations: 0,
        limits: { ratePerMinute: 0, confirmRatePerMinute: 0 },
        extend: (app) => app.use("/v1", certificateRoutes(ctx)),
      };
      httpServer = await new Promise<http.Server>((resolve) => {
        const s = createApp(ctx).listen(0, "127.0.0.1", () => resolve(s));
      });
      base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    });

    after(async function () {
      await new Promise<void>((r) => (httpServer ? httpServer.close(() => r()) : r()));
      await server?.destroy();
    });

    it("answers the same document drl cert signs, without proof", async function () {
      const res = await fetch(`${base}/v1/assets/${fx.assetId}/certificate?atBlock=${fx.block}&issuer=${w.registrar.address}&created=${created}`);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).not.to.have.property("proof");
      expect(body["@context"]).to.deep.equal(cert["@context"]);
      const { proof: _p, ...unsigned } = cert;
      expect(body).to.deep.equal(JSON.parse(JSON.stringify(unsigned)));
      expect(certificateHash(body as never)).to.equal(certificateHash(cert));
      // By registration number too.
      const byNumber = await fetch(`${base}/v1/assets/${cert.credentialSubject.registrationNumber}/certificate?atBlock=${fx.block}`);
      expect(byNumber.status).to.equal(200);
      expect(((await byNumber.json()) as { credentialSubject: { tokenId: string } }).credentialSubject.tokenId).to.equal(fx.assetId.toString());
    });

    it("format=pdf renders the preview", async function () {
      const res = await fetch(`${base}/v1/assets/${fx.assetId}/certificate?atBlock=${fx.block}&format=pdf`);
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.contain("application/pdf");
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    });

    it("404 for an unknown ref, 400 for a bad atBlock, 409 beyond the head", async function () {
      const unknown = await fetch(`${base}/v1/assets/987654/certificate`);
      expect(unknown.status).to.equal(404);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).to.equal("not_found");
      for (const bad of ["abc", "-1", "1.5"]) {
        const r = await fetch(`${base}/v1/assets/${fx.assetId}/certificate?atBlock=${bad}`);
        expect(r.status, bad).to.equal(400);
        expect(((await r.json()) as { error: { field: string } }).error.field).to.equal("atBlock");
      }
      const format = await fetch(`${base}/v1/assets/${fx.assetId}/certificate?format=docx`);
      expect(format.status).to.equal(400);
      const beyond = await fetch(`${base}/v1/assets/${fx.assetId}/certificate?atBlock=99999999`);
      expect(beyond.status).to.equal(409);
      const err = ((await beyond.json()) as { error: { code: string; field: string; message: string } }).error;
      expect(err).to.include({ code: "beyond_head", field: "atBlock" });
      expect(err.message).to.match(/beyond the chain's head/);
    });
  });

  describe("ChainRpc: failover, batching, unavailability", function () {
    const servers: http.Server[] = [];
    async function fake(handler: http.RequestListener): Promise<string> {
      const s = http.createServer(handler);
      await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
      servers.push(s);
      return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    }
    after(async function () {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
    });

    it("fails over from a dead, a 429 and a 500 url to the node, and counts calls and requests", async function () {
      const dead = await fake((req) => req.socket.destroy());
      const limited = await fake((_req, res) => res.writeHead(429).end("slow down"));
      const broken = await fake((_req, res) => res.writeHead(500).end("oops"));
      const r = new ChainRpc([dead, limited, broken, node.url], { timeoutMs: 2_000 });
      expect(await r.chainId()).to.equal(w.chainId);
      expect(r.callCount).to.equal(4);
      expect(r.httpRequests).to.equal(4);
      // The url that answered stays first.
      r.resetCounters();
      const [id, head] = await r.batch([{ method: "eth_chainId", params: [] }, { method: "eth_blockNumber", params: [] }]);
      expect(Number(id)).to.equal(w.chainId);
      expect(Number(head)).to.be.greaterThan(0);
      expect([r.callCount, r.httpRequests]).to.deep.equal([2, 1]);
    });

    it("no url answering is ChainUnavailableError (network, rateLimited, timeout), with keys redacted", async function () {
      const limited = await fake((_req, res) => res.writeHead(429).end());
      const hang = await fake(() => undefined);
      const e1 = await new ChainRpc(`${limited}/v3/abcdefghijklmnopqrstuvwxyz123456`).chainId().catch((e: unknown) => e);
      expect(e1).to.be.instanceOf(ChainUnavailableError);
      expect((e1 as ChainUnavailableError).kind).to.equal("rateLimited");
      expect((e1 as Error).message).not.to.contain("abcdefghijklmnopqrstuvwxyz123456");
      const e2 = await new ChainRpc(hang, { timeoutMs: 300 }).chainId().catch((e: unknown) => e);
      expect((e2 as ChainUnavailableError).kind).to.equal("timeout");
      const closed = await fake(() => undefined);
      const port = new URL(closed).port;
      const s = servers.pop()!;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
      const e3 = await new ChainRpc(`http://127.0.0.1:${port}`).chainId().catch((e: unknown) => e);
      expect((e3 as ChainUnavailableError).kind).to.equal("network");
    });

    it("a revert is the node's answer (RpcCallError), not unavailability", async function () {
      const r = new ChainRpc(node.url);
      // registrationNumber of an unknown asset reverts AssetNotRegistered.
      const data = w.ledger.registry.interface.encodeFunctionData("registrationNumber", [424242n]);
      const e = await r.request("eth_call", [{ to: w.addresses.registry, data }, "latest"]).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(RpcCallError);
      expect(e).not.to.be.instanceOf(ChainUnavailableError);
    });
  });
});
