/**
 * The asset's licences (GET /v1/assets/:id/licenses), sublicences nested under the licence
 * they were granted from, each marked with its state (suspended and revoked stand out).
 */
import { useEffect, useState } from "preact/hooks";
import type { License } from "../../../../sdk/api/schemas";
import { api, failureOf, type Failure } from "../api";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { Badge, licenceStateTone } from "./badge";
import { ErrorBox } from "./error-box";
import { Fields, Mono, PartyText, WhereText, formatAmount } from "./values";

interface Loaded {
  licences: License[];
  active: number;
  ended: number;
  cursor: string | null;
}

type State = { state: "loading" } | { state: "failed"; failure: Failure } | { state: "done"; data: Loaded; more: "idle" | "loading" | Failure };

const byId = (a: License, b: License) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

export function Licences({ assetId }: { assetId: string }) {
  const { t } = useI18n();
  const [s, setS] = useState<State>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setS({ state: "loading" });
    api.licenses(assetId).then(
      (p) =>
        current &&
        setS({
          state: "done",
          data: { licences: [...p.active, ...p.ended].sort(byId), active: p.active.length, ended: p.ended.length, cursor: p.truncated ? p.cursor : null },
          more: "idle",
        }),
      (e: unknown) => current && setS({ state: "failed", failure: failureOf(e) }),
    );
    return () => {
      current = false;
    };
  }, [assetId, attempt]);

  async function more() {
    if (s.state !== "done" || s.data.cursor === null || s.more === "loading") return;
    const { data } = s;
    const cursor = data.cursor;
    if (cursor === null) return;
    setS({ ...s, more: "loading" });
    try {
      const p = await api.licenses(assetId, { cursor });
      setS((prev) =>
        prev.state === "done" && prev.data === data
          ? {
              state: "done",
              data: {
                licences: [...data.licences, ...p.active, ...p.ended].sort(byId),
                active: data.active + p.active.length,
                ended: data.ended + p.ended.length,
                cursor: p.truncated ? p.cursor : null,
              },
              more: "idle",
            }
          : prev,
      );
    } catch (e) {
      setS((prev) => (prev.state === "done" && prev.data === data ? { ...prev, more: failureOf(e) } : prev));
    }
  }

  if (s.state === "loading") return <p class="loading">{t.loading}</p>;
  if (s.state === "failed") return <ErrorBox failure={s.failure} onRetry={() => setAttempt((n) => n + 1)} />;
  const { data } = s;
  if (data.licences.length === 0 && data.cursor === null) return <p class="none">{t.noLicences}</p>;

  const map = new Map(data.licences.map((l) => [l.id, l]));
  // A sublicence whose parent is on a later page is shown at the top level until it arrives.
  const roots = data.licences.filter((l) => l.parentId === null || !map.has(l.parentId));
  return (
    <>
      <p>{t.licencesCount(data.active, data.ended)}</p>
      <ul class="licences cards">
        {roots.map((l) => (
          <LicenceItem key={l.id} licence={l} map={map} depth={0} />
        ))}
      </ul>
      {s.more !== "idle" && s.more !== "loading" && <ErrorBox failure={s.more} onRetry={more} />}
      {data.cursor !== null && (
        <p class="actions">
          <button type="button" onClick={more} aria-disabled={s.more === "loading"}>
            {s.more === "loading" ? t.loadingMore : t.moreLicences}
          </button>
        </p>
      )}
    </>
  );
}

function LicenceItem({ licence: l, map, depth }: { licence: License; map: Map<string, License>; depth: number }) {
  const { t } = useI18n();
  const subs = l.sublicenses.map((id) => map.get(id)).filter((x): x is License => x !== undefined);
  const tone = licenceStateTone(l.state);
  const flags = [l.sublicensable ? t.sublicensable : t.notSublicensable, l.revocable && t.revocable, l.viaOffer && t.viaOffer].filter(Boolean).join(t.listSeparator);
  return (
    <li class={`card licence card-${tone}`} data-licence-state={l.state}>
      <p class="card-title">
        {t.licence(l.id)} <Badge tone={tone}>{t.licenceStateName[l.state]}</Badge>
        {l.parentId !== null && <span class="sub-of"> · {t.sublicenceOf(l.parentId)}</span>}
      </p>
      <Fields
        rows={[
          [t.licensor, <PartyText party={l.licensor} />],
          [t.licensee, <PartyText party={l.licensee} />],
          [t.rights, l.rights.map((r) => t.rightName[r]).join(t.listSeparator)],
          [t.territory, t.territoryName[l.territory]],
          [t.start, <Time unix={l.start} />],
          [t.end, <Time unix={l.end} />],
          [t.fee, formatAmount(l.feeAmount, l.feeCurrency)],
          [t.terms, flags],
          [t.granted, <WhereText where={l.granted} />],
          l.revoked && [
            t.revoked,
            <>
              <Time unix={l.revoked.at} /> · {t.by} <Mono>{l.revoked.by}</Mono>
              {l.revoked.byCourt && ` · ${t.byCourt}`}
              {l.revoked.withConsent && ` · ${t.withConsent}`} · {t.reasonHash} <Mono>{l.revoked.reasonHash}</Mono>
            </>,
          ],
          l.ended && [
            t.ended,
            <>
              {t.endCauseName[l.ended.cause]} · <WhereText where={l.ended.at} />
              {l.ended.caseHash !== null && (
                <>
                  {" · "}
                  {t.caseHash} <Mono>{l.ended.caseHash}</Mono>
                </>
              )}
            </>,
          ],
        ]}
      />
      {subs.length > 0 && depth < 20 && (
        <>
          <p class="sub-heading">{t.sublicences}</p>
          <ul class="cards sublicences">
            {subs.map((c) => (
              <LicenceItem key={c.id} licence={c} map={map} depth={depth + 1} />
            ))}
          </ul>
        </>
      )}
    </li>
  );
}
