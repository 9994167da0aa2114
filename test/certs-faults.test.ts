/**
 * Verification when the chain misbehaves or is the wrong one, offline verification, the
 * `drl verify` command (exit codes 0/1/2/3) and POST /v1/verify. An outage is ERROR, never
 * INVALID; a certificate from another chain (other genesis, other chain id) is INVALID.
 */
import { expect } from "chai";
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import http, { type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ProvenanceClient } from "../sdk/api/client";
import { encodeVerifyPayload, payloadOf, verifyUrl } from "../sdk/certs/payload";
import { VerificationReportSchema, type VerificationReport } from "../sdk/certs/report";
import { verifyCertificate, type VerifyOptions } from "../sdk/certs/verify";
import { loadDeployment, type Deployment } from "../sdk/ledger/deployment";
import { verifyRoutes } from "../server/api/verify";
import { errorHandler } from "../server/api/errors";
import { bodyLimit } from "../server/api/limits";
import { freePort, rawRpc, startAnvil, type AnvilNode } from "./helpers/anvil";
import { deployAnvilWorld } from "./helpers/anvil-world";
import { startFaultProxy, type FaultProxy } from "./helpers/fault-proxy";
import { runCli } from "./helpers/cli";
import { startTestServer } from "./helpers/indexer";
import { issueAsset, send, startCertsWorld, type CertsWorld } from "./helpers/certs-verify-world";
import { h } from "./helpers/fixture";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function expectError(r: VerificationReport): void {
  expect(r.verdict, r.summary).to.equal("ERROR");
  expect(r.checks.some((c) => c.status === "failed"), JSON.stringify(r.checks)).to.equal(false);
  expect(r.checks.filter((c) => c.status === "error").length).to.be.greaterThan(0);
}

