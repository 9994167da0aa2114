/**
 * The certificate PDF (issue 11): a real certificate issued on Anvil for an asset whose holder's
 * member name is Chinese, rendered to A4. Poppler reads it back: pdftotext finds the holder's
 * Chinese name and the registration number (the CJK font embeds with a ToUnicode map), pdftoppm
 * renders a page that is not blank, and the QR code on it decodes (jsqr) to exactly the portal
 * verify URL, whose payload names the asset, anchor block, created, hash and signature.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { id as ethersId } from "ethers";
import type { AnvilNode } from "./helpers/anvil";
import { firstEvent, mined, registerOnAnvil, startAnvilWorld, type AnvilWorld } from "./helpers/anvil-world";
import { CNY, DAY, Jurisdiction, MemberType, Rights, applicationAt, h, termsFor } from "./helpers/fixture";
import { loadDeployment, type Deployment } from "../sdk/ledger/deployment";
import { ChainRpc, buildCertificate, decodeVerifyPayload, issueCertificate, payloadOf, verifyUrl, type DataRightsCertificate } from "../sdk/certs";
import { CertificatePdfError, renderCertificatePdf } from "../sdk/certs/pdf";

const HOLDER_NAME = "深圳前海数据服务有限公司";
const ASSET_NAME = "粤港澳大湾区物流指数 GBA logistics index";
const PORTAL = "https://portal.example.org";

function hasTool(tool: string): boolean {
  return spawnSync(tool, ["-v"], { stdio: "ignore" }).error === undefined;
}

function pdfText(file: string): string {
  return execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
}

/** Page 1 at `dpi` as a decoded PNG. */
function pagePng(file: string, dpi: number, dir: string): PNG {
  const prefix = path.join(dir, `page-${dpi}`);
  execFileSync("pdftoppm", ["-png", "-r", String(dpi), "-f", "1", "-l", "1", "-singlefile", file, prefix]);
  return PNG.sync.read(readFileSync(`${prefix}.png`));
}

function nonWhiteShare(png: PNG): number {
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const lum = 0.299 * (png.data[i] ?? 255) + 0.587 * (png.data[i + 1] ?? 255) + 0.114 * (png.data[i + 2] ?? 255);
    if (lum < 200) dark++;
  }
  return dark / (png.width * png.height);
}

