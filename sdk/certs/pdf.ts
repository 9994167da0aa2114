/**
 * The PDF of a certificate: A4, every field of the document (subject, anchor, status entry,
 * proof), Chinese names in the CJK font of sdk/pdf/font.ts (parsed once per process), and a QR
 * code of the portal verify URL (payload.ts), from which the portal rebuilds the signed
 * certificate from the chain without the JSON file. An unsigned preview has no signature, so
 * it carries no QR code and says so across its top.
 */
import { ZeroAddress, ZeroHash } from "ethers";
import { PdfLayout, type Row } from "../pdf/layout";
import { certificateHash } from "./canonical";
import {
  isDataRightsCertificate,
  type Anchor,
  type Certificate,
  type Encumbrances,
  type LicenceAnchor,
  type Party,
  type UnsignedCertificate,
  type UnsignedDataRightsCertificate,
  type UnsignedLicenceCertificate,
} from "./schema";

export interface CertificatePdfOptions {
  /** The portal verify URL the QR code holds (payload.ts verifyUrl); required for a signed certificate. */
  verifyUrl?: string;
  /** The PDF's own creation time (defaults to the certificate's validFrom, so output is reproducible). */
  created?: Date;
}

export class CertificatePdfError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = "CertificatePdfError";
  }
}

// ─── Words for the enums (Chinese as the registries print them, then the API's value) ─────

const ZH: Record<string, string> = {
  holding: "数据资源持有权",
  processing: "数据加工使用权",
  operation: "数据产品经营权",
  resource: "数据资源",
  product: "数据产品",
  none: "无",
  dataset: "数据集",
  report: "数据报告",
  api: "数据接口",
  model: "数据模型",
  index: "数据指数",
  public: "公共数据",
  enterprise: "企业数据",
  personal: "个人数据",
  general: "一般数据",
  important: "重要数据",
  core: "核心数据",
  selfCollected: "自行采集",
  licensed: "授权取得",
  purchased: "购买取得",
  publicAuthorisation: "公共数据授权运营",
  derived: "源自已登记资产",
  deIdentified: "已去标识化",
  anonymised: "已匿名化",
  applied: "已申请",
  publicity: "公示中",
  registered: "已登记",
  refused: "已驳回",
  cancelled: "已注销",
  active: "有效",
  suspended: "暂停",
  retired: "已退出",
  notStarted: "未开始",
  expired: "已到期",
  revoked: "已撤销",
  ended: "已终止",
  assetNotRegistered: "资产未登记",
  parentEnded: "上级许可终止",
  domestic: "境内",
  crossBorder: "跨境",
  registration: "首次登记",
  listing: "首次挂牌",
  trade: "首次交易",
  financialStatements: "首次入表",
  opening: "首次开放",
  financing: "首次融资创新",
  cost: "成本法",
  market: "市场法",
  income: "收益法",
  proposed: "已提议",
  released: "已解除",
  enforced: "已实现",
  withdrawn: "已撤回",
  discharged: "已清偿",
};

const word = (v: string): string => (ZH[v] ? `${ZH[v]} ${v}` : v);
const yesNo = (b: boolean): string => (b ? "是 yes" : "否 no");
const list = (xs: readonly string[]): string => (xs.length === 0 ? "无 none" : xs.join(", "));
const hash = (h: string): string => (h === ZeroHash ? "无 none (zero hash)" : h);
const addr = (a: string): string => (a === ZeroAddress ? "无 none (zero address)" : a);

function time(unix: number): string {
  if (unix === 0) return "无 none";
  const iso = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "");
  return `${iso(unix * 1000)} UTC (${iso((unix + 8 * 3600) * 1000)} 北京时间)`;
}

function party(p: Party): string {
  return `${p.memberName === "" ? "(not a member)" : p.memberName}\n${p.address}\norg-id hash ${hash(p.orgIdHash)} · member ${word(p.memberStatus)}`;
}

function money(amount: string, currency: string): string {
  return currency === "" ? amount : `${amount} ${currency} (minor units)`;
}

// ─── Sections shared by both kinds ───────────────────────────────────────────────────────

function encumbranceRows(e: Encumbrances): Row[] {
  const rows: Row[] = [];
  if (e.pledges.length === 0) rows.push({ label: "质押 Pledges", value: "无 none" });
  for (const p of e.pledges)
    rows.push({
      label: `质押 Pledge #${p.pledgeId}`,
      value: `${word(p.status)} · pledgor ${p.pledgor} → pledgee ${p.pledgee}\nsecured ${money(p.securedAmount, p.currency)} · due ${time(p.dueDate)}\nregistry reference hash ${hash(p.registryRefHash)}`,
    });
  if (e.objections.length === 0) rows.push({ label: "异议 Admitted objections", value: "无 none" });
  for (const o of e.objections) rows.push({ label: `异议 Objection #${o.objectionId}`, value: `claimant ${o.claimant} · filed ${time(o.filedAt)}\nevidence hash ${hash(o.evidenceHash)}` });
  if (e.holds.length === 0) rows.push({ label: "司法冻结 Court holds", value: "无 none" });
  for (const h of e.holds) rows.push({ label: "司法冻结 Court hold", value: `court ${h.court}\ncase hash ${h.caseHash}`, strong: true });
  return rows;
}

