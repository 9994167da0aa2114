/**
 * The dataset's fingerprint, computed in the browser: the files are read as streams and
 * streamed through SHA-256 (hash-wasm), so memory stays bounded whatever their size, and
 * nothing is ever uploaded. The same fingerprints as the SDK and `drl fingerprint`
 * (reference: sdk/fingerprint/fingerprint.ts, and the README's "Fingerprints"):
 *
 * - one file: the plain SHA-256 of its bytes (what `sha256sum FILE` prints), as 0x-hex;
 * - several files (a directory): the SHA-256 of the manifest, one line per regular file,
 *   `<sha256 hex> <size in bytes> <relative POSIX path>\n`, sorted by the UTF-8 bytes of the
 *   path (`LC_ALL=C sort`), no header, no empty directories (`manifestText`, `compareUtf8`).
 *
 * fingerprint.ts itself cannot be bundled for the browser (it imports node:crypto, node:fs and
 * node:path at module level), so the manifest encoding is re-implemented here, byte for byte.
 *
 * The verify page loads this module (with hash-wasm's SHA-256, about 10 KB compressed) only
 * when a dataset is first given. WebAssembly needs `'wasm-unsafe-eval'` in the page's
 * Content-Security-Policy: where the browser refuses to compile it, a plain JavaScript SHA-256
 * (slower, same result) is used.
 */
import { createSHA256 } from "hash-wasm";

/** Bytes hashed between two progress reports. */
export const CHUNK_BYTES = 8 * 1024 * 1024;

export interface HashProgress {
  /** Bytes hashed so far, over all files. */
  bytes: number;
  totalBytes: number;
  /** Files finished so far. */
  files: number;
  totalFiles: number;
}

export interface FileHash {
  /** 64 lower-case hex digits (what sha256sum prints). */
  sha256: string;
  /** The same, 0x-prefixed (what the contracts store as the content hash). */
  hash: string;
  size: number;
}

/** A file of the dataset with its path relative to the dataset's folder (`/`-separated). */
export interface DatasetFile {
  file: Blob;
  path: string;
}

/** One line of a directory manifest (as ManifestEntry in sdk/fingerprint/fingerprint.ts). */
export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export type HashEngine = "wasm" | "js";

export interface DatasetHash extends FileHash {
  kind: "file" | "directory";
  files: number;
  /** The manifest's exact text (its SHA-256 is `sha256`), for a directory; null for one file. */
  manifest: string | null;
  entries: ManifestEntry[];
  engine: HashEngine;
  /** Wall-clock time of the hashing, ms. */
  ms: number;
}

/** A dataset that cannot be fingerprinted as the SDK would (the message names the path). */
export class DatasetError extends Error {
  constructor(readonly path: string, readonly rule: string) {
    super(`${path}: ${rule}`);
    this.name = "DatasetError";
  }
}

// ─── The SHA-256 engines ──────────────────────────────────────────────────────────────────

interface Sha256 {
  init(): void;
  update(bytes: Uint8Array): void;
  /** 64 lower-case hex digits; init() again before reuse. */
  hex(): string;
}

let wasmRefused = false;

/** A hash-wasm hasher, or the JavaScript one where the browser refuses WebAssembly. */
async function newSha256(): Promise<{ h: Sha256; engine: HashEngine }> {
  if (!wasmRefused) {
    try {
      const w = await createSHA256();
      return {
        h: {
          init: () => void w.init(),
          update: (b) => void w.update(b),
          hex: () => w.digest("hex"),
        },
        engine: "wasm",
      };
    } catch {
      // A CSP without 'wasm-unsafe-eval' (or no WebAssembly at all): remember, and fall back.
      wasmRefused = true;
    }
  }
  return { h: new JsSha256(), engine: "js" };
}

// prettier-ignore
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
// prettier-ignore
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** FIPS 180-4 SHA-256 in plain JavaScript, incremental (the fallback engine). */
class JsSha256 implements Sha256 {
  private readonly state = new Int32Array(8);
  private readonly w = new Int32Array(64);
  private readonly block = new Uint8Array(64);
  private blockLen = 0;
  private length = 0;

  constructor() {
    this.init();
  }

  init(): void {
    this.state.set(H0);
    this.blockLen = 0;
    this.length = 0;
  }

  update(data: Uint8Array): void {
    this.length += data.length;
    let p = 0;
    if (this.blockLen > 0) {
      const take = Math.min(64 - this.blockLen, data.length);
      this.block.set(data.subarray(0, take), this.blockLen);
      this.blockLen += take;
      p = take;
      if (this.blockLen < 64) return;
      this.compress(this.block, 0);
      this.blockLen = 0;
    }
    for (; p + 64 <= data.length; p += 64) this.compress(data, p);
    if (p < data.length) {
      this.block.set(data.subarray(p), 0);
      this.blockLen = data.length - p;
    }
  }

  hex(): string {
    const bits = this.length * 8;
    const pad = new Uint8Array((this.blockLen < 56 ? 64 : 128) - this.blockLen);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(pad.length - 4, bits >>> 0);
    const length = this.length;
    this.update(pad);
    this.length = length;
    let out = "";
    for (const v of this.state) out += (v >>> 0).toString(16).padStart(8, "0");
    return out;
  }

