/**
 * What the asset answer says about firsts (milestones), its latest valuation, its pledges and
 * its listing on an exchange.
 */
import type { AssetResponse } from "../../../../sdk/api/schemas";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { Badge, pledgeStateTone } from "./badge";
import { Fields, Mono, WhereText, formatAmount } from "./values";

export function Firsts({ asset }: { asset: AssetResponse }) {
  const { t } = useI18n();
  return (
    <>
      {asset.milestones.length === 0 ? (
        <p class="none">{t.noFirsts}</p>
      ) : (
        <ul class="tags">
          {asset.milestones.map((m) => (
            <li key={m}>{t.milestoneName[m]}</li>
          ))}
        </ul>
      )}
      {asset.annulledMilestones.length > 0 && (
        <>
          <h3>{t.annulledFirsts}</h3>
          <ul class="tags tags-annulled">
            {asset.annulledMilestones.map((m) => (
              <li key={m}>
                <s>{t.milestoneName[m]}</s>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

export function Valuation({ asset }: { asset: AssetResponse }) {
  const { t } = useI18n();
  const v = asset.latestValuation;
  if (!v) return <p class="none">{t.noValuation}</p>;
  return (
    <Fields
      rows={[
        [t.value, <strong>{formatAmount(v.value, v.currency)}</strong>],
        [t.method, t.methodName[v.method] ?? v.method],
        [t.valuationDate, <Time unix={v.valuationDate} />],
        [t.evaluator, <Mono>{v.evaluator}</Mono>],
        [t.valuationId, v.valuationId],
      ]}
    />
  );
}

export function Pledges({ asset }: { asset: AssetResponse }) {
  const { t } = useI18n();
  if (asset.pledges.length === 0) return <p class="none">{t.noPledges}</p>;
  return (
    <ul class="cards">
      {asset.pledges.map((p) => (
        <li class="card" key={p.id}>
          <p class="card-title">
            {t.pledge(p.id)} <Badge tone={pledgeStateTone(p.state)}>{t.pledgeStateName[p.state]}</Badge>
          </p>
          <Fields
            rows={[
              [t.securedAmount, formatAmount(p.securedAmount, p.currency)],
              [t.dueDate, <Time unix={p.dueDate} />],
              [t.pledgor, <Mono>{p.pledgor}</Mono>],
              [t.pledgee, <Mono>{p.pledgee}</Mono>],
              [t.proposed, <WhereText where={p.proposed} />],
              p.activated && [t.activated, <WhereText where={p.activated} />],
              p.carried.length > 0 && [
                t.carried,
                <ul class="plain">
                  {p.carried.map((c) => (
                    <li key={c.at.tx + c.at.logIndex}>
                      <Mono>{t.carriedStep(c.from, c.to)}</Mono> · {t.caseHash} <Mono>{c.caseHash}</Mono> · <WhereText where={c.at} />
                    </li>
                  ))}
                </ul>,
              ],
              p.ended && [
                t.ended,
                <>
                  <WhereText where={p.ended.at} />
                  {p.ended.by !== null && (
                    <>
                      {" · "}
                      {t.by} <Mono>{p.ended.by}</Mono>
                    </>
                  )}
                  {p.ended.byCourt && ` · ${t.byCourt}`}
                  {p.ended.caseHash !== null && (
                    <>
                      {" · "}
                      {t.caseHash} <Mono>{p.ended.caseHash}</Mono>
                    </>
                  )}
                </>,
              ],
              [t.registryRefHash, <Mono>{p.registryRefHash}</Mono>],
            ]}
          />
        </li>
      ))}
    </ul>
  );
}

export function ListingInfo({ listing }: { listing: NonNullable<AssetResponse["listing"]> }) {
  const { t } = useI18n();
  return (
    <Fields
      rows={[
        [t.status, listing.live ? t.listingLive : t.listingLapsed],
        [t.exchange, <Mono>{listing.exchange}</Mono>],
        [t.holder, <Mono>{listing.holder}</Mono>],
        [t.listed, <WhereText where={listing.listed} />],
        [t.listingRefHash, <Mono>{listing.listingRefHash}</Mono>],
        [t.orderHash, <Mono>{listing.orderHash}</Mono>],
      ]}
    />
  );
}
