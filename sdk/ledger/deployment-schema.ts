/**
 * The deployment file's schema and validation, without file access: the browser (the portal's
 * verify page) builds the trusted deployment from these too. deployment.ts adds the file reader.
 */
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
