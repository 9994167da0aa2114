/**
 * The portal's in-browser dataset fingerprint (server/portal/src/hash-files.ts), run here on
 * Node's Blob (the same stream API as a browser's): it must give the SDK's fingerprints byte
 * for byte, whichever way the file's stream can be read, and refuse a file that changed while
 * it was read. The browser suite checks it again in Chromium (test/portal-browser.test.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { fingerprintDirectory } from "../sdk/fingerprint/fingerprint";
import { CHUNK_BYTES, DatasetError, hashDataset, hashFile } from "../server/portal/src/hash-files";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** A Blob whose stream is not a byte stream (no BYOB reader), in chunks of `chunk` bytes, optionally short of its size. */
function plainStreamBlob(bytes: Uint8Array, chunk: number, deliver = bytes.length): Blob {
  const stream = () => {
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (at >= deliver) return c.close();
        const end = Math.min(at + chunk, deliver);
        c.enqueue(bytes.slice(at, end));
        at = end;
      },
    });
  };
  return { size: bytes.length, stream } as unknown as Blob;
}

describe("portal dataset hashing (hash-files.ts) on Node's Blob", function () {
  // Over two read buffers and one progress report, not a multiple of either.
  const bytes = new Uint8Array(randomBytes(CHUNK_BYTES + 1_234_567));
  let tmp = "";
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  it("hashes a file read through a BYOB reader to sha256sum's answer, reporting progress up to its size", async function () {
    expect(() => new Blob([bytes]).stream().getReader({ mode: "byob" }), "Node's Blob stream is a byte stream").not.to.throw();
    const seen: number[] = [];
    const r = await hashFile(new Blob([bytes]), (p) => seen.push(p.bytes));
    expect(r.sha256).to.equal(sha256(bytes));
    expect(r.hash).to.equal(`0x${sha256(bytes)}`);
    expect(r.size).to.equal(bytes.length);
    expect(seen.at(-1)).to.equal(bytes.length);
    expect(seen.length).to.be.greaterThan(1);
  });

  it("gives the same hash through a stream that is not a byte stream", async function () {
    const blob = plainStreamBlob(bytes, 65_536);
    expect(() => blob.stream().getReader({ mode: "byob" })).to.throw();
    const r = await hashFile(blob);
    expect(r.sha256).to.equal(sha256(bytes));
  });

  it("refuses a file that delivers fewer bytes than its size (changed after it was chosen), naming it", async function () {
    const err = await hashDataset([{ file: plainStreamBlob(bytes, 65_536, bytes.length - 10), path: "data.bin" }], "file").catch((e: unknown) => e);
    expect(err).to.be.instanceOf(DatasetError);
    expect((err as DatasetError).path).to.equal("data.bin");
    expect((err as DatasetError).rule).to.match(/changed size/);
  });

  it("gives a folder the SDK's manifest fingerprint (drl fingerprint), whatever order the files come in", async function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), "drl-hash-files-"));
    const files: Record<string, Uint8Array<ArrayBuffer>> = {
      "b.csv": new TextEncoder().encode("id,value\n1,2\n"),
      "a/é.json": new TextEncoder().encode('{"x":1}'),
      "a/Z.bin": bytes.slice(0, 5_000_000),
      "empty.txt": new Uint8Array(0),
    };
    for (const [rel, b] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      writeFileSync(path.join(tmp, rel), b);
    }
    const sdk = await fingerprintDirectory(tmp);
    const given = Object.entries(files)
      .reverse()
      .map(([rel, b]) => ({ file: new Blob([b]), path: rel }));
    const r = await hashDataset(given, "directory");
    expect(r.hash).to.equal(sdk.hash);
    expect(r.manifest).to.equal(sdk.manifest);
    expect(r.files).to.equal(4);
  });
});