  private compress(d: Uint8Array, p: number): void {
    const w = this.w;
    for (let i = 0; i < 16; i++, p += 4) w[i] = (d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!;
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    const s = this.state;
    let a = s[0]!,
      b = s[1]!,
      c = s[2]!,
      e = s[4]!,
      f = s[5]!,
      g = s[6]!,
      h = s[7]!,
      dd = s[3]!;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (dd + t1) | 0;
      dd = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    s[0] = (s[0]! + a) | 0;
    s[1] = (s[1]! + b) | 0;
    s[2] = (s[2]! + c) | 0;
    s[3] = (s[3]! + dd) | 0;
    s[4] = (s[4]! + e) | 0;
    s[5] = (s[5]! + f) | 0;
    s[6] = (s[6]! + g) | 0;
    s[7] = (s[7]! + h) | 0;
  }
}

// ─── Reading files ────────────────────────────────────────────────────────────────────────

/** Size of the buffer each BYOB read fills (probed in Chromium: 4 MiB read fastest of 256 KiB to 16 MiB). */
const READ_BYTES = 4 * 1024 * 1024;

/** Reads a Blob chunk by chunk; `cancel` ends the read early. */
interface ChunkReader {
  read(): Promise<Uint8Array | null>;
  cancel(): Promise<void>;
}

/**
 * A Blob's bytes in chunks. Where its stream is a byte stream (Chromium, Firefox), a BYOB reader
 * fills one reused 4 MiB buffer: in Chromium that hashes about twice as fast as the default
 * reader's small chunks (bench:portal). Elsewhere, the default reader.
 */
function chunksOf(blob: Blob): ChunkReader {
  const stream = blob.stream();
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream in this browser.
  }
  if (byob === null) {
    const plain = stream.getReader();
    return {
      read: async () => {
        const c = await plain.read();
        return c.done ? null : c.value;
      },
      cancel: () => plain.cancel(),
    };
  }
  const r = byob;
  let buffer = new ArrayBuffer(READ_BYTES);
  return {
    read: async () => {
      const c = await r.read(new Uint8Array(buffer));
      if (c.done || c.value === undefined) return null;
      // The read transfers the buffer into the view it returns; the next read reuses it.
      buffer = c.value.buffer as ArrayBuffer;
      return c.value;
    },
    cancel: () => r.cancel(),
  };
}

/**
 * Streams a Blob through the hasher, `onBytes` after each CHUNK_BYTES or so. Returns the bytes
 * read. An aborted `signal` stops it between chunks (its reason is thrown).
 */
async function feed(h: Sha256, blob: Blob, path: string, onBytes: (n: number) => void, signal?: AbortSignal): Promise<number> {
  const reader = chunksOf(blob);
  let offset = 0;
  let unreported = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      let chunk: Uint8Array | null;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new DatasetError(path, `cannot be read (${e instanceof Error ? e.name || e.message : String(e)}; was it changed or moved after it was chosen?)`);
      }
      if (chunk === null) break;
      h.update(chunk);
      offset += chunk.byteLength;
      unreported += chunk.byteLength;
      if (unreported >= CHUNK_BYTES) {
        onBytes(unreported);
        unreported = 0;
      }
    }
  } finally {
    // Ends the read when the hashing stops early (cancelled, or a read failed).
    await reader.cancel().catch(() => undefined);
  }
  if (offset !== blob.size) throw new DatasetError(path, "changed size while it was read (changed after it was chosen)");
  if (unreported > 0) onBytes(unreported);
  return offset;
}

function nameOf(blob: Blob): string {
  return typeof File !== "undefined" && blob instanceof File ? blob.name : "(data)";
}

/**
 * The plain SHA-256 of one file (= `sha256sum`), streamed; `onProgress(bytes, totalBytes)`
 * after each slice; `signal` cancels it; `name` is what an error calls the file.
 */
export async function hashFile(file: Blob, onProgress?: (p: { bytes: number; totalBytes: number }) => void, signal?: AbortSignal, name = nameOf(file)): Promise<FileHash & { engine: HashEngine }> {
  const { h, engine } = await newSha256();
  let bytes = 0;
  const size = await feed(
    h,
    file,
    name,
    (n) => {
      bytes += n;
      onProgress?.({ bytes, totalBytes: file.size });
    },
    signal
  );
  const sha256 = h.hex();
  return { sha256, hash: `0x${sha256}`, size, engine };
}

// ─── Directory manifests (sdk/fingerprint/fingerprint.ts) ────────────────────────────────

const utf8 = new TextEncoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Byte order of the UTF-8 encodings (what `LC_ALL=C sort` uses), not UTF-16 code units. */
export function compareUtf8(a: string, b: string): number {
  return compareBytes(utf8.encode(a), utf8.encode(b));
}

