/**
 * `drl start --demo`: a realistic story, seeded once, every step through the SDK
 * (LedgerClient, the fingerprints, the signed orders, the evidence batch):
 * three enterprises (holder1–3), a public-data body (holder4), an exchange, an evaluator and a
 * court; ten assets with lineage; licences and a sublicence; two trades; a valuation and a
 * pledge; an objection and the court's ruling; a freeze; the bureau's incentives for firsts
 * (holder1's matching funds reach the cap; one incentive withdrawn, one first annulled); an
 * evidence batch.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import { anchorEvidenceBatch } from "../../evidence/batch";
import { fingerprintFile } from "../../fingerprint/fingerprint";
import { LedgerClient } from "../../ledger/client";
import type { Deployment } from "../../ledger/deployment";
import type { ApplicationInput } from "../../ledger/inputs";
import { textHash } from "../../text";
import { devWallet, type DevAccountName } from "../dev-accounts";

export interface DemoSummary {
  assets: Record<string, string>;
  licenses: string[];
  trades: string[];
  pledgeId: string;
  valuationId: string;
  objectionId: string;
  evidenceRoot: string;
}

const DAY = 86_400;

export async function seedDemo(opts: { deployment: Deployment; provider: JsonRpcProvider; rpcUrl: string; dir: string; log: (m: string) => void }): Promise<DemoSummary> {
  const { provider, log } = opts;
  const as = (name: DevAccountName) => LedgerClient.connect({ runner: devWallet(name).connect(provider), deployment: opts.deployment, rpcUrl: opts.rpcUrl });
  const addr = (name: DevAccountName) => devWallet(name).address;
  const files = path.join(opts.dir, "demo");
  await mkdir(files, { recursive: true });
  /** A small data file for the story, fingerprinted like any other. */
  const file = async (name: string, body: string): Promise<string> => {
    const p = path.join(files, name);
    await writeFile(p, body);
    return (await fingerprintFile(p)).hash;
  };
  const now = async () => (await provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
  const advance = async (seconds: number) => {
    await provider.send("evm_increaseTime", [seconds]);
    await provider.send("evm_mine", []);
  };
  const t0 = await now();
  const validUntil = t0 + 2 * 365 * DAY;
  const app = async (key: string, over: Partial<ApplicationInput> & Pick<ApplicationInput, "name">): Promise<ApplicationInput> => ({
    kind: "product",
    form: "dataset",
    category: "enterprise",
    rights: ["holding", "processing", "operation"],
    source: "selfCollected",
    grade: "general",
    validUntil,
    sourceEvidenceHash: await file(`${key}.source.txt`, `source evidence of ${over.name}\n`),
    contentHash: await file(`${key}.csv`, `id,value\n1,${key}\n`),
    metadataHash: await file(`${key}.meta.json`, JSON.stringify({ name: over.name }) + "\n"),
    metadataUri: `https://data.example/${key}/metadata.json`,
    ...over,
  });

  const registrar = as("registrar");
  const register = async (client: LedgerClient, apps: ApplicationInput[]): Promise<bigint[]> => {
    const { assetIds } = await client.applyBatch(apps);
    await registrar.acceptMany({ assetIds, publicityPeriod: DAY });
    return assetIds;
  };

  log("demo: applications of the three enterprises and the public-data body");
  const [port, berth] = await register(as("holder1"), [
    await app("port-throughput", { name: "深圳港集装箱吞吐量 2025 / Shenzhen port container throughput 2025", kind: "resource", form: "none" }),
    await app("berth-schedule", { name: "泊位计划 / Berth schedules", kind: "resource", form: "none" }),
  ]);
  const [traffic] = await register(as("holder2"), [await app("traffic-flow", { name: "南山交通流量 / Nanshan traffic flow", kind: "resource", form: "none" })]);
  const [weather, forecast] = await register(as("holder3"), [
    await app("weather-obs", { name: "前海气象观测 / Qianhai weather observations", kind: "resource", form: "none" }),
    await app("forecast-api", { name: "港口天气预报接口 / Port weather forecast API", form: "api" }),
  ]);
  const [census] = await register(as("holder4"), [
    await app("public-roads", { name: "公共道路数据 / Public road network", category: "public", source: "publicAuthorisation", kind: "resource", form: "none" }),
  ]);
  await advance(DAY + 1);
  await registrar.confirmMany({ assetIds: [port!, berth!, traffic!, weather!, forecast!, census!] });

  log("demo: licences and a sublicence");
  const t1 = await now();
  const terms = (licensee: string, sublicensable: boolean) => ({
    licensee,
    rights: ["processing" as const],
    territory: "domestic" as const,
    start: t1,
    end: t1 + 365 * DAY,
    sublicensable,
    revocable: true,
    scopeHash: textHash("congestion analytics for the port area"),
    termsHash: textHash("standard processing licence v1"),
    fee: { amount: 1_200_000n, currency: "CNY" },
  });
  const lic1 = await as("holder1").grantLicense({ assetId: port!, terms: terms(addr("holder2"), true) });
  const lic2 = await as("holder2").sublicense({ parentId: lic1.licenseId, terms: { ...terms(addr("holder3"), false), end: t1 + 300 * DAY } });
  const lic3 = await as("holder4").grantLicense({ assetId: census!, terms: terms(addr("holder2"), false) });

  log("demo: derived products (lineage)");
  const [congestion] = await register(as("holder2"), [
    await app("congestion-index", { name: "港区拥堵指数 / Port-area congestion index", form: "index", source: "derived", parents: [port!, traffic!, census!], parentLicenses: [lic1.licenseId, 0n, lic3.licenseId] }),
  ]);
  const [planning, eta, dashboard] = await register(as("holder1"), [
    await app("berth-planning", { name: "泊位优化模型 / Berth planning model", form: "model", source: "derived", parents: [port!, berth!], parentLicenses: [0n, 0n] }),
    await app("eta-report", { name: "船舶到港预测报告 / Vessel ETA report", form: "report", source: "derived", parents: [berth!], parentLicenses: [0n] }),
    await app("ops-dashboard", { name: "港口运营看板 / Port operations dashboard", form: "api", source: "derived", parents: [berth!], parentLicenses: [0n] }),
  ]);
  await advance(DAY + 1);
  await registrar.confirmMany({ assetIds: [congestion!, planning!, eta!, dashboard!] });

  log("demo: trades through the exchange");
  const t2 = await now();
  const exchange = as("exchange");
  const order1 = await as("holder3").signSellOrder({ assetId: forecast!, exchange: addr("exchange"), price: 5_000_000n, currency: "CNY", deadline: t2 + 30 * DAY });
  await exchange.list({ order: order1, listingRefHash: textHash("SZDEX-L-2026-0001") });
  const trade1 = await exchange.trade({ order: order1, buyer: addr("holder5"), exchangeRefHash: textHash("SZDEX-T-2026-0001") });
  const order2 = await as("holder3").signSellOrder({ assetId: weather!, exchange: addr("exchange"), buyer: addr("holder2"), price: 2_000_000n, currency: "CNY", deadline: t2 + 30 * DAY });
  await exchange.list({ order: order2, listingRefHash: textHash("SZDEX-L-2026-0002") });
  const trade2 = await exchange.trade({ order: order2, buyer: addr("holder2"), mode: "privacyComputing", exchangeRefHash: textHash("SZDEX-T-2026-0002") });

  log("demo: a valuation and a pledge");
  const valuation = await as("evaluator").recordValuation({ assetId: planning!, method: "income", value: 80_000_000n, currency: "CNY", valuationDate: t2, reportHash: await file("valuation-report.pdf", "valuation report\n") });
  const pledge = await as("holder1").proposePledge({ assetId: planning!, pledgee: addr("holder7"), securedAmount: 50_000_000n, currency: "CNY", dueDate: t2 + 180 * DAY, registryRefHash: textHash("PLEDGE-REG-2026-0042") });
  await as("holder7").acceptPledge({ pledgeId: pledge.pledgeId });

  log("demo: an objection, the court's ruling, and a freeze");
  const objection = await as("holder6").object({ assetId: eta!, evidenceHash: await file("objection-evidence.txt", "we collected these schedules first\n") });
  const court = as("court");
  await court.admitObjection({ objectionId: objection.objectionId });
  await court.courtRule({ objectionId: objection.objectionId, ruling: "dismiss", decisionHash: await file("ruling.txt", "objection dismissed\n"), licenseIds: [] });
  await court.freeze({ assetId: dashboard!, caseHash: textHash("(2026)粤0305民初1234号") });

  log("demo: incentives the bureau paid for firsts (the matching-fund claims)");
  const bureau = as("bureau");
  const paid = (key: string) => file(`${key}.payment.txt`, `payment record ${key}\n`);
  // holder1: 600,000 national + 250,000 and 200,000 matching of municipal ones = 1,050,000, over the 1,000,000 cap.
  await bureau.recordIncentive({ assetId: port!, kind: "registration", level: "national", amount: 60_000_000n, currency: "CNY", evidenceHash: await paid("port-registration") });
  await bureau.recordIncentive({ assetId: berth!, kind: "registration", level: "municipal", amount: 50_000_000n, currency: "CNY", evidenceHash: await paid("berth-registration") });
  await bureau.recordIncentive({ assetId: planning!, kind: "financing", level: "municipal", amount: 40_000_000n, currency: "CNY", evidenceHash: await paid("planning-financing") });
  // One recorded in error and withdrawn, and one for a first the registrar then annulled: both earn nothing.
  await bureau.recordIncentive({ assetId: dashboard!, kind: "registration", level: "municipal", amount: 1_000_000n, currency: "CNY", evidenceHash: await paid("dashboard-registration") });
  await bureau.revokeIncentive({ assetId: dashboard!, kind: "registration", level: "municipal", reasonHash: textHash("recorded in error: paid to another enterprise") });
  await as("auditor").recordMilestone({ assetId: eta!, kind: "financialStatements", detail: "intangibleAsset", evidenceHash: await file("eta-audit.txt", "audit attestation\n") });
  await bureau.recordIncentive({ assetId: eta!, kind: "financialStatements", level: "national", amount: 10_000_000n, currency: "CNY", evidenceHash: await paid("eta-statements") });
  await registrar.annulMilestone({ assetId: eta!, kind: "financialStatements", reasonHash: textHash("the audit attestation was withdrawn") });
  // holder3: one trade first, well under the cap.
  await bureau.recordIncentive({ assetId: forecast!, kind: "trade", level: "national", amount: 5_000_000n, currency: "CNY", evidenceHash: await paid("forecast-trade") });

  log("demo: an evidence batch");
  const evidenceDir = path.join(files, "evidence");
  await mkdir(evidenceDir, { recursive: true });
  const evidenceFiles: string[] = [];
  for (const [n, body] of [["contract-scan.txt", "signed contract\n"], ["delivery-log.txt", "delivered 2026-01-05\n"], ["invoice.txt", "invoice 0042\n"]] as const) {
    const p = path.join(evidenceDir, n);
    await writeFile(p, body);
    evidenceFiles.push(p);
  }
  const batch = await anchorEvidenceBatch(as("holder1"), evidenceFiles, evidenceDir);

  const ids: Record<string, bigint | undefined> = { port, berth, traffic, weather, forecast, census, congestion, planning, eta, dashboard };
  log(`demo: seeded ${Object.keys(ids).length} assets; files in ${files}`);
  return {
    assets: Object.fromEntries(Object.entries(ids).map(([k, v]) => [k, String(v)])),
    licenses: [lic1.licenseId, lic2.licenseId, lic3.licenseId].map(String),
    trades: [trade1.tradeId, trade2.tradeId].map(String),
    pledgeId: String(pledge.pledgeId),
    valuationId: String(valuation.valuationId),
    objectionId: String(objection.objectionId),
    evidenceRoot: batch.root,
  };
}
