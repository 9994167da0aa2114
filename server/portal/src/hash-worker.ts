/**
 * The dataset hasher in a worker of its own: the page's thread only paints the progress bar,
 * while this one reads the files and runs the WebAssembly SHA-256 (hash-files.ts).
 * Messages in: { files, kind }. Out: { type: "progress", progress } | { type: "done", result } |
 * { type: "error", path, rule } (a DatasetError) | { type: "error", message }.
 */
import { DatasetError, hashDataset, type DatasetFile } from "./hash-files";

self.onmessage = async (e: MessageEvent<{ files: DatasetFile[]; kind: "file" | "directory" }>) => {
  try {
    const result = await hashDataset(e.data.files, e.data.kind, (progress) => self.postMessage({ type: "progress", progress }));
    self.postMessage({ type: "done", result });
  } catch (err) {
    self.postMessage(err instanceof DatasetError ? { type: "error", path: err.path, rule: err.rule } : { type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
