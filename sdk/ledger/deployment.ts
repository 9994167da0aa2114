/**
 * deployments/<network>.json, as scripts/deploy.ts writes it: which chain, from which block,
 * and the address of every ledger contract. Validated before any client is built on it, so a
 * stale or hand-edited file fails with the field that is wrong rather than a revert later.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { DeploymentError } from "./errors";
import { parseDeployment, type Deployment } from "./deployment-schema";

export { DeploymentSchema, LEDGER_KEYS, parseDeployment, type Deployment, type LedgerKey } from "./deployment-schema";

/** Reads deployments/<network>.json under `dir` (default: ./deployments), or a file path. */
export function loadDeployment(networkOrFile: string, dir = "deployments"): Deployment {
  const isFile = networkOrFile.endsWith(".json");
  const file = isFile ? networkOrFile : path.join(dir, `${networkOrFile}.json`);
  // A file path may hold any character (a data directory "My Dir"); a network name picks a file
  // under `dir` and may not climb out of it.
  if (!isFile && !/^[A-Za-z0-9_.-]+$/.test(networkOrFile)) throw new DeploymentError(file, "network names are letters, digits, '-', '_' and '.'");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DeploymentError(file, code === "ENOENT" ? "no such deployment file (deploy first, or pick another --network)" : `cannot be read (${code ?? "error"})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DeploymentError(file, "is not valid JSON");
  }
  return parseDeployment(json, file);
}
