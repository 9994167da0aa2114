/**
 * deployments/<network>.json, as scripts/deploy.ts writes it: which chain, from which block,
 * and the address of every ledger contract. Validated before any client is built on it, so a
 * stale or hand-edited file fails with the field that is wrong rather than a revert later.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { getAddress } from "ethers";
import { z } from "zod";
import { DeploymentError } from "./errors";

/** The ledger's contracts by the keys the deployment file uses. */
export const LEDGER_KEYS = [
  "manager",
  "members",
  "registry",
  "office",
  "compliance",
  "licenses",
  "milestones",
  "disputes",
  "tradeDesk",
  "valuations",
  "pledges",
  "evidence",
  "emergencyStop",
  "incentives",
] as const;
export type LedgerKey = (typeof LEDGER_KEYS)[number];

const AddressField = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((a) => getAddress(a.toLowerCase()));

export const DeploymentSchema = z.object({
  network: z.string().min(1, "must not be empty"),
  chainId: z.number().int().positive("must be a positive chain id"),
  deployBlock: z.number().int().min(0, "must not be negative"),
  addresses: z.object(Object.fromEntries(LEDGER_KEYS.map((k) => [k, AddressField])) as Record<LedgerKey, typeof AddressField>),
});
export type Deployment = z.output<typeof DeploymentSchema>;

/** Validates a parsed deployment object (e.g. one built in a test from deployed addresses). */
export function parseDeployment(value: unknown, source = "deployment"): Deployment {
  const parsed = DeploymentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeploymentError(source, `${issue?.path.join(".") || "file"}: ${issue?.message ?? "is invalid"}`);
  }
  return parsed.data;
}

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
