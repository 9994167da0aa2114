/**
 * hashDataset (hash-files.ts) run in a worker (hash-worker.ts), so that reading and hashing a
 * large dataset never competes with the page for its thread; the same answers and errors. Where
 * the browser cannot start the worker, the page's own thread hashes it.
 */
import { DatasetError, hashDataset, type DatasetFile, type DatasetHash, type HashProgress } from "./hash-files";

export * from "./hash-files";

type Reply = { type: "progress"; progress: HashProgress } | { type: "done"; result: DatasetHash } | { type: "error"; path?: string; rule?: string; message?: string };

export function hashDatasetInWorker(files: readonly DatasetFile[], kind: "file" | "directory", onProgress?: (p: HashProgress) => void, signal?: AbortSignal): Promise<DatasetHash> {
  let worker: Worker;
  try {
    worker = new Worker(new URL("./hash-worker.ts", import.meta.url), { type: "module" });
  } catch {
    return hashDataset(files, kind, onProgress, signal);
  }
  return new Promise<DatasetHash>((resolve, reject) => {
    const stop = () => {
      worker.terminate();
      reject(signal?.reason instanceof Error ? signal.reason : new DOMException("the hashing was cancelled", "AbortError"));
    };
    signal?.addEventListener("abort", stop, { once: true });
    const end = () => {
      signal?.removeEventListener("abort", stop);
      worker.terminate();
    };
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const m = e.data;
      if (m.type === "progress") onProgress?.(m.progress);
      else if (m.type === "done") {
        end();
        resolve(m.result);
      } else {
        end();
        reject(m.path !== undefined && m.rule !== undefined ? new DatasetError(m.path, m.rule) : new Error(m.message ?? "the hashing failed"));
      }
    };
    // A worker that cannot load (a CSP or an old browser): hash here instead.
    worker.onerror = (ev) => {
      ev.preventDefault();
      end();
      hashDataset(files, kind, onProgress, signal).then(resolve, reject);
    };
    worker.postMessage({ files: [...files], kind });
  });
}
