/**
 * The milestone report's table: one row per first in the period, with its incentives (and,
 * for those that count for nothing, why), the matching before the cap and the first's claim.
 * Amounts are major units as the CSV gives them (formatMinorUnits), with the currency.
 */
import type { Claim } from "../../../../sdk/incentives/claim";
import { formatMinorUnits } from "../../../../sdk/incentives/claim";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { href } from "../router";
import { Badge } from "./badge";
import type { AssetSummary } from "./member-assets";
import { TableRegion } from "./member-common";
import { Mono } from "./values";

export function MilestoneTable({ claim, assets }: { claim: Claim; assets: ReadonlyMap<string, AssetSummary> }) {
  const { t } = useI18n();
  const rule = claim.rule;
  const money = (minor: string, currency: string) => `${formatMinorUnits(minor, rule.minorUnitDigits)} ${currency}`;
  if (claim.firsts.length === 0) {
    return (
      <p class="none" data-testid="member-milestones">
        {t.memberNoFirsts}
      </p>
    );
  }
  return (
    <>
      <p>{t.memberFirstsCount(claim.firsts.length)}</p>
      <TableRegion label={t.memberFirstsTable}>
        <table class="member-table member-milestones-table" data-testid="member-milestones">
          <caption class="visually-hidden">{t.memberFirstsTable}</caption>
          <thead>
            <tr>
              <th scope="col">{t.memberColAsset}</th>
              <th scope="col">{t.memberColFirst}</th>
              <th scope="col">{t.memberColWhen}</th>
              <th scope="col">{t.block}</th>
              <th scope="col">{t.memberColIncentives}</th>
              <th scope="col" class="num">
                {t.memberColMatching}
              </th>
              <th scope="col" class="num">
                {t.memberColClaim}
              </th>
            </tr>
          </thead>
          <tbody>
            {claim.firsts.map((f, i) => {
              const asset = assets.get(f.assetId);
              const capped = BigInt(f.claim) < BigInt(f.matching);
              return (
                <tr key={`${f.block}-${f.assetId}-${f.kind}-${i}`} class={f.annulled ? "member-row-annulled" : undefined} data-annulled={f.annulled ? "true" : "false"}>
                  <th scope="row" class="member-cell-name">
                    <a href={href.asset(asset ? (asset.registrationNumber ?? asset.id) : f.assetId)}>{asset ? asset.name : <Mono>#{f.assetId}</Mono>}</a>
                    {asset && (
                      <span class="member-sub">
                        <Mono>{asset.registrationNumber ?? `#${asset.id}`}</Mono>
                      </span>
                    )}
                  </th>
                  <td>
                    <span class="member-kind">{t.milestoneName[f.kind]}</span>
                    {f.annulled && (
                      <>
                        {" "}
                        <Badge tone="dark" testId="member-annulled">
                          {t.memberAnnulled}
                        </Badge>
                      </>
                    )}
                  </td>
                  <td class="member-cell-time">
                    <Time unix={f.at} />
                  </td>
                  <td class="num">{f.block}</td>
                  <td class="member-cell-incentives">
                    {f.incentives.length === 0 ? (
                      <span class="none">{t.memberNoIncentives}</span>
                    ) : (
                      <ul class="plain member-incentives">
                        {f.incentives.map((inc, n) => (
                          <li key={n} class={inc.notCounted !== null ? "member-not-counted" : undefined} data-not-counted={inc.notCounted ?? undefined}>
                            <span class="member-level">{t.memberLevelName[inc.level]}</span> <span class="member-amount">{money(inc.amount, inc.currency)}</span>
                            <span class="member-inc-result">
                              {inc.notCounted === null ? t.memberMatchingOf(money(inc.matching, rule.currency)) : t.memberNotCounted(t.memberNotCountedName[inc.notCounted])}
                            </span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td class="num">{money(f.matching, rule.currency)}</td>
                  <td class="num">
                    <strong>{money(f.claim, rule.currency)}</strong>
                    {capped && <span class="member-sub member-capped">{t.memberCappedShort}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableRegion>
    </>
  );
}
