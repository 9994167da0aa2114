/**
 * The portal in a real browser: Debian's Chromium driven by playwright-core, against
 * `drl start --demo` (its own Anvil and server on free ports). Without Chromium the suite is
 * skipped with one line saying why. Screenshots of each page at 1280 and 390 px go to
 * .artifacts/portal/ (not committed).
 */
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { freePort } from "../sdk/cli/start/ports";
import { portalCsp } from "../server/api/portal";
import type { AxeResults } from "axe-core";
import type { AssetList, AssetResponse, History, Lineage, Tradability } from "../sdk/api/schemas";
import { buildCli, runCli, startDrl, type DrlStart } from "./helpers/cli";
import { growHistory, historyCount } from "./helpers/grow-history";

const CHROMIUM = process.env.DRL_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = path.resolve(__dirname, "..", ".artifacts", "portal");
const AXE = require.resolve("axe-core/axe.min.js");
/** The flags TOOLCHAIN.md gives for a headless Chromium that reaches nothing on its own. */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];


describe("Portal in a browser (drl start --demo on its own Anvil)", function () {
  this.timeout(300_000);
  let tmp = "";
  let node: DrlStart | undefined;
  let browser: Browser | undefined;
  let base = "";
  /** The local chain's JSON-RPC URL: `drl start` lets the portal call it (verification in the browser). */
  let rpcUrl = "";
  let dataDir = "";
  /** Every request the pages made to another origin (there must be none). */
  const foreign: string[] = [];
  const consoleErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    portal browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set DRL_CHROMIUM)`);
      this.skip();
    }
    tmp = mkdtempSync(path.join(tmpdir(), "drl-portal-"));
    buildCli();
    const [rpc, api] = [await freePort(), await freePort()];
    dataDir = path.join(tmp, "data");
    node = startDrl(["--demo", "--data-dir", dataDir, "--rpc-port", String(rpc), "--port", String(api)], { cwd: tmp, env: { DRL_DATA_DIR: dataDir } });
    await node.ready;
    base = `http://127.0.0.1:${api}`;
    rpcUrl = `http://127.0.0.1:${rpc}`;
    await caughtUp(base, `http://127.0.0.1:${rpc}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async function () {
    await browser?.close();
    if (node) {
      node.child.kill("SIGINT");
      await Promise.race([node.exited, new Promise((r) => setTimeout(r, 10_000))]);
      node.killGroup();
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A fresh page at `width` px that records foreign requests and console errors. */
  async function open(width: number, hash = ""): Promise<Page> {
    if (!browser) throw new Error("no browser");
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on("request", (r) => {
      // The chain's endpoint is the one other origin the CSP allows (certificate verification).
      if (!r.url().startsWith(base) && !r.url().startsWith(rpcUrl) && !r.url().startsWith("data:")) foreign.push(r.url());
    });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await page.goto(`${base}/${hash}`);
    return page;
  }

  const shot = (page: Page, name: string, width: number) => page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });

  it("serves the portal at / under its Content-Security-Policy, and loads nothing from elsewhere", async function () {
    const r = await fetch(`${base}/`);
    expect(r.status).to.equal(200);
    expect(r.headers.get("content-security-policy")).to.equal(portalCsp(rpcUrl));
    expect(r.headers.get("content-security-policy")).to.contain(`connect-src 'self' ${rpcUrl}`);
    const page = await open(1280);
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal("zh-CN");
    await shot(page, "search", 1280);
    await page.close();
    expect(foreign, foreign.join("\n")).to.deep.equal([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e)), consoleErrors.join("\n")).to.deep.equal([]);
  });

  for (const width of [1280, 390]) {
    it(`finds an asset by name and shows its holder and full history (${width} px)`, async function () {
      const list = (await (await fetch(`${base}/v1/assets?q=Shenzhen`)).json()) as AssetList;
      const asset = list.items[0];
      if (!asset) throw new Error("the demo has no asset named Shenzhen…");
      const history = (await (await fetch(`${base}/v1/assets/${asset.id}/history?limit=200`)).json()) as { items: unknown[] };

      const page = await open(width);
      await page.getByLabel(/搜索|Search/).first().fill("Shenzhen");
      await page.keyboard.press("Enter");
      const results = page.getByTestId("search-results");
      await results.getByRole("link").first().waitFor();
      await shot(page, "search-results", width);
      await results.getByRole("link", { name: /Shenzhen/ }).first().click();

      await page.getByTestId("asset-holder").waitFor();
      if (!asset.holder) throw new Error(`asset ${asset.id} has no holder`);
      expect(await page.getByTestId("asset-holder").textContent()).to.equal(asset.holder.address);
      const events = page.getByTestId("timeline").locator(":scope > li");
      expect(await waitForCount(events, history.items.length)).to.equal(history.items.length);
      // Usable at this width: nothing wider than the viewport.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(width);
      await shot(page, "asset", width);
      await page.close();
    });
  }

  it("lists a derived asset's parents as links that lead to each parent's page", async function () {
    const list = (await (await fetch(`${base}/v1/assets?q=congestion`)).json()) as AssetList;
    const derived = list.items[0];
    if (!derived) throw new Error("the demo has no congestion index");
    const lineage = (await (await fetch(`${base}/v1/assets/${derived.id}/lineage`)).json()) as Lineage;
    const parentIds = lineage.edges.filter((e) => e.child === derived.id).map((e) => e.parent);
    expect(parentIds.length).to.be.greaterThan(1);
    const refOf = (id: string) => lineage.nodes.find((n) => n.id === id)?.registrationNumber ?? id;

    const page = await open(1280, `#/asset/${derived.id}`);
    const links = page.getByTestId("lineage-parents").getByRole("link");
    await links.first().waitFor();
    expect((await links.allTextContents()).sort()).to.deep.equal(parentIds.map(refOf).sort());
    const parent = await links.first().textContent();
    await links.first().click();
    // The parent's own page, which lists the derived asset among its children.
    await page.waitForFunction((ref) => decodeURIComponent(location.hash) === `#/asset/${ref}`, parent);
    await page.getByTestId("lineage-children").getByRole("link", { name: derived.registrationNumber ?? `#${derived.id}` }).waitFor();
    await page.getByTestId("timeline").locator(":scope > li").first().waitFor();
    await shot(page, "lineage-parent", 1280);
    await page.close();
  });

  it("has no serious or critical accessibility violations (axe-core) on any page so far, in either language", async function () {
    if (!browser) throw new Error("no browser");
    const list = (await (await fetch(`${base}/v1/assets?q=congestion`)).json()) as AssetList;
    const derived = list.items[0];
    if (!derived) throw new Error("the demo has no congestion index");
    const frozen = ((await (await fetch(`${base}/v1/assets?frozen=true`)).json()) as AssetList).items[0];
    const buyer = ((await (await fetch(`${base}/v1/assets?q=Shenzhen`)).json()) as AssetList).items[0]?.holder?.address;
    if (!frozen || !buyer) throw new Error("the demo has no frozen asset or no Shenzhen holder");
    // axe is injected as a script, which the portal's own CSP refuses: this context alone bypasses it.
    const context = await browser.newContext({ bypassCSP: true });
    try {
      const checks: [string, string, string, number][] = [
        ["search", "#/", "h1", 1280],
        ["results", "#/?q=Shenzhen", '[data-testid="search-results"] a', 1280],
        ["asset", `#/asset/${derived.id}`, '[data-testid="timeline"] > li', 1280],
        ["asset", `#/asset/${derived.id}`, '[data-testid="timeline"] > li', 390],
        ["unknown asset", "#/asset/999999", '[data-testid="error"]', 1280],
        ["pre-trade check", `#/check?asset=${frozen.id}&buyer=${buyer}&rights=holding`, '[data-testid="check-reasons"] > li', 1280],
        ["pre-trade check", `#/check?asset=${frozen.id}&buyer=${buyer}&rights=holding`, '[data-testid="check-reasons"] > li', 390],
      ];
      await expectNoSeriousViolations(context, checks.map(([name, hash, ready, width]) => [name, `${base}/${hash}`, ready, width]));
    } finally {
      await context.close();
    }
  });

  it("blocks a pre-trade check of the frozen asset with every reason, the court's case and the block it was computed at", async function () {
    const frozen = ((await (await fetch(`${base}/v1/assets?frozen=true`)).json()) as AssetList).items[0];
    if (!frozen) throw new Error("the demo has no frozen asset");
    // A buyer who is a member but not the holder: the holder of another demo asset.
    const all = ((await (await fetch(`${base}/v1/assets?limit=50`)).json()) as AssetList).items;
    const buyer = all.map((a) => a.holder?.address).find((h) => h !== undefined && h !== frozen.holder?.address);
    if (!buyer) throw new Error("need a buyer other than the frozen asset's holder");
    const answer = (await (await fetch(`${base}/v1/assets/${frozen.id}/tradability?buyer=${buyer}&rights=holding`)).json()) as Tradability;
    const asset = (await (await fetch(`${base}/v1/assets/${frozen.id}`)).json()) as AssetResponse;
    expect(answer.tradable).to.equal(false);
    expect(answer.reasons.map((r) => r.code)).to.include("Frozen");
    const hold = asset.holds[0];
    if (!hold) throw new Error("the frozen asset has no court hold");

    for (const width of [1280, 390]) {
      const page = await open(width, "#/check");
      await page.locator("#check-asset").fill(frozen.registrationNumber ?? frozen.id);
      await page.locator("#check-buyer").fill(buyer);
      await page.locator("#check-rights").selectOption("holding");
      await page.locator("#check-buyer").press("Enter");
      const verdict = page.getByTestId("check-verdict");
      await verdict.getByTestId("check-reasons").locator("li").first().waitFor();
      const text = (await verdict.textContent()) ?? "";
      expect(text).to.match(/不可交易|BLOCKED/);
      const reasons = await verdict.getByTestId("check-reasons").locator(":scope > li").allTextContents();
      expect(reasons.length, reasons.join("\n")).to.equal(answer.reasons.length);
      answer.reasons.forEach((r, i) => {
        expect(reasons[i], r.code).to.contain(r.message);
        expect(reasons[i], r.code).to.contain(r.code);
      });
      // The court's hold is named under the reason it explains.
      const frozenReason = reasons[answer.reasons.findIndex((r) => r.code === "Frozen")] ?? "";
      expect(frozenReason.toLowerCase()).to.contain(hold.court.toLowerCase());
      expect(frozenReason.toLowerCase()).to.contain(hold.caseHash.slice(0, 10).toLowerCase());
      expect(await verdict.getByTestId("check-block").textContent()).to.contain(String(answer.asOfBlock));
      // The check is linkable: the hash now carries it.
      expect(decodeURIComponent(await page.evaluate(() => location.hash))).to.contain(`buyer=${buyer}`);
      await shot(page, "check-frozen", width);
      await page.close();
    }
  });

  it("draws the lineage as a graph whose nodes lead to each asset's page when clicked", async function () {
    const list = (await (await fetch(`${base}/v1/assets?q=congestion`)).json()) as AssetList;
    const derived = list.items[0];
    if (!derived) throw new Error("the demo has no congestion index");
    const lineage = (await (await fetch(`${base}/v1/assets/${derived.id}/lineage`)).json()) as Lineage;
    const parentIds = lineage.edges.filter((e) => e.child === derived.id).map((e) => e.parent);
    for (const width of [1280, 390]) {
      const page = await open(width, `#/asset/${derived.id}`);
      const graph = page.getByTestId("lineage-graph");
      await page.locator('[data-testid="lineage-graph"][data-ready="true"]').waitFor();
      // Coordinates are clicked in the viewport: bring the graph into it first.
      await graph.scrollIntoViewIfNeeded();
      const nodes = JSON.parse((await graph.getAttribute("data-nodes")) ?? "[]") as { id: string; ref: string; x: number; y: number }[];
      expect(nodes.map((n) => n.id).sort()).to.deep.equal(lineage.nodes.map((n) => n.id).sort());
      const box = await graph.boundingBox();
      const parent = nodes.find((n) => n.id === parentIds[0]);
      if (!box || !parent) throw new Error("no graph box or parent node");
      // Parents are drawn above their child (a DAG layout, top to bottom).
      const self = nodes.find((n) => n.id === derived.id);
      expect(parent.y).to.be.lessThan(self?.y ?? 0);
      await shot(page, "lineage-graph", width);
      await page.mouse.click(box.x + parent.x, box.y + parent.y);
      await page.waitForFunction((ref) => decodeURIComponent(location.hash) === `#/asset/${ref}`, parent.ref);
      await page.getByTestId("lineage-children").getByRole("link", { name: derived.registrationNumber ?? `#${derived.id}` }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(width);
      await page.close();
    }
  });

  /** A signed certificate of the demo's Shenzhen port asset, issued by the CLI as the registrar, and its dataset file. */
  async function issuedCertificate(): Promise<{ certFile: string; dataFile: string; verifyUrl: string; assetId: string }> {
    const asset = ((await (await fetch(`${base}/v1/assets?q=Shenzhen`)).json()) as AssetList).items[0];
    if (!asset) throw new Error("the demo has no Shenzhen asset");
    const certFile = path.join(tmp, `cert-${asset.id}.json`);
    const r = await runCli(["cert", asset.id, "--out", certFile, "--as", "registrar", "--json"], { cwd: tmp, env: { DRL_DATA_DIR: dataDir } });
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { verifyUrl: string };
    return { certFile, dataFile: path.join(dataDir, "demo", "port-throughput.csv"), verifyUrl: out.verifyUrl, assetId: asset.id };
  }

  /** Waits for the verify page's verdict word and returns it, with the checks as [id, status]. */
  async function verdictOf(page: Page): Promise<{ word: string; sentence: string; checks: [string, string][] }> {
    const word = page.getByTestId("verify-verdict-word");
    await word.waitFor({ timeout: 60_000 });
    const checks = await page.getByTestId("verify-checks").locator(":scope > li").evaluateAll((lis) => lis.map((li) => [li.getAttribute("data-check") ?? "", li.getAttribute("data-status") ?? ""] as [string, string]));
    return { word: ((await word.textContent()) ?? "").trim(), sentence: (await page.getByTestId("verify-verdict").textContent()) ?? "", checks };
  }

  it("opened at an asset's URL, asks for the asset and its history once each, before the rest of its script has run", async function () {
    const list = (await (await fetch(`${base}/v1/assets?q=Shenzhen`)).json()) as AssetList;
    const asset = list.items[0];
    if (!asset?.holder) throw new Error("the demo has no held asset named Shenzhen…");
    const page = await open(1280, `#/asset/${asset.id}`);
    await page.getByTestId("asset-holder").waitFor();
    const timing = await page.evaluate(() => ({
      urls: (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((r) => ({ path: new URL(r.name).pathname + new URL(r.name).search, start: r.startTime })),
      evaluated: performance.getEntriesByName("drl:evaluated")[0]?.startTime ?? null,
    }));
    const asked = (p: string) => timing.urls.filter((u) => u.path === p);
    // The early asks (early-answers.ts) are the ones the page uses: not asked for a second time.
    expect(asked(`/v1/assets/${asset.id}`), JSON.stringify(timing.urls)).to.have.length(1);
    expect(asked(`/v1/assets/${asset.id}/history?limit=200`), JSON.stringify(timing.urls)).to.have.length(1);
    expect(timing.evaluated, "the drl:evaluated mark").to.be.a("number");
    for (const p of [`/v1/assets/${asset.id}`, `/v1/assets/${asset.id}/history?limit=200`]) expect(asked(p)[0]!.start, p).to.be.below(timing.evaluated!);
    expect(await page.getByTestId("asset-holder").textContent()).to.equal(asset.holder.address);
    await page.close();
  });

  it("verifies a certificate and its dataset in the browser against the chain: VALID, the data hashed here and never uploaded", async function () {
    const { certFile, dataFile } = await issuedCertificate();
    for (const width of [1280, 390]) {
      const page = await open(width, "#/verify");
      const uploads: string[] = [];
      page.on("request", (r) => {
        if (r.method() === "POST" && r.url().startsWith(base)) uploads.push(r.url());
      });
      await page.locator("#verify-cert").setInputFiles(certFile);
      await page.locator("#verify-data").setInputFiles(dataFile);
      await page.locator("#verify-run").click();
      const v = await verdictOf(page);
      expect(v.word, v.sentence).to.equal("VALID");
      expect(v.checks.map(([id]) => id)).to.deep.equal(["wellFormed", "signature", "issuerAuthority", "anchorBlock", "claimedState", "data", "changesSince"]);
      expect(v.checks.filter(([, status]) => status !== "passed"), JSON.stringify(v.checks)).to.deep.equal([]);
      expect(await page.getByTestId("verify-path").getAttribute("data-path")).to.equal("browser");
      // The dataset's fingerprint, computed in the page, is the asset's content hash; nothing went to the server.
      const asset = ((await (await fetch(`${base}/v1/assets?q=Shenzhen`)).json()) as AssetList).items[0];
      expect(((await page.getByTestId("verify-data-hash").textContent()) ?? "").toLowerCase()).to.contain(asset?.contentHash.toLowerCase() ?? "?");
      expect(uploads).to.deep.equal([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(width);
      await shot(page, "verify-valid", width);
      await page.close();
    }
  });

  it("says INVALID for a tampered certificate, naming the field that was changed", async function () {
    const { certFile } = await issuedCertificate();
    const cert = JSON.parse(readFileSync(certFile, "utf8")) as { credentialSubject: { name: string } };
    cert.credentialSubject.name = `${cert.credentialSubject.name} (forged)`;
    const forged = path.join(tmp, "forged.json");
    writeFileSync(forged, JSON.stringify(cert, null, 2));
    const page = await open(1280, "#/verify");
    await page.locator("#verify-cert").setInputFiles(forged);
    await page.locator("#verify-run").click();
    const v = await verdictOf(page);
    expect(v.word).to.equal("INVALID");
    expect(v.sentence).to.contain("credentialSubject.name");
    // The signature no longer recovers (no field to name); the claimed state names the changed field.
    const failed = await page.getByTestId("verify-checks").locator('li[data-status="failed"]').evaluateAll((lis) => lis.map((li) => [li.getAttribute("data-check"), li.textContent ?? ""]));
    expect(failed.map(([id]) => id)).to.deep.equal(["signature", "claimedState"]);
    expect(failed[1]?.[1]).to.contain("credentialSubject.name");
    await shot(page, "verify-invalid", 1280);
    await page.close();
  });

  it("explains a file that is not a certificate instead of a blank page", async function () {
    const junk = path.join(tmp, "junk.json");
    writeFileSync(junk, "{ this is not json");
    const page = await open(390, "#/verify");
    await page.locator("#verify-cert").setInputFiles(junk);
    await page.getByTestId("error").waitFor();
    expect(((await page.getByTestId("error").textContent()) ?? "").length).to.be.greaterThan(10);
    await page.close();
  });

  it("says ERROR, not INVALID, when the chain's node does not answer", async function () {
    const { certFile } = await issuedCertificate();
    const page = await open(1280, "#/verify");
    // The node stops answering the browser: every request to its endpoint fails.
    await page.route(`${rpcUrl}/**`, (r) => r.abort("connectionrefused"));
    await page.route(rpcUrl, (r) => r.abort("connectionrefused"));
    await page.locator("#verify-cert").setInputFiles(certFile);
    await page.locator("#verify-run").click();
    const v = await verdictOf(page);
    expect(v.word, v.sentence).to.equal("ERROR");
    expect(v.checks.some(([, status]) => status === "error")).to.equal(true);
    expect(v.checks.some(([, status]) => status === "failed")).to.equal(false);
    await shot(page, "verify-error", 1280);
    await page.close();
  });

  it("verifies through POST /v1/verify when no chain endpoint is configured for browsers, and says so", async function () {
    const { certFile, dataFile } = await issuedCertificate();
    const page = await open(1280, "#/verify");
    // A server without DRL_PORTAL_RPC_URL answers browserRpcUrl: null.
    await page.route(`${base}/v1/config`, async (r) => {
      const res = await r.fetch();
      const body = (await res.json()) as Record<string, unknown>;
      await r.fulfill({ response: res, json: { ...body, browserRpcUrl: null } });
    });
    const posted: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posted.push(`${r.url()} ${r.postData() ?? ""}`);
    });
    await page.locator("#verify-cert").setInputFiles(certFile);
    await page.locator("#verify-data").setInputFiles(dataFile);
    await page.locator("#verify-run").click();
    const v = await verdictOf(page);
    expect(v.word, v.sentence).to.equal("VALID");
    expect(await page.getByTestId("verify-path").getAttribute("data-path")).to.equal("server");
    expect(posted.length).to.equal(1);
    expect(posted[0]).to.contain(`${base}/v1/verify`);
    // Only the fingerprint went to the server, never the data.
    expect(posted[0]).to.contain("contentHash");
    expect(posted[0]).not.to.contain("id,value");
    await page.close();
  });

  it("opens the verify page with the certificate loaded from its QR code's URL, and verifies it", async function () {
    const { verifyUrl, assetId } = await issuedCertificate();
    expect(verifyUrl.startsWith(`${base}/verify#cert=`)).to.equal(true);
    const page = await open(390);
    await page.goto(verifyUrl);
    await page.getByTestId("verify-loaded").waitFor();
    expect(await page.getByTestId("verify-loaded").textContent()).to.contain(assetId);
    const v = await verdictOf(page);
    expect(v.word, v.sentence).to.equal("VALID");
    // Without the dataset the data check is not run, and the page says so.
    expect(v.checks.find(([id]) => id === "data")?.[1]).to.equal("notRun");
    await shot(page, "verify-qr", 390);
    await page.close();
  });

  it("shows a member's assets, licences, firsts and matching-fund claim with the cap applied, as `drl report milestones` does", async function () {
    const holder1 = ((await (await fetch(`${base}/v1/assets?q=Shenzhen`)).json()) as AssetList).items[0]?.holder?.address;
    if (!holder1) throw new Error("no Shenzhen holder");
    const cli = await runCli(["report", "milestones", "--member", holder1, "--json"], { cwd: tmp, env: { DRL_DATA_DIR: dataDir } });
    expect(cli.code, cli.stderr).to.equal(0);
    const report = JSON.parse(cli.stdout) as { claim: { totals: { matching: string; claim: string; capRemaining: string } } };
    // The demo's holder1: 600,000 + 250,000 + 200,000 of matching, cut to the 1,000,000 cap.
    expect(report.claim.totals).to.deep.include({ matching: "105000000", claim: "100000000", capRemaining: "0" });
    const human = await runCli(["report", "milestones", "--member", holder1], { cwd: tmp, env: { DRL_DATA_DIR: dataDir } });
    expect(human.stdout).to.contain("Claim: 1000000.00 CNY (the cap applied)");
    expect(human.stdout).to.contain("national 1:1, municipal 1:0.5, cap 1000000.00 CNY per enterprise");

    for (const width of [1280, 390]) {
      const page = await open(width, `#/member/${holder1}`);
      await page.getByTestId("member-claim-total").waitFor();
      expect(((await page.getByTestId("member-claim-total").textContent()) ?? "").trim()).to.equal("1000000.00");
      await page.getByTestId("member-cap-applied").waitFor();
      const claim = (await page.getByTestId("member-claim").textContent()) ?? "";
      expect(claim).to.contain("1050000.00");
      await page.getByTestId("member-assets").locator("a").first().waitFor();
      const assets = (await (await fetch(`${base}/v1/members/${holder1}/assets`)).json()) as AssetList;
      expect(await page.getByTestId("member-assets").locator("a").count()).to.be.at.least(assets.items.length);
      // The annulled first and the withdrawn incentive are shown as earning nothing.
      expect(await page.locator('[data-not-counted="revoked"]').count()).to.be.greaterThan(0);
      expect(await page.locator('[data-not-counted="annulled"]').count()).to.be.greaterThan(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(width);
      await shot(page, "member", width);
      await page.close();
    }
    // The licensee's page lists the licences it holds (holder2 holds the port licence).
    const holder2 = ((await (await fetch(`${base}/v1/assets?q=Nanshan`)).json()) as AssetList).items[0]?.holder?.address;
    const page = await open(1280, `#/member/${holder2}`);
    await page.getByTestId("member-licences").locator("tr").nth(1).waitFor();
    await page.close();
  });

  it("downloads the milestone report with the claim as CSV, the same as `drl report milestones --csv`", async function () {
    const holder1 = ((await (await fetch(`${base}/v1/assets?q=Shenzhen`)).json()) as AssetList).items[0]?.holder?.address;
    if (!holder1) throw new Error("no Shenzhen holder");
    const cli = await runCli(["report", "milestones", "--member", holder1, "--csv"], { cwd: tmp, env: { DRL_DATA_DIR: dataDir } });
    expect(cli.code, cli.stderr).to.equal(0);
    const page = await open(1280, `#/member/${holder1}`);
    await page.getByTestId("member-claim-total").waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("member-csv").click()]);
    const file = await download.path();
    expect(readFileSync(file, "utf8")).to.equal(cli.stdout);
    expect(cli.stdout).to.contain('"TOTAL"');
    await page.close();
  });

  it("has no serious or critical accessibility violations on the lineage graph, verify and member pages, in either language", async function () {
    if (!browser) throw new Error("no browser");
    const holder1 = ((await (await fetch(`${base}/v1/assets?q=Shenzhen`)).json()) as AssetList).items[0]?.holder?.address;
    const derived = ((await (await fetch(`${base}/v1/assets?q=congestion`)).json()) as AssetList).items[0];
    const { verifyUrl } = await issuedCertificate();
    const context = await browser.newContext({ bypassCSP: true });
    try {
      const checks: [string, string, string, number][] = [
        ["verify", `${base}/#/verify`, "#verify-cert", 1280],
        ["verify (QR)", verifyUrl, '[data-testid="verify-verdict-word"]', 390],
        ["member", `${base}/#/member/${holder1}`, '[data-testid="member-claim-total"]', 1280],
        ["member", `${base}/#/member/${holder1}`, '[data-testid="member-claim-total"]', 390],
        ["lineage graph", `${base}/#/asset/${derived?.id}`, '[data-testid="lineage-graph"][data-ready="true"]', 1280],
      ];
      await expectNoSeriousViolations(context, checks);
    } finally {
      await context.close();
    }
  });

  it("says plainly when a ref is not in the ledger, instead of a blank page", async function () {
    const page = await open(1280, "#/asset/999999");
    const error = page.getByTestId("error");
    await error.waitFor();
    expect(await error.textContent()).to.contain("999999");
    await shot(page, "unknown-asset", 1280);
    await page.close();
  });

  it("relabels every event of a timeline already shown when the language is switched", async function () {
    // The timeline's events skip re-rendering unless their event or the language changed:
    // a language switch must still reach every one of them.
    const list = (await (await fetch(`${base}/v1/assets?q=congestion`)).json()) as AssetList;
    const derived = list.items[0];
    if (!derived) throw new Error("the demo has no congestion index");
    const page = await open(1280, `#/asset/${derived.id}`);
    await page.locator("#lang").selectOption("zh");
    const events = page.getByTestId("timeline").locator(":scope > li");
    await events.first().waitFor();
    const n = await events.count();
    const where = () => page.getByTestId("timeline").locator(":scope > li .event-where").allTextContents();
    const zh = await where();
    expect(zh.length).to.equal(n);
    for (const line of zh) expect(line).to.match(/区块 \d+/).and.to.contain("(本地)");
    await page.locator("#lang").selectOption("en");
    await page.waitForFunction(() => document.documentElement.lang === "en");
    const en = await where();
    expect(en.length).to.equal(n);
    for (const line of en) expect(line).to.match(/Block \d+/).and.to.contain("(local)").and.not.to.contain("区块");
    await page.close();
  });

  it("switches the labels between Chinese and English and remembers the choice", async function () {
    const page = await open(1280);
    await page.getByRole("heading", { level: 1 }).waitFor();
    const zh = await page.getByRole("heading", { level: 1 }).textContent();
    await page.getByLabel(/语言|Language/).selectOption("en");
    await page.waitForFunction(() => document.documentElement.lang === "en");
    const en = await page.getByRole("heading", { level: 1 }).textContent();
    expect(en).not.to.equal(zh);
    await page.reload();
    await page.waitForFunction(() => document.documentElement.lang === "en");
    await page.close();
  });

  // Last: it changes an asset's metadata 200 times, which no earlier test expects.
  it("follows a timeline past its first page of 200 events: every event once, oldest first", async function () {
    const seeded = JSON.parse(readFileSync(path.join(dataDir, "demo-seeded.json"), "utf8")) as { assets: Record<string, string> };
    const id = seeded.assets.census;
    if (!id) throw new Error("demo-seeded.json names no census asset");
    const want = 230;
    await growHistory({ base, rpcUrl, dataDir, assetId: id, events: want });
    await caughtUp(base, rpcUrl);
    expect(await historyCount(base, id)).to.equal(want);
    // The API's order, over both pages.
    const first = (await (await fetch(`${base}/v1/assets/${id}/history?limit=200`)).json()) as History;
    expect(first.nextCursor).to.be.a("string");
    const second = (await (await fetch(`${base}/v1/assets/${id}/history?limit=200&cursor=${encodeURIComponent(first.nextCursor ?? "")}`)).json()) as History;
    const txs = [...first.items, ...second.items].map((e) => e.tx);
    expect(txs.length).to.equal(want);

    const page = await open(1280, `#/asset/${id}`);
    const events = page.getByTestId("timeline").locator(":scope > li");
    expect(await waitForCount(events, want)).to.equal(want);
    const shown = await page.getByTestId("timeline").locator(":scope > li .event-tx code:first-of-type").allTextContents();
    expect(shown).to.deep.equal(txs);
    // All of it is in: nothing more to ask for.
    await page.getByRole("button", { name: /加载更多|Load more/ }).waitFor({ state: "detached", timeout: 5_000 });
    await page.close();
  });
});

