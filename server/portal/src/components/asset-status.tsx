/**
 * The asset's standing as badges (data-testid="asset-status"), derived from the asset answer's
 * fields, and the court holds and objections behind "frozen" and "disputed".
 */
import type { AssetResponse } from "../../../../sdk/api/schemas";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { Badge, assetStatusTone, type Tone } from "./badge";
import { Fields, Mono, WhereText } from "./values";

export function StatusBadges({ asset }: { asset: AssetResponse }) {
  const { t } = useI18n();
  const badges: [string, Tone, string][] = [[`status-${asset.status}`, assetStatusTone(asset.status), t.statusName[asset.status]]];
  if (asset.expired) badges.push(["expired", "muted", t.badgeExpired]);
  if (asset.disputed) badges.push(["disputed", "warn", t.badgeDisputed]);
  else if (asset.objectionsOpen) badges.push(["objection", "warn", t.badgeObjection]);
  if (asset.frozen) badges.push(["frozen", "danger", t.badgeFrozen]);
  if (asset.pledged) badges.push(["pledged", "special", t.badgePledged]);
  if (asset.listing?.live) badges.push(["listed", "teal", t.badgeListed]);
  return (
    <ul class="badges" data-testid="asset-status" aria-label={t.status}>
      {badges.map(([key, tone, label]) => (
        <li key={key} data-status={key}>
          <Badge tone={tone}>{label}</Badge>
        </li>
      ))}
    </ul>
  );
}

/** Publicity end, court holds and objections: shown only when the asset has them. */
export function StatusDetails({ asset }: { asset: AssetResponse }) {
  const { t } = useI18n();
  const publicity = asset.status === "publicity" && asset.publicityEnd !== null;
  if (!publicity && asset.holds.length === 0 && asset.objections.length === 0) return null;
  return (
    <div class="status-details">
      {publicity && asset.publicityEnd !== null && (
        <p>
          {t.publicityUntil}: <Time unix={asset.publicityEnd} />
        </p>
      )}
      {asset.holds.length > 0 && (
        <>
          <h2>{t.holdsHeading}</h2>
          <ul class="cards">
            {asset.holds.map((h) => (
              <li class="card card-danger" key={`${h.court}-${h.caseHash}`}>
                <Fields
                  rows={[
                    [t.caseHash, <Mono>{h.caseHash}</Mono>],
                    [t.court, <Mono>{h.court}</Mono>],
                    [t.placed, <WhereText where={h.placed} />],
                  ]}
                />
              </li>
            ))}
          </ul>
        </>
      )}
      {asset.objections.length > 0 && (
        <>
          <h2>{t.objectionsHeading}</h2>
          <ul class="cards">
            {asset.objections.map((o) => (
              <li class="card card-warn" key={o.id}>
                <p class="card-title">{t.objection(o.id)}</p>
                <Fields
                  rows={[
                    [t.claimant, <Mono>{o.claimant}</Mono>],
                    [t.evidenceHash, <Mono>{o.evidenceHash}</Mono>],
                    [t.filed, <WhereText where={o.filed} />],
                    [
                      t.admitted,
                      o.admitted ? (
                        <>
                          <Mono>{o.admitted.by}</Mono> · <WhereText where={o.admitted.at} />
                        </>
                      ) : (
                        t.notAdmitted
                      ),
                    ],
                  ]}
                />
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