function anchorRows(a: Anchor | LicenceAnchor): Row[] {
  const rows: Row[] = [
    { label: "链 Chain id", value: String(a.chainId) },
    { label: "区块 Block number", value: String(a.blockNumber) },
    { label: "区块哈希 Block hash", value: a.blockHash },
    { label: "区块时间 Block time", value: time(a.blockTime) },
    { label: "申请交易 Registration tx", value: a.registrationTx },
    { label: "确权交易 Confirmation tx", value: a.confirmationTx },
    { label: "持有人变更交易 Latest holder change tx", value: a.holderChangeTx },
  ];
  if ("grantTx" in a) rows.push({ label: "许可交易 Licence grant tx", value: a.grantTx });
  rows.push({
    label: "合约 Contracts",
    value: Object.entries(a.contracts)
      .map(([k, v]) => `${k} ${v}`)
      .join("\n"),
  });
  return rows;
}

function proofRows(cert: Certificate | UnsignedCertificate): Row[] {
  const rows: Row[] = [
    { label: "签发人 Issuer", value: cert.issuer },
    { label: "证书哈希 Certificate hash", value: `${certificateHash(cert)}\n(keccak256 of the JCS document without proof.proofValue)` },
  ];
  if (!("proof" in cert)) {
    rows.push({ label: "签名 Proof", value: "未签名 UNSIGNED PREVIEW: no signature, not a certificate", strong: true });
    return rows;
  }
  const p = cert.proof;
  const types = Object.entries(p.eip712.types)
    .map(([name, fields]) => `${name} (${fields.length})`)
    .join(", ");
  rows.push(
    { label: "签名类型 Proof type", value: `${p.type} · ${p.proofPurpose}` },
    { label: "签名时间 Created", value: p.created },
    { label: "验证方法 Verification method", value: p.verificationMethod },
    { label: "签名值 Proof value", value: p.proofValue },
    { label: "EIP-712 domain", value: `${p.eip712.domain.name} · version ${p.eip712.domain.version} · chainId ${p.eip712.domain.chainId}` },
    { label: "EIP-712 primary type", value: p.eip712.primaryType },
    { label: "EIP-712 types (fields)", value: `${types}\n(the fixed declared types: sdk/certs/eip712.ts; full list in the JSON)` },
  );
  return rows;
}

function statusRows(cert: UnsignedCertificate): Row[] {
  const s = cert.credentialStatus;
  const rows: Row[] = [
    { label: "状态条目 Status entry", value: `${s.id}\n${s.type}` },
    { label: "链 / 登记合约 Chain / registry", value: `${s.chainId} · ${s.registry}` },
  ];
  if ("licenceId" in s) rows.push({ label: "许可 / 资产 Licence / asset", value: `licence ${s.licenceId} · asset ${s.assetId}` });
  else rows.push({ label: "资产 Asset id", value: s.assetId });
  rows.push({ label: "锚定区块 Anchor block", value: `${s.anchorBlock} (resolved against the chain: no hosted status list)` });
  return rows;
}

// ─── The two kinds ───────────────────────────────────────────────────────────────────────

