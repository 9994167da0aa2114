/**
 * The pre-trade verdict (GET /v1/assets/:ref/tradability): TRADABLE or BLOCKED as words in a
 * badge, every failed check in the contracts' order (the first is what the on-chain check
 * answers), the block it was computed at, and the two parties. The asset answer, when it came,
 * explains a freeze (which court, which case) and a pledge (to whom) under its reason.
 */
import type { AssetResponse, Tradability } from "../../../../sdk/api/schemas";
import { MESSAGES, useI18n } from "../i18n";
import { href } from "../router";
import { Badge } from "./badge";
import { Fields, Mono, PartyText, WhereText, formatAmount } from "./values";

type Reason = Tradability["reasons"][number];

const same = (a: string | null | undefined, b: string | null | undefined) => a != null && b != null && a.toLowerCase() === b.toLowerCase();

export function Verdict({ check, asset }: { check: Tradability; asset: AssetResponse | null }) {
  const { t, lang } = useI18n();
  // The other language's word too: a foreign member reading the zh page still gets the verdict.
  const other = MESSAGES[lang === "zh" ? "en" : "zh"];
  const word = check.tradable ? t.verdictTradable : t.verdictBlocked;
  const otherWord = check.tradable ? other.verdictTradable : other.verdictBlocked;
  const assetLabel = asset?.registrationNumber ?? `#${check.assetId}`;
  // The holder's member name, when the asset answer names the same address as the seller.
  const sellerName = asset?.holder && same(asset.holder.address, check.seller) ? asset.holder.name : null;
  return (
    <div class={`verdict ${check.tradable ? "verdict-ok" : "verdict-blocked"}`} data-tradable={String(check.tradable)}>
      <h2 id="check-verdict-heading" class="verdict-heading">
        <Badge tone={check.tradable ? "ok" : "danger"} testId="check-verdict-word">
          {word}
        </Badge>{" "}
        <span class="verdict-other" lang={lang === "zh" ? "en" : "zh-CN"}>
          {otherWord}
        </span>
      </h2>
      <p class="verdict-subject">
        {t.checkAsset}: <a href={href.asset(check.assetId)}>{asset ? `${asset.name} (${assetLabel})` : assetLabel}</a>
      </p>

      <h3 id="check-reasons-heading">{t.reasonsHeading}</h3>
      <p class={check.reasons.length === 0 ? "none" : "count"}>{check.reasons.length === 0 ? t.noReasons : t.reasonsCount(check.reasons.length)}</p>
      <ol class="cards reasons" data-testid="check-reasons" aria-labelledby="check-reasons-heading">
        {check.reasons.map((r, i) => (
          <ReasonItem key={`${r.code}-${r.party ?? ""}-${i}`} reason={r} first={i === 0} check={check} asset={asset} />
        ))}
      </ol>

      <p class="as-of" data-testid="check-block">
        {t.computedAtBlock(check.asOfBlock)}
      </p>
      <Fields
        rows={[
          [t.seller, check.seller === null ? <span class="none">{t.noSeller}</span> : <PartyText party={{ address: check.seller, name: sellerName }} testId="check-seller" />],
          [t.buyer, <Mono testId="check-buyer-address">{check.buyer}</Mono>],
          [t.checkRights, t.rightName[check.rights]],
        ]}
      />
    </div>
  );
}

function ReasonItem({ reason: r, first, check, asset }: { reason: Reason; first: boolean; check: Tradability; asset: AssetResponse | null }) {
  const { t } = useI18n();
  // Which side the party is, for NotMember (seller or buyer) and CrossBorderNotCleared (buyer).
  const roles = [same(r.party, check.seller) && t.partySeller, same(r.party, check.buyer) && t.partyBuyer].filter(Boolean).join(t.listSeparator);
  return (
    <li class="card card-danger reason" data-code={r.code}>
      <p class="card-title">
        {t.reasonName[r.code]} <code class="reason-code">{r.code}</code>
        {first && <span class="reason-first"> · {t.firstReason}</span>}
      </p>
      <p class="reason-message" lang="en">
        {r.message}
      </p>
      {r.party !== null && (
        <p class="reason-party">
          {t.reasonParty}
          {roles && ` (${roles})`}: <Mono>{r.party}</Mono>
        </p>
      )}
      {/* Details sit in paragraphs, not a nested list: the list holds exactly one item per reason. */}
      {r.code === "Frozen" && asset && asset.holds.length > 0 && (
        <div class="reason-details">
          {asset.holds.map((h) => (
            <p key={`${h.court}-${h.caseHash}`}>
              {t.frozenBy} · {t.court} <Mono>{h.court}</Mono> · {t.frozenCase} <Mono>{h.caseHash}</Mono> · <WhereText where={h.placed} />
            </p>
          ))}
        </div>
      )}
      {r.code === "Pledged" && asset && (
        <div class="reason-details">
          {asset.pledges
            .filter((p) => p.state === "active")
            .map((p) => (
              <p key={p.id}>
                {t.pledgedTo} <Mono>{p.pledgee}</Mono> · {t.pledge(p.id)} · {t.securedAmount} {formatAmount(p.securedAmount, p.currency)}
              </p>
            ))}
        </div>
      )}
    </li>
  );
}
