/** The commit a benchmark measured, and whether the folders it measures differ from it (so a figure is never credited to a commit it did not come from). */
import { execFileSync } from "node:child_process";

export function gitState(root: string, paths: readonly string[]): { commit: string | null; modified: boolean | null } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", ...paths], { cwd: root, encoding: "utf8" }).trim() !== "";
    return { commit, modified: dirty };
  } catch {
    return { commit: null, modified: null };
  }
}