function assetBody(pdf: PdfLayout, cert: UnsignedDataRightsCertificate, qrInset: number): void {
  const s = cert.credentialSubject;
  pdf.rows(
    [
      { label: "登记编号 Registration number", value: s.registrationNumber, strong: true },
      { label: "数据名称 Name", value: s.name },
      { label: "持有人 Holder", value: party(s.holder) },
      { label: "权利 Rights held", value: s.rights.map(word).join("\n") },
      { label: "登记状态 Status", value: `${word(s.state.status)}${s.validity.expired ? " · 已到期 expired" : ""}${s.state.frozen ? " · 已冻结 frozen" : ""}` },
      { label: "有效期至 Valid until", value: time(s.validity.validUntil) },
    ],
    { size: 9.5, labelWidth: 150, rightInset: qrInset },
  );

  pdf.section("登记信息 Registration");
  pdf.rows([
    { label: "证书编号 Certificate id", value: cert.id },
    { label: "资产标识 Subject id", value: `${s.id} (${s.type})` },
    { label: "通证编号 Token id", value: s.tokenId },
    { label: "类型 Kind / form", value: `${word(s.kind)} · ${word(s.productForm)}` },
    { label: "数据类别 Category", value: word(s.category) },
    { label: "分级 Security grade", value: word(s.grade) },
    { label: "数据来源 Source", value: word(s.sourceType) },
    { label: "个人信息 Personal information", value: word(s.personalInfo) },
    { label: "存证哈希 Content hash", value: s.contentHash },
    { label: "来源证明哈希 Source evidence hash", value: hash(s.sourceEvidenceHash) },
    { label: "元数据哈希 Metadata hash", value: `${hash(s.metadataHash)} (version ${s.metadataVersion})` },
    { label: "上级资产 Parents", value: list(s.parents) },
    { label: "上级许可 Parent licences", value: list(s.parentLicences) },
  ]);

  pdf.section("有效期与状态 Validity and status");
  pdf.rows([
    { label: "证书有效 Certificate valid", value: `from ${cert.validFrom} until ${cert.validUntil}` },
    { label: "申请 Applied", value: time(s.validity.appliedAt) },
    { label: "公示截止 Publicity ends", value: time(s.validity.publicityEnd) },
    { label: "确权 Confirmed", value: time(s.validity.confirmedAt) },
    { label: "有效期至 Valid until", value: `${time(s.validity.validUntil)} · expired: ${yesNo(s.validity.expired)}` },
    { label: "状态 Status", value: word(s.state.status) },
    { label: "冻结 / 质押 / 争议", value: `frozen ${yesNo(s.state.frozen)} · pledged ${yesNo(s.state.pledged)} · disputed ${yesNo(s.state.disputed)}` },
    { label: "未决异议 Objections open", value: yesNo(s.state.objectionsOpen) },
    { label: "有效许可数 Open licences", value: String(s.state.openLicences) },
  ]);

  pdf.section("有效许可 Active licences");
  pdf.rows(
    s.licences.length === 0
      ? [{ label: "许可 Licences", value: "无 none in force at the anchor block" }]
      : s.licences.map((l) => ({
          label: `许可 Licence #${l.licenceId}`,
          value: `${word(l.state)} · ${l.rights.map(word).join(", ")} · ${word(l.territory)}\nlicensee ${l.licensee} · licensor ${l.licensor}${l.parentId !== "0" ? ` · parent #${l.parentId}` : ""}\n${time(l.start)} → ${time(l.end)}\nsublicensable ${yesNo(l.sublicensable)} · revocable ${yesNo(l.revocable)}`,
        })),
  );

  pdf.section("首次记录 Firsts");
  pdf.rows(
    s.firsts.length === 0
      ? [{ label: "首次 Firsts", value: "无 none" }]
      : s.firsts.map((f) => ({
          label: word(f.kind),
          value: `${time(f.at)}${f.annulled ? " · 已撤销 ANNULLED" : ""}\nattester ${f.attester} · for ${f.enterprise}\nevidence ${hash(f.evidenceHash)}${f.kind === "financialStatements" ? ` · ${f.detail === 0 ? "存货 inventory" : "无形资产 intangible asset"}` : ""}`,
        })),
  );

  pdf.section("估值 Valuations");
  pdf.rows(
    s.valuations.length === 0
      ? [{ label: "估值 Valuations", value: "无 none" }]
      : s.valuations.map((v) => ({
          label: `估值 Valuation #${v.valuationId}`,
          value: `${money(v.value, v.currency)} · ${word(v.method)} · dated ${time(v.valuationDate)}\nevaluator ${v.evaluator} · report ${hash(v.reportHash)}`,
        })),
  );

  pdf.section("权利负担 Encumbrances");
  pdf.rows(encumbranceRows(s.encumbrances));

  pdf.section("链上锚定 Anchor");
  pdf.rows(anchorRows(s.anchor));
}