/** The manifest's text for these entries (already sorted), exactly as fingerprint.ts writes it. */
export function manifestText(entries: readonly ManifestEntry[]): string {
  return entries.map((e) => `${e.sha256} ${e.size} ${e.path}\n`).join("");
}

/**
 * A file's path inside the folder it was chosen or dropped with: `webkitRelativePath` (or a
 * dropped entry's `fullPath`) without its first segment, the folder's own name.
 */
export function pathInFolder(relative: string): string {
  const parts = relative.replace(/^\/+/, "").split("/");
  return parts.length > 1 ? parts.slice(1).join("/") : parts[0] ?? "";
}

/** Sorted, checked entries: relative POSIX paths, no newline, no repeat (as the SDK's walk gives). */
function sortedFiles(files: readonly DatasetFile[]): DatasetFile[] {
  const keyed = files.map((f) => {
    const path = f.path;
    if (path === "" || path.startsWith("/") || path.split("/").some((s) => s === "" || s === "." || s === "..")) {
      throw new DatasetError(path || "(unnamed)", "is not a relative path inside the folder");
    }
    if (path.includes("\n")) throw new DatasetError(path, "has a newline in its name (refused: the manifest is one line per file)");
    return { f, key: utf8.encode(path) };
  });
  keyed.sort((x, y) => compareBytes(x.key, y.key));
  for (let i = 1; i < keyed.length; i++) {
    if (compareBytes(keyed[i - 1]!.key, keyed[i]!.key) === 0) throw new DatasetError(keyed[i]!.f.path, "is listed twice");
  }
  return keyed.map((k) => k.f);
}

/**
 * The fingerprint of a dataset: for `kind` "file" (exactly one file) its SHA-256; for
 * "directory" the SHA-256 of the manifest of every file, by its path in the folder. `signal`
 * cancels it (a dataset replaced or removed while it was being hashed).
 */
export async function hashDataset(files: readonly DatasetFile[], kind: "file" | "directory", onProgress?: (p: HashProgress) => void, signal?: AbortSignal): Promise<DatasetHash> {
  const started = performance.now();
  const totalBytes = files.reduce((n, f) => n + f.file.size, 0);
  const totalFiles = files.length;
  if (kind === "file") {
    const one = files[0];
    if (files.length !== 1 || one === undefined) throw new DatasetError("(dataset)", `one file was expected, not ${files.length}`);
    const r = await hashFile(one.file, (p) => onProgress?.({ bytes: p.bytes, totalBytes, files: 0, totalFiles }), signal, one.path);
    onProgress?.({ bytes: r.size, totalBytes, files: 1, totalFiles });
    return { ...r, kind, files: 1, manifest: null, entries: [{ path: one.path, size: r.size, sha256: r.sha256 }], ms: performance.now() - started };
  }
  if (files.length === 0) throw new DatasetError("(dataset)", "the folder holds no file");
  const sorted = sortedFiles(files);
  const { h, engine } = await newSha256();
  const entries: ManifestEntry[] = [];
  let bytes = 0;
  for (const [i, f] of sorted.entries()) {
    h.init();
    const size = await feed(
      h,
      f.file,
      f.path,
      (n) => {
        bytes += n;
        onProgress?.({ bytes, totalBytes, files: i, totalFiles });
      },
      signal
    );
    entries.push({ path: f.path, size, sha256: h.hex() });
    // Small files give no slice callback worth painting: report each finished file too.
    onProgress?.({ bytes, totalBytes, files: i + 1, totalFiles });
  }
  const manifest = manifestText(entries);
  h.init();
  h.update(utf8.encode(manifest));
  const sha256 = h.hex();
  return { sha256, hash: `0x${sha256}`, size: bytes, kind, files: entries.length, manifest, entries, engine, ms: performance.now() - started };
}

// ─── Dropped folders ──────────────────────────────────────────────────────────────────────

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  // readEntries answers in batches (about 100 in Chromium) until an empty one.
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out);
        else {
          out.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

/**
 * The files of a drop, with their paths: one dropped file is a "file" dataset; one dropped
 * folder a "directory" with paths inside it; several items a "directory" of them all. Must be
 * given the entries read during the drop event itself (the DataTransfer empties after it).
 */
export async function filesOfDrop(entries: readonly FileSystemEntry[], fallback: readonly File[]): Promise<{ files: DatasetFile[]; kind: "file" | "directory" }> {
  if (entries.length === 0) {
    return { files: fallback.map((f) => ({ file: f, path: f.name })), kind: fallback.length === 1 ? "file" : "directory" };
  }
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only?.isFile) return { files: [{ file: await fileOf(only as FileSystemFileEntry), path: only.name }], kind: "file" };
  const strip = only?.isDirectory === true;
  const files: DatasetFile[] = [];
  const stack = [...entries];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.isDirectory) stack.push(...(await readAll(e as FileSystemDirectoryEntry)));
    else if (e.isFile) {
      const rel = e.fullPath.replace(/^\/+/, "");
      files.push({ file: await fileOf(e as FileSystemFileEntry), path: strip ? pathInFolder(rel) : rel });
    }
  }
  return { files, kind: "directory" };
}