/**
 * Runs axe-core on each page (name, URL, a selector that appears once it has loaded, width) in
 * Chinese and in English; fails on any serious or critical violation. The context must bypass
 * the CSP, which refuses the injected axe script.
 */
async function expectNoSeriousViolations(context: BrowserContext, pages: readonly (readonly [string, string, string, number])[]): Promise<void> {
  for (const lang of ["zh", "en"]) {
    for (const [name, url, ready, width] of pages) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(url);
      await page.locator("#lang").selectOption(lang);
      await page.locator(ready).first().waitFor({ timeout: 60_000 });
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: Document): Promise<AxeResults> } }).axe;
        const r = await axe.run(document);
        return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
      });
      const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(bad, `${name} (${lang}, ${width} px): ${JSON.stringify(bad, null, 1)}`).to.deep.equal([]);
      await page.close();
    }
  }
}

/** Polls a locator's count until it reaches `want` (or 15 s pass), and returns the count. */
async function waitForCount(locator: ReturnType<Page["locator"]>, want: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const n = await locator.count();
    if (n >= want || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the server has indexed the chain's head (the demo's last block). */
async function caughtUp(api: string, rpc: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const head = (await (await fetch(rpc, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }) })).json()) as { result: string };
      const h = (await (await fetch(`${api}/v1/health`)).json()) as { indexedBlock: number | null };
      if ((h.indexedBlock ?? -1) >= Number(head.result)) return;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error("the demo's server did not index the chain within 120 s");
    await new Promise((r) => setTimeout(r, 250));
  }
}