describe("SDK certificates: verify against faults and other chains", function () {
  this.timeout(120_000);
  let cw: CertsWorld;
  let opts: VerifyOptions;
  let proxy: FaultProxy;
  let deadUrl: string;

  before(async () => {
    cw = await startCertsWorld();
    opts = { deployment: cw.deployment, rpcUrls: [cw.node.url] };
    proxy = await startFaultProxy(cw.node.url);
    deadUrl = `http://127.0.0.1:${await freePort()}`;
  });
  after(async () => {
    await proxy?.close();
    await cw?.node.stop();
  });

  it("answers ERROR, never INVALID, when no node answers, one rate-limits, or one hangs", async () => {
    expectError(await verifyCertificate(clone(cw.richCert), { ...opts, rpcUrls: [deadUrl] }));
    proxy.setFaults({ rate429: 1, rateHang: 0 });
    const limited = await verifyCertificate(clone(cw.richCert), { ...opts, rpcUrls: [proxy.url] });
    expectError(limited);
    expect(limited.checks.find((c) => c.id === "anchorBlock")?.errorKind).to.equal("rateLimited");
    expect(limited.checks.find((c) => c.id === "signature")?.status).to.equal("passed");
    proxy.setFaults({ rate429: 0, rateHang: 1 });
    const hung = await verifyCertificate(clone(cw.richCert), { ...opts, rpcUrls: [proxy.url], timeoutMs: 300 });
    expectError(hung);
    expect(hung.checks.find((c) => c.id === "anchorBlock")?.errorKind).to.equal("timeout");
    // The QR payload alone, with the node down: ERROR too (the rebuild could not run).
    expectError(await verifyCertificate({ payload: encodeVerifyPayload(payloadOf(cw.richCert)) }, { ...opts, rpcUrls: [deadUrl] }));
  });

  it("never answers INVALID for a genuine certificate behind a flaky node (429s, 500s, hangs, resets)", async () => {
    const verdicts = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      proxy.setFaults({ seed, rate429: 0.15, rate500: 0.1, rateHang: 0.05, rateReset: 0.1 });
      const r = await verifyCertificate(clone(cw.richCert), { ...opts, rpcUrls: [proxy.url], timeoutMs: 300 });
      verdicts.add(r.verdict);
      expect(r.verdict, `seed ${seed}: ${r.summary}`).to.be.oneOf(["VALID", "ERROR"]);
    }
    proxy.setFaults({ rate429: 0, rate500: 0, rateHang: 0, rateReset: 0 });
    expect(verdicts.has("ERROR"), "some runs hit a fault").to.equal(true);
  });

  it("fails over: with two RPC urls where the first is dead (or rate-limits), verification succeeds", async () => {
    const r = await verifyCertificate(clone(cw.richCert), { ...opts, rpcUrls: [deadUrl, cw.node.url] });
    expect(r.verdict, r.summary).to.equal("VALID");
    proxy.setFaults({ rate429: 1 });
    const r2 = await verifyCertificate(clone(cw.richCert), { ...opts, rpcUrls: [proxy.url, cw.node.url] });
    expect(r2.verdict, r2.summary).to.equal("VALID");
    proxy.setFaults({ rate429: 0 });
  });

  it("verifies offline with no network at all: checks 1, 2 and 6 only, the rest plainly not run", async () => {
    const realFetch = globalThis.fetch;
    let fetches = 0;
    globalThis.fetch = (() => {
      fetches += 1;
      return Promise.reject(new Error("no network in this test"));
    }) as typeof fetch;
    try {
      const r = await verifyCertificate(clone(cw.richCert), { offline: true, rpcUrls: [cw.node.url], data: { contentHash: cw.richCert.credentialSubject.contentHash } });
      expect(r.verdict, r.summary).to.equal("VALID");
      expect(r.offline).to.equal(true);
      expect(r.rpcCalls).to.equal(0);
      expect(r.checks.filter((c) => c.status === "passed").map((c) => c.id)).to.deep.equal(["wellFormed", "signature", "data"]);
      for (const c of r.checks.filter((x) => x.status === "notRun")) expect(c.reason).to.match(/offline/);
      expect(r.summary).to.match(/NOT checked/);
      const doc = clone(cw.richCert);
      doc.credentialSubject.holder.memberName = "Mallory";
      const bad = await verifyCertificate(doc, { offline: true });
      expect(bad.verdict).to.equal("INVALID");
      expect(bad.checks.find((c) => c.id === "signature")?.status).to.equal("failed");
      const wrongData = await verifyCertificate(clone(cw.richCert), { offline: true, data: { contentHash: h("other") } });
      expect(wrongData.verdict).to.equal("INVALID");
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetches).to.equal(0);
  });

  describe("another chain", () => {
    let other: AnvilNode;
    let otherDeployment: Deployment;
    before(async () => {
      other = await startAnvil();
      const w2 = await deployAnvilWorld(other, path.join(cw.dir, "other", "anvil-test.json"));
      otherDeployment = loadDeployment(w2.deploymentFile);
      // Make sure the other chain is at least as long as the first (so the anchor block exists there).
      const need = cw.issuedAt - (await other.provider.getBlockNumber());
      if (need > 0) await other.mine(need + 1);
    });
    after(async () => {
      await other?.stop();
    });

    it("answers INVALID for a certificate verified against a chain with another genesis", async () => {
      const r = await verifyCertificate(clone(cw.richCert), { deployment: otherDeployment, rpcUrls: [other.url] });
      expect(r.verdict, r.summary).to.equal("INVALID");
      expect(r.checks.find((c) => c.id === "anchorBlock")).to.include({ status: "failed", field: "credentialSubject.anchor.blockHash" });
    });

    it("answers INVALID for a certificate verified against a chain with another chain id, naming the chain id", async () => {
      await other.rpc("anvil_setChainId", [31338]);
      const r = await verifyCertificate(clone(cw.richCert), { deployment: { ...otherDeployment, chainId: 31338 }, rpcUrls: [other.url] });
      expect(r.verdict, r.summary).to.equal("INVALID");
      const fields = r.checks.filter((c) => c.status === "failed").map((c) => c.field);
      expect(fields).to.include("credentialSubject.anchor.chainId");
      // The QR payload names the chain too.
      const p = await verifyCertificate({ payload: encodeVerifyPayload(payloadOf(cw.richCert)) }, { deployment: { ...otherDeployment, chainId: 31338 }, rpcUrls: [other.url] });
      expect(p.verdict).to.equal("INVALID");
      expect(p.checks[0]?.field).to.equal("payload.chainId");
    });

    it("answers ERROR when the verifier's node is not the chain of its own deployment (a misconfiguration, not the certificate's fault)", async () => {
      const r = await verifyCertificate(clone(cw.richCert), { deployment: cw.deployment, rpcUrls: [other.url] });
      expectError(r);
      expect(r.checks.find((c) => c.id === "anchorBlock")?.errorKind).to.equal("wrongChain");
    });

    it("answers ERROR with the node stopped", async () => {
      await other.stop();
      expectError(await verifyCertificate(clone(cw.richCert), { deployment: otherDeployment, rpcUrls: [other.url] }));
    });
  });
});

