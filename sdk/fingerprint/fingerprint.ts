/**
 * Content fingerprints a court can recompute with ordinary tools.
 *
 * - A file's fingerprint is its plain SHA-256, equal to `sha256sum FILE`.
 * - A directory's fingerprint is the SHA-256 of its manifest: one line per regular file,
 *   `<sha256 hex> <size in bytes> <relative POSIX path>\n`, sorted by the UTF-8 bytes of the
 *   path (what `LC_ALL=C sort` does), no header, no empty directories. Reproduce with
 *
 *     cd DIR && find . -type f -print0 | LC_ALL=C sort -z \
 *       | while IFS= read -r -d '' f; do printf '%s %s %s\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "${f#./}"; done \
 *       | sha256sum
 *
 * Hashing streams through one reused buffer (constant memory) and reports progress. Symlinks,
 * devices, sockets and FIFOs are refused (FingerprintError naming the path), as are paths with
 * a newline (they would break the one-line-per-file format).
 */
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { lstat, open, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export class FingerprintError extends Error {
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(`${path}: ${rule}`);
    this.name = "FingerprintError";
  }
}

export interface FileFingerprint {
  /** SHA-256 as 64 lower-case hex digits (what sha256sum prints). */
  sha256: string;
  /** The same as a 0x-prefixed bytes32 (what the contracts store). */
  hash: string;
  size: number;
}

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface DirectoryFingerprint extends FileFingerprint {
  /** The manifest's exact bytes (its SHA-256 is `sha256`). `size` is the total of the files. */
  manifest: string;
  entries: ManifestEntry[];
}

export interface FileProgress {
  bytes: number;
  totalBytes: number;
}
export interface DirectoryProgress extends FileProgress {
  files: number;
  totalFiles: number;
}

const CHUNK = 1 << 20;
/** Files up to this size are read synchronously: per-file overhead dominates small files. */
const SMALL = 1 << 20;

function kindOf(st: { isSymbolicLink(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isSymbolicLink()) return "is a symbolic link (refused: fingerprint the target itself)";
  if (st.isDirectory()) return "is a directory";
  if (st.isFIFO()) return "is a FIFO (refused: only regular files are fingerprinted)";
  if (st.isSocket()) return "is a socket (refused: only regular files are fingerprinted)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "is a device (refused: only regular files are fingerprinted)";
  return "is not a regular file";
}

function ioError(p: string, e: unknown): FingerprintError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new FingerprintError(p, "does not exist");
  if (code === "EACCES" || code === "EPERM") return new FingerprintError(p, "cannot be read (permission denied)");
  if (code === "ELOOP") return new FingerprintError(p, "is a symbolic link (refused: fingerprint the target itself)");
  return new FingerprintError(p, `cannot be read (${code ?? "error"})`);
}

/** Hashes one regular file; `shared` is a reusable buffer (one per concurrent reader). */
async function hashRegular(file: string, shared: Buffer, onBytes?: (n: number, size: number) => void): Promise<FileFingerprint> {
  let fh;
  try {
    // O_NOFOLLOW: a symlink swapped in after the walk is still refused; O_NONBLOCK: a FIFO cannot hang us.
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(file, e);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new FingerprintError(file, kindOf(st));
    const hash = createHash("sha256");
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(shared, 0, shared.length, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === shared.length ? shared : shared.subarray(0, bytesRead));
      total += bytesRead;
      onBytes?.(bytesRead, st.size);
    }
    const sha256 = hash.digest("hex");
    return { sha256, hash: `0x${sha256}`, size: total };
  } catch (e) {
    if (e instanceof FingerprintError) throw e;
    throw ioError(file, e);
  } finally {
    await fh.close();
  }
}

/** The plain SHA-256 of a file (= `sha256sum`), streamed in 1 MiB pieces. */
export async function fingerprintFile(file: string, opts: { onProgress?: (p: FileProgress) => void } = {}): Promise<FileFingerprint> {
  let st;
  try {
    st = await lstat(file);
  } catch (e) {
    throw ioError(file, e);
  }
  if (!st.isFile()) throw new FingerprintError(file, kindOf(st));
  let bytes = 0;
  return hashRegular(file, Buffer.allocUnsafe(CHUNK), (n, size) => {
    bytes += n;
    opts.onProgress?.({ bytes, totalBytes: size });
  });
}

/** Byte order of the UTF-8 encodings (what `LC_ALL=C sort` uses), not UTF-16 code units. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Every regular file under `root`, as sorted relative POSIX paths; anything else is refused. */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const stack: string[] = [""];
  while (stack.length > 0) {
    const rel = stack.pop() ?? "";
    const abs = rel === "" ? root : path.join(root, rel);
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (e) {
      throw ioError(abs, e);
    }
    for (const d of entries) {
      const childRel = rel === "" ? d.name : `${rel}/${d.name}`;
      if (d.name.includes("\n")) throw new FingerprintError(path.join(root, childRel), "has a newline in its name (refused: the manifest is one line per file)");
      if (d.isDirectory()) stack.push(childRel);
      else if (d.isFile()) out.push(childRel);
      else throw new FingerprintError(path.join(root, childRel), kindOf(d));
    }
  }
  return out.sort(compareUtf8);
}

/** The manifest's bytes for these entries (already sorted). */
export function manifestText(entries: readonly ManifestEntry[]): string {
  return entries.map((e) => `${e.sha256} ${e.size} ${e.path}\n`).join("");
}

