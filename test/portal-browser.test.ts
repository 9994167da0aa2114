/**
 * The portal in a real browser: Debian's Chromium driven by playwright-core, against
 * `drl start --demo` (its own Anvil and server on free ports). Without Chromium the suite is
 * skipped with one line saying why. Screenshots of each page at 1280 and 390 px go to
 * .artifacts/portal/ (not committed).
 */
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { freePort } from "../sdk/cli/start/ports";
import { PORTAL_CSP } from "../server/api/portal";
import type { AxeResults } from "axe-core";
import type { AssetList, AssetResponse, Lineage, Tradability } from "../sdk/api/schemas";
import { buildCli, startDrl, type DrlStart } from "./helpers/cli";

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
    node = startDrl(["--demo", "--data-dir", path.join(tmp, "data"), "--rpc-port", String(rpc), "--port", String(api)], { cwd: tmp, env: { DRL_DATA_DIR: path.join(tmp, "data") } });
    await node.ready;
    base = `http://127.0.0.1:${api}`;
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
      if (!r.url().startsWith(base) && !r.url().startsWith("data:")) foreign.push(r.url());
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
    expect(r.headers.get("content-security-policy")).to.equal(PORTAL_CSP);
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
      for (const lang of ["zh", "en"]) {
        for (const [name, hash, ready, width] of checks) {
          const page = await context.newPage();
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${base}/${hash}`);
          await page.locator("#lang").selectOption(lang);
          await page.locator(ready).first().waitFor();
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

  it("says plainly when a ref is not in the ledger, instead of a blank page", async function () {
    const page = await open(1280, "#/asset/999999");
    const error = page.getByTestId("error");
    await error.waitFor();
    expect(await error.textContent()).to.contain("999999");
    await shot(page, "unknown-asset", 1280);
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
});

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

