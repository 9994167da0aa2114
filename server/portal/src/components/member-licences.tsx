/**
 * The licences granted to a member as licensee (GET /v1/members/:address/licenses, every
 * page, newest first): the asset, licensor, rights, state and term of each. A suspended
 * licence is marked as a warning and an ended one (expired, revoked, ended, parent not in
 * force) is greyed, always with the state in words, the same labels as the asset page's.
 */
import type { License } from "../../../../sdk/api/schemas";
import { api } from "../api";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { href } from "../router";
import { useLoad } from "../use-load";
import { Badge, licenceStateTone, type Tone } from "./badge";
import { ErrorBox } from "./error-box";
import { TableRegion, collect } from "./member-common";
import { Mono, PartyText, formatAmount } from "./values";

/** In force or pending, as the asset page counts them (AssetLicenses' `active`). */
const IN_FORCE: readonly License["state"][] = ["active", "notStarted", "suspended"];

function rowClass(tone: Tone): string | undefined {
  if (tone === "warn") return "member-row-warn";
  if (tone === "danger") return "member-row-danger";
  if (tone === "muted") return "member-row-muted";
  return undefined;
}

export function MemberLicences({ address }: { address: string }) {
  const { t } = useI18n();
  const [loaded, retry] = useLoad(() => collect(api.allMemberLicenses(address)), [address]);
  if (loaded.state === "loading") return <p class="loading">{t.loading}</p>;
  if (loaded.state === "failed") return <ErrorBox failure={loaded.failure} onRetry={retry} />;
  const licences = loaded.value;
  if (licences.length === 0) {
    return (
      <p class="none" data-testid="member-licences">
        {t.memberNoLicences}
      </p>
    );
  }
  const inForce = licences.filter((l) => IN_FORCE.includes(l.state)).length;
  return (
    <>
      <p>{t.licencesCount(inForce, licences.length - inForce)}</p>
      <TableRegion label={t.memberLicencesTable}>
        <table class="member-table" data-testid="member-licences">
          <caption class="visually-hidden">{t.memberLicencesTable}</caption>
          <thead>
            <tr>
              <th scope="col">{t.memberColLicence}</th>
              <th scope="col">{t.memberColAsset}</th>
              <th scope="col">{t.memberColState}</th>
              <th scope="col">{t.rights}</th>
              <th scope="col">{t.memberColTerm}</th>
              <th scope="col">{t.licensor}</th>
              <th scope="col">{t.territory}</th>
              <th scope="col">{t.fee}</th>
            </tr>
          </thead>
          <tbody>
            {licences.map((l) => {
              const tone = licenceStateTone(l.state);
              return (
                <tr key={l.id} class={rowClass(tone)} data-licence-state={l.state}>
                  <th scope="row">
                    <span class="member-nowrap">{t.licence(l.id)}</span>
                    {l.parentId !== null && <span class="member-sub sub-of">{t.sublicenceOf(l.parentId)}</span>}
                  </th>
                  <td class="member-nowrap">
                    <a href={href.asset(l.assetId)}>
                      <Mono>#{l.assetId}</Mono>
                    </a>
                  </td>
                  <td class="member-nowrap">
                    <Badge tone={tone}>{t.licenceStateName[l.state]}</Badge>
                  </td>
                  <td>{l.rights.map((r) => t.rightName[r]).join(t.listSeparator)}</td>
                  <td class="member-cell-time">
                    <span class="member-term">
                      <span class="label">{t.start}: </span>
                      <Time unix={l.start} />
                    </span>
                    <span class="member-term">
                      <span class="label">{t.end}: </span>
                      <Time unix={l.end} />
                    </span>
                  </td>
                  <td class="member-cell-party">
                    <PartyText party={l.licensor} />
                  </td>
                  <td class="member-nowrap">{t.territoryName[l.territory]}</td>
                  <td class="num">{formatAmount(l.feeAmount, l.feeCurrency)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableRegion>
      <p class="note">{t.memberLicencesNote}</p>
    </>
  );
}