/**
 * The fingerprint of a directory: the SHA-256 of its manifest. Small files are read with
 * synchronous calls (open, fstat, read, close: a thread-pool round trip per call would cost
 * more than the read), yielding to the event loop every few hundred files; large files stream
 * through one 1 MiB buffer. Memory stays bounded by SMALL + 1 MiB whatever the directory holds.
 */
export async function fingerprintDirectory(dir: string, opts: { onProgress?: (p: DirectoryProgress) => void } = {}): Promise<DirectoryFingerprint> {
  let st;
  try {
    st = await lstat(dir);
  } catch (e) {
    throw ioError(dir, e);
  }
  if (!st.isDirectory()) throw new FingerprintError(dir, st.isSymbolicLink() ? kindOf(st) : "is not a directory");
  const files = await walk(dir);
  const entries: ManifestEntry[] = [];
  const buf = Buffer.allocUnsafe(CHUNK);
  let doneBytes = 0;
  for (const [i, rel] of files.entries()) {
    const abs = path.join(dir, rel);
    const fp = hashSmallSync(abs, buf) ?? (await hashRegular(abs, buf));
    entries.push({ path: rel, size: fp.size, sha256: fp.sha256 });
    doneBytes += fp.size;
    opts.onProgress?.({ files: i + 1, totalFiles: files.length, bytes: doneBytes, totalBytes: 0 });
    if (i % 256 === 255) await new Promise<void>((r) => setImmediate(r));
  }
  const manifest = manifestText(entries);
  const sha256 = createHash("sha256").update(manifest, "utf8").digest("hex");
  return { sha256, hash: `0x${sha256}`, size: entries.reduce((n, e) => n + e.size, 0), manifest, entries };
}

/** The fingerprint of a file of at most SMALL bytes, read synchronously; undefined for a larger one. */
function hashSmallSync(abs: string, buf: Buffer): FileFingerprint | undefined {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(abs, e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FingerprintError(abs, kindOf(st));
    if (st.size > SMALL) return undefined;
    const hash = createHash("sha256");
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      total += n;
    }
    const sha256 = hash.digest("hex");
    return { sha256, hash: `0x${sha256}`, size: total };
  } catch (e) {
    if (e instanceof FingerprintError) throw e;
    throw ioError(abs, e);
  } finally {
    closeSync(fd);
  }
}

/** A file or a directory, whichever `target` is. */
export async function fingerprint(
  target: string,
  opts: { onProgress?: (p: FileProgress | DirectoryProgress) => void } = {},
): Promise<FileFingerprint | DirectoryFingerprint> {
  let st;
  try {
    st = await lstat(target);
  } catch (e) {
    throw ioError(target, e);
  }
  return st.isDirectory() ? fingerprintDirectory(target, opts) : fingerprintFile(target, opts);
}

// ─── Saved manifests: showing that one file belonged to a directory ────────────────────

export async function saveManifest(file: string, fp: DirectoryFingerprint): Promise<void> {
  await writeFile(file, fp.manifest, "utf8");
}

/** Parses manifest bytes back into entries, refusing anything not in the exact format. */
export function parseManifest(text: string, source = "manifest"): ManifestEntry[] {
  if (text === "") return [];
  if (!text.endsWith("\n")) throw new FingerprintError(source, "does not end with a newline (not a manifest)");
  const entries: ManifestEntry[] = [];
  let previous: string | undefined;
  for (const [i, line] of text.slice(0, -1).split("\n").entries()) {
    const m = /^([0-9a-f]{64}) (0|[1-9]\d*) (.+)$/.exec(line);
    if (!m) throw new FingerprintError(source, `line ${i + 1} is not "<sha256> <size> <path>"`);
    const p = m[3] ?? "";
    if (previous !== undefined && compareUtf8(previous, p) >= 0) throw new FingerprintError(source, `line ${i + 1} is out of order or repeated`);
    previous = p;
    entries.push({ sha256: m[1] ?? "", size: Number(m[2]), path: p });
  }
  return entries;
}

export interface MembershipProof {
  /** The directory fingerprint the manifest hashes to (0x-hex). */
  directoryHash: string;
  entry: ManifestEntry;
}

/**
 * Shows that `file` belonged to the directory whose fingerprint is `directoryHash`: the saved
 * manifest must hash to it, and list `relativePath` with the file's SHA-256 and size.
 */
export async function proveFileInDirectory(input: {
  manifestFile: string;
  directoryHash: string;
  file: string;
  relativePath: string;
}): Promise<MembershipProof> {
  let text: string;
  try {
    text = await readFile(input.manifestFile, "utf8");
  } catch (e) {
    throw ioError(input.manifestFile, e);
  }
  const actual = `0x${createHash("sha256").update(text, "utf8").digest("hex")}`;
  if (actual !== input.directoryHash.toLowerCase())
    throw new FingerprintError(input.manifestFile, `hashes to ${actual}, not the directory fingerprint ${input.directoryHash}`);
  const entry = parseManifest(text, input.manifestFile).find((e) => e.path === input.relativePath);
  if (!entry) throw new FingerprintError(input.relativePath, "is not listed in the manifest");
  const fp = await fingerprintFile(input.file);
  if (fp.sha256 !== entry.sha256 || fp.size !== entry.size)
    throw new FingerprintError(input.file, `does not match the manifest's ${entry.path} (SHA-256 ${fp.sha256}, ${fp.size} bytes; listed ${entry.sha256}, ${entry.size} bytes)`);
  return { directoryHash: actual, entry };
}
