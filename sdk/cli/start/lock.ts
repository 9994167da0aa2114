/** One `drl start` per data directory: a pid file, taken over only when its process is gone. */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../exit";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the data directory's lock; returns its release. */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, "drl-start.pid");
  let other = 0;
  try {
    other = Number(readFileSync(file, "utf8").trim());
  } catch {
    other = 0;
  }
  if (other > 0 && other !== process.pid && alive(other)) {
    throw new UsageError("--data-dir", `${dir} is in use by another drl start (pid ${other}); stop it or pick another --data-dir`);
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    } catch {
      // already gone
    }
  };
}
