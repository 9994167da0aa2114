/**
 * The one-page deposit report (存证报告) of an evidence file, laid out the way internet courts'
 * evidence platforms print theirs: the verdict first, then the deposit (number, file, SHA-256),
 * the on-chain record (root, anchorer and member name, transaction, block, block time in UTC
 * and Beijing time), the revocation, the reasons, and how anyone can check it without us.
 */
import { PdfLayout, type Row } from "../pdf/layout";
import type { ChainMoment, CourtEvidence } from "./court";

function when(m: ChainMoment): string {
  return `${m.timeUtc.replace("T", " ").replace("Z", "")} UTC\n${m.timeBeijing.replace("T", " ").replace("+08:00", "")} 北京时间 (UTC+8)`;
}

function verdict(a: CourtEvidence): { zh: string; en: string } {
  if (!a.deposited) return { zh: "未存证", en: "NOT DEPOSITED: this file is not the deposited item, or the deposit is not on this chain" };
  if (a.revoked) return { zh: "已存证，已撤销", en: "DEPOSITED, LATER REVOKED by the depositor" };
  if (!a.valid) return { zh: "已存证，记录不一致", en: "DEPOSITED, but the proof file disagrees with the chain (see the reasons)" };
  return { zh: "已存证，未撤销", en: "DEPOSITED and not revoked" };
}

/** Renders the deposit report of a court-form answer (courtVerifyEvidence) as a one-page A4 PDF. */
export async function renderEvidenceReportPdf(a: CourtEvidence, opts: { created?: Date } = {}): Promise<Buffer> {
  const created = opts.created ?? new Date();
  const pdf = await PdfLayout.open({
    title: `电子数据存证报告 ${a.depositNumber}`,
    subject: `Evidence deposit report of ${a.fileName}, SHA-256 ${a.sha256}`,
    keywords: `${a.depositNumber}, ${a.sha256}, ${a.root}`,
    created,
  });
  pdf.title("电子数据存证报告", "Evidence Deposit Report", `Data Rights Ledger · EvidenceAnchor · chain ${a.chainId}`);
  const v = verdict(a);
  pdf.rows(
    [
      { label: "核验结论 Result", value: `${v.zh}\n${v.en}`, strong: true },
      { label: "存证编号 Deposit number", value: a.depositNumber },
      { label: "核验时间 Checked", value: `against the chain at block ${a.checkedAtBlock}, ${a.checkedAt.replace("T", " ").replace("Z", " UTC")}` },
    ],
    { size: 10, labelWidth: 140 },
  );

  pdf.section("存证文件 Deposited file");
  const compact = { size: 8, labelWidth: 150 };
  pdf.rows([
    { label: "文件名 File name", value: a.fileName },
    { label: "大小 Size", value: `${a.size.toLocaleString("en-US")} bytes` },
    { label: "SHA-256", value: a.sha256 },
    { label: "批次 Item in batch", value: `item index ${a.itemIndex} (from 0) of ${a.itemCount} items` },
    { label: "批次清单哈希 Manifest SHA-256", value: a.manifestHash },
  ], compact);

  pdf.section("链上记录 On-chain record");
  const anchorRows: Row[] = [
    { label: "区块链 Chain id", value: a.chainId },
    { label: "存证合约 Evidence contract", value: a.evidenceContract },
    { label: "默克尔根 Merkle root", value: a.root },
    { label: "存证方 Depositor (anchorer)", value: `${a.anchorer}\n${a.anchorerName ?? "(not a ledger member)"}` },
  ];
  if (a.anchor) {
    anchorRows.push(
      { label: "交易哈希 Transaction", value: a.anchor.tx },
      { label: "区块 Block", value: `${a.anchor.block} (log ${a.anchor.logIndex})\n${a.anchor.blockHash}` },
      { label: "存证时间 Block time", value: when(a.anchor) },
    );
  } else {
    anchorRows.push({ label: "存证记录 Anchor", value: "none on this chain: the root is not anchored by this party", strong: true });
  }
  pdf.rows(anchorRows, compact);

  pdf.section("撤销状态 Revocation");
  if (a.revocation) {
    pdf.rows([
      { label: "是否撤销 Revoked", value: "是 YES: the depositor revoked this root", strong: true },
      { label: "撤销交易 Transaction", value: a.revocation.tx },
      { label: "撤销区块 Block", value: `${a.revocation.block}\n${a.revocation.blockHash}` },
      { label: "撤销时间 Block time", value: when(a.revocation) },
      { label: "撤销理由哈希 Reason hash", value: a.revocation.reasonHash },
    ], compact);
  } else {
    pdf.rows([{ label: "是否撤销 Revoked", value: a.revoked ? "是 YES (the revocation log was not found)" : `否 NO, as of block ${a.checkedAtBlock}`, strong: a.revoked }], compact);
  }

  if (a.reasons.length > 0) {
    pdf.section("核验说明 Findings");
    pdf.note(a.reasons.map((r) => `• ${r}`).join("\n"), { size: 8.5, color: "#8b1a1a" });
  }

  pdf.section("独立核验方法 How to check this independently");
  pdf.note(
    [
      `1. Hash the original file: sha256sum "${a.fileName}" must print the SHA-256 above.`,
      "2. The proof file (<file>.proof.json) holds the Merkle path from that hash to the root: an OpenZeppelin StandardMerkleTree over bytes32 leaves, leaf = keccak256(keccak256(abi.encode(sha256))), pairs hashed sorted.",
      `3. On chain ${a.chainId}, EvidenceAnchor.verify(anchorer, root, 0x<sha256>, proof) at the contract above is true while the deposit stands; anchorOf(anchorer, root) gives the anchoring time and the revoked flag.`,
      "4. The EvidenceAnchored log (topics: root, anchorer) in the transaction above dates the deposit; an EvidenceRevoked log with the same topics records a revocation.",
      `5. Or run: drl evidence verify "${a.fileName}" "${a.fileName}.proof.json" --rpc <your own node>. Nothing here relies on the issuer's servers.`,
    ].join("\n"),
    { size: 7.5 },
  );
  return pdf.finish(`存证报告 ${a.depositNumber} · SHA-256 ${a.sha256.slice(0, 16)}… · made ${created.toISOString().replace(/\.\d{3}Z$/, "Z")} by drl`);
}
