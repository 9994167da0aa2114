/** `drl transfer` and `drl trade order|list|delist|execute|record`. */
import type { Command } from "commander";
import { DELIVERY_MODE } from "../../api/enums";
import { readSellOrder, writeSellOrder } from "../../orders/order";
import { UsageError } from "../exit";
import { formatAmount, formatTime } from "../output";
import { parseAmount, parseCurrency, parseDate, parseEnum, parseId } from "../parse";
import { account, assetId, contextOf, hashText, printTx, signing, signingClient, type SigningFlags } from "./common";

function price(flag: string, v: string[] | undefined): { price: bigint; currency: string } {
  if (v === undefined || v.length !== 2) throw new UsageError(flag, "takes AMOUNT CURRENCY, e.g. --price 50000 CNY");
  return { price: parseAmount(flag, v[0] ?? ""), currency: parseCurrency(flag, v[1] ?? "") };
}

export function registerTrading(program: Command): void {
  signing(program.command("transfer").description("holder: transfer the holding right (the transfer rule applies)").argument("<ref>", "the asset").argument("<to>", "the new holder")).action(
    async (ref: string, to: string, f: SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const dest = account(ctx, "<to>", to);
      const id = await assetId(ctx, "<ref>", ref);
      const tx = await (await signingClient(ctx, f)).transfer({ assetId: id, to: dest });
      printTx(ctx, { ...tx, assetId: id }, `Transferred asset ${id} to ${dest}.`);
    },
  );
  const trade = program.command("trade").description("sell orders and exchange actions");
  signing(
    trade
      .command("order")
      .description("holder: sign a sell order for one exchange (nothing is sent) and write it to a file")
      .argument("<ref>", "the asset")
      .requiredOption("--exchange <addr>", "the exchange that may execute it")
      .requiredOption("--price <amount_currency...>", "AMOUNT CURRENCY, e.g. 50000 CNY")
      .option("--buyer <addr>", "only this buyer (default: any)")
      .requiredOption("--until <date>", "the order's deadline")
      .requiredOption("--out <file>", "where to write the signed order"),
  ).action(async (ref: string, f: { exchange: string; price: string[]; buyer?: string; until: string; out: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const p = price("--price", f.price);
    const deadline = parseDate("--until", f.until, { endOfDay: true });
    const exchange = account(ctx, "--exchange", f.exchange);
    const buyer = f.buyer === undefined ? undefined : account(ctx, "--buyer", f.buyer);
    const id = await assetId(ctx, "<ref>", ref);
    const signed = await (await signingClient(ctx, f)).signSellOrder({ assetId: id, exchange, ...(buyer ? { buyer } : {}), price: p.price, currency: p.currency, deadline });
    try {
      await writeSellOrder(f.out, signed);
    } catch (e) {
      throw new UsageError("--out", `cannot write ${f.out} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    ctx.out.result({ file: f.out, assetId: id, exchange, price: p.price, currency: p.currency, deadline, signer: signed.signer }, () => `Wrote the signed sell order for asset ${id} at ${formatAmount(p.price, p.currency)} to ${f.out} (valid until ${formatTime(deadline)}).`);
  });
  signing(trade.command("list").description("exchange: list the asset of a signed sell order").argument("<order.json>", "the order file").requiredOption("--ref <text>", "the exchange's listing reference (stored hashed)")).action(
    async (file: string, f: { ref: string } & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const order = await readSellOrder(file);
      const tx = await (await signingClient(ctx, f)).list({ order, listingRefHash: hashText("--ref", f.ref) });
      printTx(ctx, { ...tx, assetId: order.order.assetId }, `Listed asset ${order.order.assetId}.`);
    },
  );
  signing(trade.command("delist").description("exchange or holder: end a listing").argument("<ref>", "the asset").requiredOption("--reason <text>", "why (stored hashed)")).action(
    async (ref: string, f: { reason: string } & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const reasonHash = hashText("--reason", f.reason);
      const id = await assetId(ctx, "<ref>", ref);
      const tx = await (await signingClient(ctx, f)).delist({ assetId: id, reasonHash });
      printTx(ctx, { ...tx, assetId: id }, `Delisted asset ${id}.`);
    },
  );
  signing(
    trade
      .command("execute")
      .description("exchange: execute a signed sell order; the holding right moves to the buyer")
      .argument("<order.json>", "the order file")
      .requiredOption("--buyer <addr>", "the buyer")
      .option("--mode <m>", `delivery (${DELIVERY_MODE.join(", ")})`, "plaintext")
      .requiredOption("--ref <text>", "the exchange's deal reference (stored hashed)"),
  ).action(async (file: string, f: { buyer: string; mode: string; ref: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const order = await readSellOrder(file);
    const buyer = account(ctx, "--buyer", f.buyer);
    const mode = parseEnum("--mode", DELIVERY_MODE, f.mode);
    const tx = await (await signingClient(ctx, f)).trade({ order, buyer, mode, exchangeRefHash: hashText("--ref", f.ref) });
    printTx(ctx, tx, `Trade ${tx.tradeId}: asset ${order.order.assetId} sold to ${buyer}.`, [["trade id", tx.tradeId]]);
  });
  signing(
    trade
      .command("record")
      .description("exchange: record the sale of a licence")
      .argument("<license-id>", "the licence sold")
      .requiredOption("--price <amount_currency...>", "AMOUNT CURRENCY")
      .option("--mode <m>", `delivery (${DELIVERY_MODE.join(", ")})`, "plaintext")
      .requiredOption("--ref <text>", "the exchange's deal reference (stored hashed)"),
  ).action(async (raw: string, f: { price: string[]; mode: string; ref: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const licenseId = parseId("<license-id>", raw);
    const p = price("--price", f.price);
    const mode = parseEnum("--mode", DELIVERY_MODE, f.mode);
    const tx = await (await signingClient(ctx, f)).tradeLicense({ licenseId, price: p.price, currency: p.currency, mode, exchangeRefHash: hashText("--ref", f.ref) });
    printTx(ctx, tx, `Trade ${tx.tradeId}: licence ${licenseId} sold.`, [["trade id", tx.tradeId]]);
  });
}
