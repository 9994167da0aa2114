/**
 * Fingerprints a court can recompute: a file's equals `sha256sum`, a directory's equals the
 * documented shell one-liner over its manifest; symlinks and special files are refused; a
 * saved manifest shows that one file belonged to the directory.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FingerprintError, fingerprint, fingerprintDirectory, fingerprintFile, parseManifest, proveFileInDirectory, saveManifest } from "../sdk";

/** The one-liner of the README (readme-sdk.md), verbatim. */
const ONE_LINER = `find . -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do printf '%s %s %s\\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "\${f#./}"; done | sha256sum`;

const sh = (cmd: string, cwd: string): string => execFileSync("bash", ["-c", cmd], { cwd, encoding: "utf8" });
const caught = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);

describe("SDK fingerprints", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "drl-fp-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a file's fingerprint is its sha256sum, streamed with progress", async () => {
    const file = path.join(dir, "data.bin");
    // 3.5 MiB of non-repeating bytes: several 1 MiB pieces and a partial one.
    const data = Buffer.alloc(3.5 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 1) data[i] = (i * 7919 + (i >> 11)) & 0xff;
    writeFileSync(file, data);
    const seen: number[] = [];
    const fp = await fingerprintFile(file, { onProgress: (p) => seen.push(p.bytes) });
    const expected = sh(`sha256sum data.bin`, dir).split(" ")[0];
    expect(fp.sha256).to.equal(expected);
    expect(fp.hash).to.equal(`0x${expected}`);
    expect(fp.size).to.equal(data.length);
    expect(seen).to.have.length(4);
    expect(seen.at(-1)).to.equal(data.length);
  });

  it("an empty file hashes as sha256sum does", async () => {
    writeFileSync(path.join(dir, "empty"), "");
    expect((await fingerprintFile(path.join(dir, "empty"))).sha256).to.equal(sh("sha256sum empty", dir).split(" ")[0]);
  });

  it("a directory's fingerprint equals the shell one-liner over its manifest", async () => {
    const root = path.join(dir, "set");
    mkdirSync(path.join(root, "a", "b"), { recursive: true });
    mkdirSync(path.join(root, "中文 目录"), { recursive: true });
    mkdirSync(path.join(root, "empty-dir"));
    // Names whose UTF-8 byte order differs from UTF-16 / locale order.
    const files: Record<string, string> = {
      "a/b/c.csv": "x,y\n1,2\n",
      "a-b": "dash sorts before slash",
      "a/z": "z",
      B: "upper",
      b: "lower",
      "é.txt": "accent",
      "\u{1F600}.json": "{}",
      "\uFF41.txt": "fullwidth",
      "中文 目录/数据 1.txt": "数据",
      "with space.txt": "",
      "back\\slash.txt": "bs",
    };
    for (const [rel, content] of Object.entries(files)) writeFileSync(path.join(root, rel), content);
    const fp = await fingerprintDirectory(root);
    expect(fp.entries.map((e) => e.path)).to.deep.equal(
      Object.keys(files).sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
    );
    expect(fp.sha256).to.equal(sh(ONE_LINER, root).split(" ")[0]);
    // Each line is "<sha256> <size> <path>\n".
    const line = fp.manifest.split("\n").find((l) => l.endsWith(" a/b/c.csv"));
    expect(line).to.equal(`${sh("sha256sum a/b/c.csv", root).split(" ")[0]} 8 a/b/c.csv`);
    expect(await fingerprint(root)).to.deep.include({ sha256: fp.sha256 });
  });

  it("refuses symlinks, in a directory and given directly, naming the path", async () => {
    const root = path.join(dir, "set");
    mkdirSync(root);
    writeFileSync(path.join(root, "real.txt"), "real");
    symlinkSync(path.join(root, "real.txt"), path.join(root, "link.txt"));
    const e = await caught(fingerprintDirectory(root));
    expect(e).to.be.instanceOf(FingerprintError);
    expect((e as FingerprintError).path).to.equal(path.join(root, "link.txt"));
    expect((e as FingerprintError).rule).to.match(/symbolic link/);
    const direct = await caught(fingerprintFile(path.join(root, "link.txt")));
    expect((direct as FingerprintError).rule).to.match(/symbolic link/);
    symlinkSync(root, path.join(dir, "dirlink"));
    const dirLink = await caught(fingerprintDirectory(path.join(dir, "dirlink")));
    expect((dirLink as FingerprintError).rule).to.match(/symbolic link/);
  });

  it("refuses FIFOs and other special files, and a missing path", async () => {
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    const fifo = await caught(fingerprintFile(path.join(dir, "pipe")));
    expect(fifo).to.be.instanceOf(FingerprintError);
    expect((fifo as FingerprintError).rule).to.match(/FIFO/);
    const inDir = await caught(fingerprintDirectory(dir));
    expect((inDir as FingerprintError).path).to.equal(path.join(dir, "pipe"));
    const dev = await caught(fingerprintFile("/dev/null"));
    expect((dev as FingerprintError).rule).to.match(/device/);
    const missing = await caught(fingerprintFile(path.join(dir, "nope")));
    expect((missing as FingerprintError).rule).to.equal("does not exist");
  });

  it("a saved manifest shows that one file belonged to the directory, and catches a changed file or manifest", async () => {
    const root = path.join(dir, "set");
    mkdirSync(path.join(root, "sub"), { recursive: true });
    writeFileSync(path.join(root, "sub", "one.csv"), "one");
    writeFileSync(path.join(root, "two.csv"), "two");
    const fp = await fingerprintDirectory(root);
    const manifestFile = path.join(dir, "set.manifest");
    await saveManifest(manifestFile, fp);
    expect(parseManifest(readFileSync(manifestFile, "utf8"))).to.deep.equal(fp.entries);

    // Later, a party holds only the manifest, the directory hash and one file (copied elsewhere).
    const copy = path.join(dir, "one-copy.csv");
    writeFileSync(copy, "one");
    const proof = await proveFileInDirectory({ manifestFile, directoryHash: fp.hash, file: copy, relativePath: "sub/one.csv" });
    expect(proof.entry).to.deep.equal({ path: "sub/one.csv", size: 3, sha256: (await fingerprintFile(copy)).sha256 });

    writeFileSync(copy, "One");
    const changed = await caught(proveFileInDirectory({ manifestFile, directoryHash: fp.hash, file: copy, relativePath: "sub/one.csv" }));
    expect((changed as FingerprintError).rule).to.match(/does not match/);
    writeFileSync(manifestFile, fp.manifest.replace("sub/one.csv", "sub/One.csv"));
    const forged = await caught(proveFileInDirectory({ manifestFile, directoryHash: fp.hash, file: copy, relativePath: "sub/One.csv" }));
    expect((forged as FingerprintError).rule).to.match(/not the directory fingerprint/);
  });
});
