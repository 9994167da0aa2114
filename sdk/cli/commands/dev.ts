/** `drl dev accounts` and `drl dev advance-time`: the local chain's conveniences. */
import type { Command } from "commander";
import { DEV_ACCOUNT_NAMES, DEV_ACCOUNT_ROLE, devAccounts } from "../dev-accounts";
import { UsageError } from "../exit";
import { formatTime, table } from "../output";
import { parseDuration } from "../parse";
import { isLocalDevChain } from "../signer";
import { contextOf } from "./common";

export function registerDev(program: Command): void {
  const dev = program.command("dev").description("local development chain helpers");
  dev
    .command("accounts")
    .description("the development accounts by name and their addresses")
    .action((_f: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const accounts = devAccounts();
      ctx.out.result(accounts, () => table(["name", "address", "role"], DEV_ACCOUNT_NAMES.map((n) => [n, accounts[n], DEV_ACCOUNT_ROLE[n]])));
    });
  dev
    .command("advance-time")
    .description("local chain only: move time forward (30s, 10m, 2h, 7d or seconds) and mine a block")
    .argument("<duration>", "how far")
    .action(async (raw: string, _f: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const seconds = parseDuration("<duration>", raw);
      if (!ctx.local || !(await isLocalDevChain(ctx.rpc()))) throw new UsageError("advance-time", "works only on the local chain of drl start");
      await ctx.rawRpc("evm_increaseTime", [seconds]);
      await ctx.rawRpc("evm_mine", []);
      const block = (await ctx.rpc().getBlock("latest"))!;
      ctx.out.result({ advancedSeconds: seconds, blockNumber: block.number, timestamp: block.timestamp }, () => `Moved time forward by ${seconds} s; block ${block.number} is at ${formatTime(block.timestamp)}.`);
      ctx.close();
    });
}