describe("drl verify", function () {
  this.timeout(180_000);
  let cw: CertsWorld;
  let cwd: string;
  let certFile: string;
  const dead = { url: "" };

  before(async () => {
    cw = await startCertsWorld();
    cwd = path.join(cw.dir, "cli");
    mkdirSync(path.join(cwd, "deployments"), { recursive: true });
    copyFileSync(cw.w.deploymentFile, path.join(cwd, "deployments", "anvil-test.json"));
    certFile = path.join(cwd, "cert.json");
    writeFileSync(certFile, JSON.stringify(cw.richCert, null, 2));
    dead.url = `http://127.0.0.1:${await freePort()}`;
  });
  after(async () => {
    await cw?.node.stop();
  });

  const drl = (args: string[]) => runCli(["--network", "anvil-test", ...args], { cwd, env: { DRL_DATA_DIR: path.join(cwd, ".drl") } });

  it("exits 0 for VALID and prints every check, the verdict in words, and the report with --json", async () => {
    const r = await drl(["verify", certFile, "--rpc", cw.node.url]);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.match(/1\. passed\s+The certificate is well formed/);
    expect(r.stdout).to.match(/7\. passed\s+What has happened since/);
    expect(r.stdout).to.match(/^VALID: every check passed/m);
    const j = await drl(["--json", "verify", certFile, "--rpc", cw.node.url]);
    expect(j.code, j.stderr).to.equal(0);
    const report = VerificationReportSchema.parse(JSON.parse(j.stdout));
    expect(report.verdict).to.equal("VALID");
  });

  it("exits 0 from the QR code's verify URL alone, and with two --rpc urls where the first is dead", async () => {
    const r = await drl(["verify", verifyUrl("https://portal.example", cw.richCert), "--rpc", dead.url, "--rpc", cw.node.url]);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.match(/rebuilt from a QR payload/);
  });

  it("exits 1 for INVALID (naming the check and field) and for VALID_BUT_SUPERSEDED (listing the change)", async () => {
    const bad = clone(cw.richCert);
    bad.credentialSubject.holder.memberName = "Mallory Ltd.";
    const badFile = path.join(cwd, "bad.json");
    writeFileSync(badFile, JSON.stringify(bad));
    const r = await drl(["verify", badFile, "--rpc", cw.node.url]);
    expect(r.code, r.stderr + r.stdout).to.equal(1);
    expect(r.stdout).to.match(/INVALID: check 2/);
    expect(r.stdout).to.include("credentialSubject.holder.memberName");
    const wrongData = await drl(["verify", certFile, "--rpc", cw.node.url, "--data", badFile]);
    expect(wrongData.code).to.equal(1);
    expect(wrongData.stdout).to.include("[field: credentialSubject.contentHash]");

    const plainFile = path.join(cwd, "plain.json");
    writeFileSync(plainFile, JSON.stringify(await issueAsset(cw, cw.w.registrar, cw.assets.toFreeze)));
    const receipt = await send(cw.w, cw.w.ledger.disputes.connect(cw.w.court).freeze(cw.assets.toFreeze, h("cli-case")));
    const s = await drl(["verify", plainFile, "--rpc", cw.node.url]);
    expect(s.code, s.stderr + s.stdout).to.equal(1);
    expect(s.stdout).to.match(/^VALID_BUT_SUPERSEDED/m);
    expect(s.stdout).to.match(/frozen\s+AssetFrozenByCourt\s+0x[0-9a-f]{64}/);
    expect(receipt.status).to.equal(1);
  });

  it("exits 2 for bad input: a missing file, a file that is not JSON, a bad --rpc url, a missing --data", async () => {
    const missing = await drl(["verify", path.join(cwd, "nope.json"), "--rpc", cw.node.url]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/<certificate>/);
    const notJson = path.join(cwd, "not.json");
    writeFileSync(notJson, "{ not json");
    const nj = await drl(["verify", notJson, "--rpc", cw.node.url]);
    expect(nj.code).to.equal(2);
    expect(nj.stderr).to.match(/not JSON/);
    const badRpc = await drl(["verify", certFile, "--rpc", "ftp://x"]);
    expect(badRpc.code).to.equal(2);
    expect(badRpc.stderr).to.match(/--rpc/);
    const noData = await drl(["verify", certFile, "--rpc", cw.node.url, "--data", path.join(cwd, "missing.csv")]);
    expect(noData.code).to.equal(2);
    expect(noData.stderr).to.match(/--data/);
    for (const r of [missing, nj, badRpc, noData]) expect(r.stderr).not.to.match(/\n\s+at /);
  });

  it("exits 3 for ERROR when the chain does not answer, and 0 offline with no chain at all", async () => {
    const r = await drl(["verify", certFile, "--rpc", dead.url]);
    expect(r.code, r.stderr + r.stdout).to.equal(3);
    expect(r.stdout).to.match(/^ERROR: /m);
    expect(r.stdout).not.to.match(/INVALID/);
    const off = await runCli(["verify", certFile, "--offline", "--rpc", dead.url], { cwd, env: { DRL_DATA_DIR: path.join(cwd, "no-such-dir") } });
    expect(off.code, off.stderr + off.stdout).to.equal(0);
    expect(off.stdout).to.match(/VALID \(offline\)/);
    expect(off.stdout).to.match(/were NOT run/);
  });
});

