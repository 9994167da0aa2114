/**
 * The assets a member holds (GET /v1/members/:address/assets, every page), one table row each
 * with a link to the asset's page. Loaded by the page, which also names the report's assets.
 */
import type { AssetList } from "../../../../sdk/api/schemas";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { href } from "../router";
import type { Loaded } from "../use-load";
import { Badge, assetStatusTone } from "./badge";
import { ErrorBox } from "./error-box";
import { TableRegion } from "./member-common";
import { Mono } from "./values";

export type AssetSummary = AssetList["items"][number];

export function MemberAssets({ loaded, onRetry }: { loaded: Loaded<AssetSummary[]>; onRetry: () => void }) {
  const { t } = useI18n();
  if (loaded.state === "loading") return <p class="loading">{t.loading}</p>;
  if (loaded.state === "failed") return <ErrorBox failure={loaded.failure} onRetry={onRetry} />;
  const assets = loaded.value;
  if (assets.length === 0) {
    return (
      <p class="none" data-testid="member-assets">
        {t.memberNoAssets}
      </p>
    );
  }
  return (
    <>
      <p>{t.memberAssetsCount(assets.length)}</p>
      <TableRegion label={t.memberAssetsTable}>
        <table class="member-table" data-testid="member-assets">
          <caption class="visually-hidden">{t.memberAssetsTable}</caption>
          <thead>
            <tr>
              <th scope="col">{t.memberColAsset}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.kind}</th>
              <th scope="col">{t.grade}</th>
              <th scope="col">{t.rights}</th>
              <th scope="col">{t.validUntil}</th>
            </tr>
          </thead>
          <tbody>
            {assets.map((a) => (
              <tr key={a.id} data-asset-id={a.id}>
                <th scope="row" class="member-cell-name">
                  <a href={href.asset(a.registrationNumber ?? a.id)}>{a.name}</a>
                  <span class="member-sub">
                    <Mono>{a.registrationNumber ?? `#${a.id}`}</Mono>
                  </span>
                </th>
                <td>
                  <Badge tone={assetStatusTone(a.status)}>{t.statusName[a.status]}</Badge>
                </td>
                <td class="member-nowrap">{t.kindName[a.kind]}</td>
                <td class="member-nowrap">{t.gradeName[a.grade]}</td>
                <td>{a.rights.length === 0 ? <span class="none">{t.none}</span> : a.rights.map((r) => t.rightName[r]).join(t.listSeparator)}</td>
                <td class="member-cell-time">
                  <Time unix={a.validUntil} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </>
  );
}