describe("SDK certificates: PDF", function () {
  this.timeout(120_000);
  let node: AnvilNode;
  let w: AnvilWorld;
  let dir: string;
  let deployment: Deployment;
  let rpc: ChainRpc;
  let assetId: bigint;
  let cert: DataRightsCertificate;
  let url: string;
  let pdfFile: string;
  const tools = hasTool("pdftotext") && hasTool("pdftoppm");

  before(async function () {
    if (!tools) {
      console.log("    (skipped: pdftotext/pdftoppm from poppler-utils are not installed)");
      this.skip();
    }
    dir = mkdtempSync(path.join(tmpdir(), "drl-cert-pdf-"));
    ({ node, w } = await startAnvilWorld(path.join(dir, "deployment.json")));
    deployment = loadDeployment(w.deploymentFile);
    const holder = w.spare[2]!;
    await mined(node, await w.ledger.members.connect(w.registrar).admit(holder.address, ethersId(`USCC:${HOLDER_NAME}`), HOLDER_NAME, MemberType.Enterprise, Jurisdiction.Domestic));
    const now = await node.timestamp();
    assetId = await registerOnAnvil(w, holder, applicationAt(now, { name: ASSET_NAME, contentHash: h("gba-index") }));
    // A licence, a valuation and a court hold, so those sections have rows.
    const t = await node.timestamp();
    const grant = await mined(node, await w.ledger.licenses.connect(holder).grant(assetId, termsFor(w.bob.address, { start: t, end: t + 100 * DAY, rights: Rights.PROCESSING })));
    expect(firstEvent(grant, w.ledger.licenses.interface, w.addresses.licenses, "LicenseGranted").licenseId).to.be.a("bigint");
    await mined(node, await w.ledger.valuations.connect(w.evaluator).record(assetId, 1, 8_800_000n, CNY, t - DAY, h("valuation")));
    await mined(node, await w.ledger.disputes.connect(w.court).freeze(assetId, h("案件 (2026) 粤0391民初1号")));
    rpc = new ChainRpc(node.url);
    cert = await issueCertificate(rpc, deployment, w.registrar, { assetId });
    url = verifyUrl(PORTAL, cert);
    pdfFile = path.join(dir, "cert.pdf");
    writeFileSync(pdfFile, await renderCertificatePdf(cert, { verifyUrl: url }));
  });

  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is an A4 PDF whose text holds the holder's Chinese name and the registration number", () => {
    const bytes = readFileSync(pdfFile);
    expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    const info = execFileSync("pdfinfo", [pdfFile], { encoding: "utf8" });
    expect(info).to.match(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const text = pdfText(pdfFile);
    const s = cert.credentialSubject;
    expect(s.holder.memberName).to.equal(HOLDER_NAME);
    expect(text).to.include(HOLDER_NAME);
    expect(text).to.include(s.registrationNumber);
    expect(text).to.include("粤港澳大湾区物流指数");
    // Every part of the document is there: subject, anchor, status entry and proof.
    for (const v of [s.contentHash, s.anchor.blockHash, s.anchor.registrationTx, s.anchor.holderChangeTx, cert.credentialStatus.id, cert.issuer, s.encumbrances.holds[0]?.caseHash ?? "no hold"]) {
      expect(text.replace(/\s+/g, ""), v).to.include(v);
    }
    expect(text).to.include("数据加工使用权");
    expect(text).to.match(/Licence #\d+/);
  });

  it("renders a page that is not blank", () => {
    const png = pagePng(pdfFile, 50, dir);
    expect(png.width).to.be.within(400, 420); // 8.27 in at 50 dpi
    const share = nonWhiteShare(png);
    expect(share, "share of non-white pixels").to.be.greaterThan(0.04);
    expect(share).to.be.lessThan(0.6);
  });

  it("has a QR code that decodes to exactly the verify URL, and the payload names the certificate", () => {
    const png = pagePng(pdfFile, 200, dir);
    const found = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    expect(found, "a QR code on page 1").to.not.equal(null);
    expect(found?.data).to.equal(url);
    const p = decodeVerifyPayload(found?.data ?? "");
    expect(p).to.deep.equal(payloadOf(cert));
    expect(p).to.include({ k: "asset", id: assetId.toString(), block: cert.credentialSubject.anchor.blockNumber, sig: cert.proof.proofValue });
  });

  it("an unsigned preview says so and has no QR code; a signed certificate needs its verify URL", async () => {
    const block = await node.provider.getBlockNumber();
    const preview = await buildCertificate(rpc, deployment, { assetId, atBlock: block, issuer: w.registrar.address, created: await node.timestamp() });
    const file = path.join(dir, "preview.pdf");
    writeFileSync(file, await renderCertificatePdf(preview));
    expect(pdfText(file)).to.include("UNSIGNED PREVIEW");
    const png = pagePng(file, 100, dir);
    expect(jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)).to.equal(null);
    let error: unknown;
    try {
      await renderCertificatePdf(cert);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(CertificatePdfError);
    expect((error as CertificatePdfError).field).to.equal("verifyUrl");
  });

  it("issues JSON + PDF repeatedly (medians reported, font parsed once per process)", async () => {
    const total: number[] = [];
    const render: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const c = await issueCertificate(rpc, deployment, w.registrar, { assetId });
      const t1 = performance.now();
      const bytes = await renderCertificatePdf(c, { verifyUrl: verifyUrl(PORTAL, c) });
      const t2 = performance.now();
      total.push(t2 - t0);
      render.push(t2 - t1);
      expect(bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]?.toFixed(0);
    console.log(`      issue JSON + PDF: median ${median(total)} ms (PDF alone ${median(render)} ms) over ${total.length}`);
  });
});
