/**
 * TradeDesk: sell orders, listings (on the holder's order; a listing lapses when the holder
 * changes) and trades.
 */
import { DELIVERY_MODE, enumName } from "../../../sdk/api/enums";
import type { TradeDesk } from "../../../typechain-types/contracts/exchange/TradeDesk";
import { K } from "../../store/keys";
import type { StoredCase } from "../../store/records";
import { contract } from "./define";

export default contract<TradeDesk>("tradeDesk")
  .on("SellOrderPlaced", {
    fields: {
      orderHash: "hash",
      assetId: "dec",
      holder: "address",
      order: { assetId: "dec", exchange: "address", buyer: "address", price: "dec", currency: "bytes3", deadline: "dec", nonce: "dec" },
    },
    summary: (a, f) => `${f.who(a.holder)} placed a sell order on chain for exchange ${f.who(a.order.exchange)} at ${a.order.price} (order ${f.short(a.orderHash)})`,
  })
  .on("Listed", {
    fields: { assetId: "dec", exchange: "address", holder: "address", listingRefHash: "hash", orderHash: "hash" },
    summary: (a, f) => `Listed by exchange ${f.who(a.exchange)} on the sell order of ${f.who(a.holder)}`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.listing = { exchange: a.exchange, holder: a.holder, listingRefHash: a.listingRefHash, orderHash: a.orderHash, listed: where };
      }),
  })
  .on("Delisted", {
    fields: { assetId: "dec", exchange: "address", by: "address", reasonHash: "hash" },
    summary: (a, f) => `Delisted from exchange ${f.who(a.exchange)} by ${f.who(a.by)}`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.listing = null;
      }),
  })
  .on("TradeRecorded", {
    fields: {
      tradeId: "dec",
      assetId: "dec",
      exchange: "address",
      seller: "address",
      buyer: "address",
      licenseId: "dec",
      price: "dec",
      currency: "bytes3",
      mode: "num",
      exchangeRefHash: "hash",
    },
    summary: (a, f) => {
      const what = a.licenseId === "0" ? "the holding right" : `licence ${a.licenseId}`;
      return `Trade ${a.tradeId} of ${what} from ${f.who(a.seller)} to ${f.who(a.buyer)} for ${a.price} (${enumName(DELIVERY_MODE, a.mode)} delivery)`;
    },
    apply: (a, { db, where, event }) => {
      const c: StoredCase = { ...where, id: a.tradeId, assetId: a.assetId, state: "recorded", fields: event.args };
      db.putNew(K.trade(c.id), c);
    },
  })
  .on("NonceUsed", {
    fields: { signer: "address", nonce: "dec" },
    summary: (a, f) => `A sell order of ${f.who(a.signer)} was used (nonce ${a.nonce})`,
  })
  .on("NonceCancelled", {
    fields: { signer: "address", nonce: "dec" },
    summary: (a, f) => `${f.who(a.signer)} cancelled the sell-order nonce ${a.nonce}`,
  })
  .on("EIP712DomainChanged", {
    fields: {},
    summary: () => "The EIP-712 domain changed",
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
