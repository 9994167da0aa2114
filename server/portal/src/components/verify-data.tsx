/**
 * The dataset's fingerprint on the verify page: a `<progress>` bar while the browser hashes
 * (the percentage in a polite live region, in steps of 10 so a screen reader is not flooded),
 * then the fingerprint itself in `data-testid="verify-data-hash"`, which also carries the
 * elapsed time and the bytes hashed (`data-hash-ms`, `data-hash-bytes`) for the benchmark; a
 * directory's manifest can be opened to compare with `drl fingerprint DIR --manifest`.
 */
import type { DatasetHash, HashProgress } from "../hash-files";
import { useI18n } from "../i18n";

/** A byte count for people: B, KiB, MiB, GiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** Lines of a manifest shown at most (the rest is counted). */
const MANIFEST_LINES = 200;

export type HashState =
  | { state: "idle" }
  | { state: "hashing"; progress: HashProgress; label: string }
  | { state: "done"; result: DatasetHash; label: string }
  | { state: "failed"; detail: string };

export function DataHashStatus({ hash }: { hash: HashState }) {
  const { t } = useI18n();
  if (hash.state === "idle" || hash.state === "failed") return null;
  if (hash.state === "hashing") {
    const p = hash.progress;
    const ratio = p.totalBytes > 0 ? p.bytes / p.totalBytes : p.totalFiles > 0 ? p.files / p.totalFiles : 0;
    const step = Math.min(100, Math.floor(ratio * 10) * 10);
    return (
      <div class="verify-hash-status" data-testid="verify-hashing">
        <label for="verify-hash-progress" class="verify-progress-label">
          {t.verifyHashProgress}
        </label>
        <progress id="verify-hash-progress" data-testid="verify-hash-progress" max={Math.max(p.totalBytes, 1)} value={Math.min(p.bytes, Math.max(p.totalBytes, 1))} />
        <p aria-live="polite" class="verify-progress-text">
          {t.verifyHashing(step)}
        </p>
        <p class="hint">
          {t.verifyHashedBytes(formatBytes(p.bytes), formatBytes(p.totalBytes))}
          {p.totalFiles > 1 && ` · ${t.verifyHashedFiles(p.files, p.totalFiles)}`}
        </p>
      </div>
    );
  }
  const r = hash.result;
  const seconds = (r.ms / 1000).toFixed(r.ms < 10_000 ? 2 : 1);
  const lines = r.manifest === null ? [] : r.manifest.split("\n").slice(0, -1);
  return (
    <div class="verify-hash-status" aria-live="polite">
      <p>{r.kind === "file" ? t.verifyHashFile(hash.label, formatBytes(r.size), seconds) : t.verifyHashDir(r.files, formatBytes(r.size), seconds)}</p>
      <p class="verify-hash">
        <code
          class="mono"
          data-testid="verify-data-hash"
          data-hash-ms={r.ms.toFixed(1)}
          data-hash-bytes={String(r.size)}
          data-hash-files={String(r.files)}
          data-hash-kind={r.kind}
          data-hash-engine={r.engine}
        >
          {r.hash}
        </code>
      </p>
      {r.engine === "js" && <p class="note">{t.verifyHashEngineJs}</p>}
      {r.manifest !== null && (
        <details class="verify-manifest">
          <summary>{t.verifyManifestShow}</summary>
          <pre class="mono">{lines.slice(0, MANIFEST_LINES).join("\n")}</pre>
          {lines.length > MANIFEST_LINES && <p class="hint">{t.verifyManifestMore(lines.length - MANIFEST_LINES)}</p>}
        </details>
      )}
    </div>
  );
}
