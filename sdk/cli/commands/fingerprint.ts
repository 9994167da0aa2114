/** `drl fingerprint <file-or-dir> [--manifest OUT]`: the content hash, computed locally, nothing sent. */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { UsageError } from "../exit";
import { fields } from "../output";
import { contextOf, fileHash } from "./common";

export function registerFingerprint(program: Command): void {
  program
    .command("fingerprint")
    .description("print the content hash of a file (its SHA-256, as sha256sum) or a directory (SHA-256 of its manifest)")
    .argument("<file-or-dir>", "what to hash")
    .option("--manifest <out>", "save a directory's manifest (shows later that one file belonged to it)")
    .action(async (target: string, f: { manifest?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const fp = await fileHash(ctx, "<file-or-dir>", target);
      if (f.manifest !== undefined) {
        if (fp.manifest === undefined) throw new UsageError("--manifest", "applies to a directory only");
        try {
          await writeFile(f.manifest, fp.manifest, "utf8");
        } catch (e) {
          throw new UsageError("--manifest", `cannot write ${f.manifest} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
        }
      }
      const result = { contentHash: fp.hash, sha256: fp.sha256, size: fp.size, kind: fp.manifest === undefined ? "file" : "directory", ...(f.manifest ? { manifest: f.manifest } : {}) };
      ctx.out.result(result, () => fields([["content hash", fp.hash], ["sha256", fp.sha256], ["bytes", fp.size], ["manifest saved", f.manifest]]));
    });
}