function licenceBody(pdf: PdfLayout, cert: UnsignedLicenceCertificate, qrInset: number): void {
  const s = cert.credentialSubject;
  pdf.rows(
    [
      { label: "许可编号 Licence id", value: s.licenceId, strong: true },
      { label: "被许可人 Licensee", value: party(s.licensee) },
      { label: "资产 Asset", value: `${s.asset.registrationNumber}\n${s.asset.name}` },
      { label: "许可权利 Rights licensed", value: s.rights.map(word).join("\n") },
      { label: "许可状态 State", value: word(s.state) },
      { label: "期限 Term", value: `${time(s.start)}\n→ ${time(s.end)}` },
    ],
    { size: 9.5, labelWidth: 150, rightInset: qrInset },
  );

  pdf.section("许可信息 Licence");
  pdf.rows([
    { label: "证书编号 Certificate id", value: cert.id },
    { label: "许可标识 Subject id", value: `${s.id} (${s.type})` },
    { label: "许可人 Licensor", value: party(s.licensor) },
    { label: "上级许可 Parent licence", value: s.parentId === "0" ? "无 none (granted by the holder)" : `#${s.parentId} (depth ${s.depth})` },
    { label: "地域 Territory", value: word(s.territory) },
    { label: "可转许可 / 可撤销", value: `sublicensable ${yesNo(s.sublicensable)} · revocable ${yesNo(s.revocable)}` },
    { label: "范围哈希 Scope hash", value: hash(s.scopeHash) },
    { label: "条款哈希 Terms hash", value: hash(s.termsHash) },
    { label: "许可费 Fee", value: s.feeAmount === "0" && s.feeCurrency === "" ? "无 none" : money(s.feeAmount, s.feeCurrency) },
    { label: "要约签发 Via signed offer", value: yesNo(s.viaOffer) },
    { label: "证书有效 Certificate valid", value: `from ${cert.validFrom} until ${cert.validUntil}` },
  ]);

  const a = s.asset;
  pdf.section("许可资产 Licensed asset");
  pdf.rows([
    { label: "资产 Asset id / number", value: `${a.assetId} · ${a.registrationNumber}` },
    { label: "数据名称 Name", value: a.name },
    { label: "存证哈希 Content hash", value: a.contentHash },
    { label: "资产权利 Asset rights", value: a.rights.map(word).join(", ") },
    { label: "持有人 Holder", value: party(a.holder) },
    { label: "有效期至 Valid until", value: time(a.validUntil) },
    { label: "状态 Status", value: `${word(a.state.status)} · frozen ${yesNo(a.state.frozen)} · pledged ${yesNo(a.state.pledged)} · disputed ${yesNo(a.state.disputed)}` },
    { label: "未决异议 / 有效许可", value: `objections open ${yesNo(a.state.objectionsOpen)} · open licences ${a.state.openLicences}` },
  ]);
  pdf.section("权利负担 Encumbrances of the asset");
  pdf.rows(encumbranceRows(a.encumbrances));

  pdf.section("链上锚定 Anchor");
  pdf.rows(anchorRows(s.anchor));
}

/** Renders a certificate (or an unsigned preview) as an A4 PDF. */
export async function renderCertificatePdf(cert: Certificate | UnsignedCertificate, opts: CertificatePdfOptions = {}): Promise<Buffer> {
  const signed = "proof" in cert;
  if (signed && opts.verifyUrl === undefined) throw new CertificatePdfError("verifyUrl", "a signed certificate's PDF needs the portal verify URL for its QR code (payload.ts verifyUrl)");
  const asset = isDataRightsCertificate(cert);
  const subject = cert.credentialSubject;
  const number = asset ? (subject as UnsignedDataRightsCertificate["credentialSubject"]).registrationNumber : `licence ${(subject as UnsignedLicenceCertificate["credentialSubject"]).licenceId}`;
  const pdf = await PdfLayout.open({
    title: `${asset ? "数据资产登记证书" : "数据许可证书"} ${number}`,
    subject: cert.id,
    keywords: `${number}, ${cert.id}`,
    created: opts.created ?? new Date(cert.validFrom),
  });
  pdf.title(
    asset ? "数据资产登记证书" : "数据许可证书",
    asset ? "Data Rights Certificate" : "Licence Certificate",
    signed ? `W3C Verifiable Credential · EIP-712 signed by the registrar · ${cert.id}` : "未签名预览 UNSIGNED PREVIEW — not a certificate, no signature, no QR code",
  );

  // The QR code sits to the right of the headline rows.
  const qrSize = 148;
  const top = pdf.y;
  if (opts.verifyUrl !== undefined) {
    await pdf.qr(opts.verifyUrl, { x: pdf.right - qrSize, y: top, size: qrSize, caption: "扫码核验 Scan to verify against the chain" });
  }
  const inset = opts.verifyUrl !== undefined ? qrSize + 12 : 0;
  if (asset) assetBody(pdf, cert, inset);
  else licenceBody(pdf, cert as UnsignedLicenceCertificate, inset);

  pdf.section("证书状态 Credential status");
  pdf.rows(statusRows(cert));
  pdf.section("签发与签名 Issuer and proof");
  pdf.rows(proofRows(cert));

  pdf.section("如何核验 How to verify");
  pdf.note(
    [
      "Scan the QR code: the portal rebuilds this certificate from the chain at the anchor block and checks its hash and signature, without this file and without the issuer's servers.",
      "Or, with the JSON: drl verify cert.json [--data <the dataset>] [--rpc <your own node>]. The checks: well formed, signature recovers to the issuer, the issuer held the registrar role at the anchor block, the anchor block hash, the claimed state field by field, the data's fingerprint, and what changed since.",
      ...(opts.verifyUrl !== undefined ? [`Verify URL: ${opts.verifyUrl}`] : []),
    ].join("\n"),
    { size: 7.5 },
  );
  return pdf.finish(`${asset ? "数据资产登记证书" : "数据许可证书"} ${number} · ${cert.id}`);
}
