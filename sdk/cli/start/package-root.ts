/** The installed package's root (package.json, node_modules, deployments/config), from here or from dist/. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const NAME = "data-rights-ledger";

function isOurs(dir: string): boolean {
  const file = path.join(dir, "package.json");
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name === NAME;
  } catch {
    return false;
  }
}

export function packageRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (isOurs(dir)) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
