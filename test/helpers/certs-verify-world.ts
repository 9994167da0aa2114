/**
 * A ledger on Anvil with assets whose certificates the verification tests check:
 *
 * - `rich`: alice's asset with something in every list of the subject: a licence to bob, a
 *   valuation, an active pledge to carol, bob's admitted objection and a court hold;
 * - `plain`: alice's unencumbered asset (transferred later by the superseded test);
 * - `toFreeze`: carol's unencumbered asset (frozen later).
 *
 * Certificates are issued through sdk/certs (ChainRpc, build, EIP-712 signing) by the registrar.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { JsonRpcSigner, TransactionReceipt } from "ethers";
import { ChainRpc } from "../../sdk/certs/rpc";
import { issueCertificate, issueLicenceCertificate } from "../../sdk/certs/build";
import type { DataRightsCertificate, LicenceCertificate } from "../../sdk/certs/schema";
import { loadDeployment, type Deployment } from "../../sdk/ledger/deployment";
import type { AnvilNode } from "./anvil";
import { firstEvent, mined, registerOnAnvil, startAnvilWorld, type AnvilWorld } from "./anvil-world";
import { CNY, DAY, applicationAt, h, termsFor } from "./fixture";

export interface CertsWorld {
  node: AnvilNode;
  w: AnvilWorld;
  deployment: Deployment;
  dir: string;
  rpc: ChainRpc;
  assets: { rich: bigint; plain: bigint; toFreeze: bigint };
  licenceId: bigint;
  /** Issued by the registrar at the head after setup. */
  richCert: DataRightsCertificate;
  licenceCert: LicenceCertificate;
  /** A file whose fingerprint is `plain`'s content hash. */
  plainData: string;
  /** The block the certificates were issued at. */
  issuedAt: number;
}

export async function send(w: AnvilWorld, p: Promise<{ hash: string }>): Promise<TransactionReceipt> {
  const tx = await p;
  return mined(w.node, tx as Parameters<typeof mined>[1]);
}

/** A fixed `created` (unix seconds) so that certificates are reproducible in a run. */
export const CREATED = 1_767_225_600; // 2026-01-01T00:00:00Z

export async function issueAsset(cw: Pick<CertsWorld, "rpc" | "deployment">, signer: JsonRpcSigner, assetId: bigint, atBlock?: number): Promise<DataRightsCertificate> {
  return issueCertificate(cw.rpc, cw.deployment, signer, { assetId, created: CREATED, ...(atBlock === undefined ? {} : { atBlock }) });
}

export async function startCertsWorld(): Promise<CertsWorld> {
  const dir = mkdtempSync(path.join(tmpdir(), "drl-certs-verify-"));
  const { node, w } = await startAnvilWorld(path.join(dir, "anvil-test.json"));
  const deployment = loadDeployment(w.deploymentFile);
  const rpc = new ChainRpc([node.url]);
  const now = await node.timestamp();

  const rich = await registerOnAnvil(w, w.alice, applicationAt(now, { name: "港口吞吐量 rich" }));
  const plainData = path.join(dir, "port-throughput.csv");
  writeFileSync(plainData, "port,teu\nNingbo,35300000\n");
  const plainHash = `0x${createHash("sha256").update("port,teu\nNingbo,35300000\n").digest("hex")}`;
  const plain = await registerOnAnvil(w, w.alice, applicationAt(now, { name: "plain asset", contentHash: plainHash }));
  const toFreeze = await registerOnAnvil(w, w.carol, applicationAt(now, { name: "to freeze" }));
  const t = await node.timestamp();

  const granted = await send(w, w.ledger.licenses.connect(w.alice).grant(rich, termsFor(w.bob.address, { start: t, end: t + 60 * DAY })));
  const licenceId = firstEvent(granted, w.ledger.licenses.interface, w.addresses.licenses, "LicenseGranted").licenseId as bigint;
  await send(w, w.ledger.valuations.connect(w.evaluator).record(rich, 2, 12_345_600n, CNY, t - DAY, h("valuation-report")));
  const proposed = await send(w, w.ledger.pledges.connect(w.alice).propose(rich, w.carol.address, 1_000_000n, CNY, t + 90 * DAY, h("pledge-ref")));
  const pledgeId = firstEvent(proposed, w.ledger.pledges.interface, w.addresses.pledges, "PledgeProposed").pledgeId as bigint;
  await send(w, w.ledger.pledges.connect(w.carol).accept(pledgeId));
  const filed = await send(w, w.ledger.disputes.connect(w.bob).object(rich, h("objection-evidence")));
  const objectionId = firstEvent(filed, w.ledger.disputes.interface, w.addresses.disputes, "ObjectionFiled").objectionId as bigint;
  await send(w, w.ledger.disputes.connect(w.court).admit(objectionId));
  await send(w, w.ledger.disputes.connect(w.court).freeze(rich, h("case")));

  const issuedAt = await node.provider.getBlockNumber();
  const cw = { rpc, deployment };
  const richCert = await issueAsset(cw, w.registrar, rich, issuedAt);
  const licenceCert = await issueLicenceCertificate(rpc, deployment, w.registrar, { licenceId, atBlock: issuedAt, created: CREATED });
  return { node, w, deployment, dir, rpc, assets: { rich, plain, toFreeze }, licenceId, richCert, licenceCert, plainData, issuedAt };
}
