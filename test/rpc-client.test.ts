/**
 * The JSON-RPC client's answer-size cap: an answer over `maxBytes` is cut off unread and
 * reported as AnswerTooLargeError (not retried as a transport fault), whether or not the node
 * declares its length; answers under the cap, or calls without one, are read whole.
 */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AnswerTooLargeError, RpcClient } from "../server/rpc/client";

interface FakeNode {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/** Answers every request with `result`: `items` copies of a 1 KB string, sent in 16 KB chunks. */
async function fakeNode(items: number, opts: { declareLength: boolean }): Promise<FakeNode> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const { id } = JSON.parse(body) as { id: number };
      const text = JSON.stringify({ jsonrpc: "2.0", id, result: Array.from({ length: items }, () => "x".repeat(1024)) });
      const headers: http.OutgoingHttpHeaders = { "content-type": "application/json" };
      if (opts.declareLength) headers["content-length"] = Buffer.byteLength(text);
      res.writeHead(200, headers);
      let at = 0;
      const next = () => {
        if (at >= text.length) return res.end();
        const chunk = text.slice(at, at + 16_384);
        at += chunk.length;
        if (res.write(chunk)) setImmediate(next);
        else res.once("drain", next);
      };
      next();
    });
    res.on("error", () => {}); // the client hangs up on oversized answers
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("JSON-RPC client: answer-size cap", function () {
  this.timeout(30_000);
  const nodes: FakeNode[] = [];
  afterEach(async () => {
    while (nodes.length > 0) await nodes.pop()?.close();
  });
  const start = async (items: number, declareLength: boolean) => {
    const n = await fakeNode(items, { declareLength });
    nodes.push(n);
    return n;
  };

  for (const declareLength of [true, false]) {
    const how = declareLength ? "with a Content-Length" : "chunked, without a length";
    it(`refuses an answer over maxBytes (${how}) with AnswerTooLargeError, once, without retrying`, async () => {
      const node = await start(600, declareLength); // about 620 KB
      const faults: string[] = [];
      const rpc = new RpcClient({ url: node.url, onFault: (f) => faults.push(f) });
      const err = await rpc.call("eth_getLogs", [], { attempts: 3, maxBytes: 256 * 1024 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(AnswerTooLargeError);
      expect((err as AnswerTooLargeError).maxBytes).to.equal(256 * 1024);
      expect((err as Error).message).to.match(/eth_getLogs: the answer is larger than 262144 bytes/);
      // With a Content-Length the size is known without reading the body, and the caller can aim under the cap.
      if (declareLength) expect((err as AnswerTooLargeError).size).to.be.within(600 * 1024, 620 * 1024);
      else expect((err as AnswerTooLargeError).size).to.equal(null);
      expect(node.requests, "requests sent").to.equal(1);
      expect(faults, "transport faults reported").to.deep.equal([]);
      rpc.close();
    });

    it(`reads an answer under maxBytes whole (${how})`, async () => {
      const node = await start(200, declareLength); // about 206 KB
      const rpc = new RpcClient({ url: node.url });
      const result = await rpc.call<string[]>("eth_getLogs", [], { maxBytes: 256 * 1024 });
      expect(result).to.have.length(200);
      expect(result.every((s) => s.length === 1024)).to.equal(true);
      rpc.close();
    });
  }

  it("reads any size when the caller sets no cap", async () => {
    const node = await start(600, false);
    const rpc = new RpcClient({ url: node.url });
    expect(await rpc.call<string[]>("eth_getLogs", [])).to.have.length(600);
    rpc.close();
  });
});
