/** Every command that acts on the ledger, by area. */
import type { Command } from "commander";
import { registerAssets } from "./assets";
import { registerEvidence } from "./evidence";
import { registerFinance } from "./finance";
import { registerLicensing } from "./licensing";
import { registerMembers } from "./members";
import { registerOversight } from "./oversight";
import { registerTrading } from "./trading";

export function registerLedgerCommands(program: Command): void {
  registerMembers(program);
  registerAssets(program);
  registerLicensing(program);
  registerTrading(program);
  registerFinance(program);
  registerOversight(program);
  registerEvidence(program);
}