describe("SDK certificates: POST /v1/verify", function () {
  this.timeout(120_000);
  let cw: CertsWorld;
  let server: Server;
  let base: string;
  let downServer: Server;
  let downBase: string;

  const listen = async (rpcUrls: string[]): Promise<{ server: Server; base: string }> => {
    const app = express();
    app.use(bodyLimit(64 * 1024));
    app.use("/v1", verifyRoutes({ deployment: { network: "anvil-test", chainId: cw.deployment.chainId, deployBlock: cw.deployment.deployBlock, addresses: cw.deployment.addresses }, rpcUrls, rpcTimeoutMs: 500 }));
    app.use(errorHandler(() => undefined));
    const s = await new Promise<Server>((resolve) => {
      const srv = app.listen(0, "127.0.0.1", () => resolve(srv));
    });
    const addr = s.address();
    if (addr === null || typeof addr === "string") throw new Error("no port");
    return { server: s, base: `http://127.0.0.1:${addr.port}` };
  };
  const post = async (b: string, body: unknown, raw = false) => {
    const res = await fetch(`${b}/v1/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: raw ? String(body) : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };

  before(async () => {
    cw = await startCertsWorld();
    ({ server, base } = await listen([cw.node.url]));
    ({ server: downServer, base: downBase } = await listen([`http://127.0.0.1:${await freePort()}`]));
  });
  after(async () => {
    await new Promise((r) => server?.close(r));
    await new Promise((r) => downServer?.close(r));
    await cw?.node.stop();
  });

  it("answers 200 with the report for a certificate, a QR payload, and a contentHash", async () => {
    const a = await post(base, { certificate: cw.richCert, contentHash: cw.richCert.credentialSubject.contentHash });
    expect(a.status).to.equal(200);
    const report = VerificationReportSchema.parse(a.body);
    expect(report.verdict, report.summary).to.equal("VALID");
    expect(report.checks.find((c) => c.id === "data")?.status).to.equal("passed");
    const p = await post(base, { payload: verifyUrl("https://portal.example", cw.richCert) });
    expect(p.status).to.equal(200);
    expect(p.body.verdict).to.equal("VALID");
    const bad = clone(cw.richCert);
    bad.credentialSubject.grade = "core";
    const i = await post(base, { certificate: bad });
    expect(i.status).to.equal(200);
    expect(i.body.verdict).to.equal("INVALID");
  });

  it("answers 503 with the full ERROR report when the server's node is down", async () => {
    const r = await post(downBase, { certificate: cw.richCert });
    expect(r.status).to.equal(503);
    expect(r.headers.get("retry-after")).to.equal("5");
    const report = VerificationReportSchema.parse(r.body);
    expect(report.verdict).to.equal("ERROR");
  });

  it("is served by the real API server, which reads the chain and not its index", async () => {
    // The index is left empty (the indexer is not awaited): verification does not need it.
    const real = await startTestServer(cw.node.url, cw.w.deploymentFile);
    try {
      const r = await post(real.url.replace(/\/v1\/?$/, ""), { certificate: cw.richCert });
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).to.equal(200);
      expect(VerificationReportSchema.parse(r.body).verdict).to.equal("VALID");
    } finally {
      await real.destroy();
    }
  });

  it("reaches a node whose URL carries a key (path, query, user info) without losing or showing it", async () => {
    // A provider-style gate: only /v3/<key>?apikey=<key> with the Basic credentials is forwarded.
    const KEY = "k3yInPath9";
    const gate = http.createServer((req, res) => {
      const ok = req.url === `/v3/${KEY}?apikey=${KEY}` && req.headers.authorization === `Basic ${Buffer.from("user:pw").toString("base64")}`;
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (!ok) {
          res.writeHead(401).end();
          return;
        }
        fetch(cw.node.url, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) }).then(
          async (up) => res.writeHead(up.status, { "content-type": "application/json" }).end(Buffer.from(await up.arrayBuffer())),
          () => res.writeHead(502).end(),
        );
      });
    });
    await new Promise<void>((r) => gate.listen(0, "127.0.0.1", r));
    const keyed = `http://user:pw@127.0.0.1:${(gate.address() as AddressInfo).port}/v3/${KEY}?apikey=${KEY}`;
    const real = await startTestServer(keyed, cw.w.deploymentFile);
    try {
      const r = await post(real.url.replace(/\/v1\/?$/, ""), { certificate: cw.richCert });
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).to.equal(200);
      expect(VerificationReportSchema.parse(r.body).verdict).to.equal("VALID");
      expect(JSON.stringify(r.body)).to.not.contain(KEY);
      // The typed API client: the same verification, and the unsigned preview at the anchor block
      // (the preview finds the asset by its ref in the index, so the index must have caught up).
      // (caughtUp asks the node with fetch, which refuses a URL with user info: ask Anvil itself.)
      await real.indexer.waitForBlock(Number(await rawRpc<string>(cw.node.url, "eth_blockNumber")), 60_000);
      const api = new ProvenanceClient(real.url.replace(/\/v1\/?$/, ""));
      expect((await api.verify({ certificate: cw.richCert })).verdict).to.equal("VALID");
      const subject = cw.richCert.credentialSubject;
      const preview = await api.certificatePreview(subject.tokenId, { atBlock: subject.anchor.blockNumber });
      expect(preview).to.not.have.property("proof");
      expect(preview.credentialSubject).to.deep.include({ registrationNumber: subject.registrationNumber, contentHash: subject.contentHash });
    } finally {
      await real.destroy();
      await new Promise<void>((r) => gate.close(() => r()));
    }
  });

  it("answers 400 naming the field for a malformed body", async () => {
    const cases: [unknown, string, boolean?][] = [
      ["{ not json", "body", true],
      [[1, 2], "body"],
      [{}, "certificate"],
      [{ certificate: cw.richCert, payload: "x" }, "payload"],
      [{ certificate: "text" }, "certificate"],
      [{ payload: 5 }, "payload"],
      [{ certificate: cw.richCert, contentHash: "0x12" }, "contentHash"],
      [{ certificate: cw.richCert, extra: 1 }, "extra"],
    ];
    for (const [body, field, raw] of cases) {
      const r = await post(base, body, raw);
      expect(r.status, JSON.stringify(body).slice(0, 60)).to.equal(400);
      expect((r.body.error as { field?: string }).field, JSON.stringify(r.body)).to.equal(field);
    }
    const get = await fetch(`${base}/v1/verify`);
    expect(get.status).to.equal(405);
  });
});
