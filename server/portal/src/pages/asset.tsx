/**
 * The asset page (`#/asset/<ref>`): GET /v1/assets/:ref together with its history's first page
 * (the page's longest answer; both are usually on their way already, early-answers.ts), shown
 * in one go; then the licences and lineage load on their own (each with its own error state,
 * so one failing section does not blank the rest), all by the asset's id.
 */
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import type { AssetResponse, History } from "../../../../sdk/api/schemas";
import { api, certificateUrl } from "../api";
import { StatusBadges, StatusDetails } from "../components/asset-status";
import { ErrorBox } from "../components/error-box";
import { Firsts, ListingInfo, Pledges, Valuation } from "../components/finance";
import { Licences } from "../components/licences";
import { Lineage } from "../components/lineage";
import { PAGE_SIZE, Timeline } from "../components/timeline";
import { Fields, Mono, PartyText, WhereText } from "../components/values";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { href } from "../router";
import { useLoad } from "../use-load";

export function AssetPage({ assetRef }: { assetRef: string }) {
  const { t } = useI18n();
  // The history's first page with the asset (the API takes any ref), rendered in the same
  // commit: one layout of the whole page, not a second one for the timeline. A failed history
  // is null, left to the timeline to ask again; it never holds back the asset.
  const [loaded, retry] = useLoad(
    () => Promise.all([api.asset(assetRef), api.history(assetRef, { limit: PAGE_SIZE }).catch(() => null)]),
    [assetRef],
  );
  const name = loaded.state === "done" ? loaded.value[0].name : assetRef;

  useEffect(() => {
    document.title = `${name} · 数据确权登记簿 · Data Rights Ledger`;
  }, [name]);

  if (loaded.state === "loading") {
    return (
      <div aria-live="polite" aria-busy="true">
        <h1>{t.assetHeading}</h1>
        <p class="loading">{t.loading}</p>
      </div>
    );
  }
  if (loaded.state === "failed") {
    return (
      <div aria-live="polite">
        <h1>{t.assetHeading}</h1>
        <ErrorBox failure={loaded.failure} notFoundText={t.assetNotFound(assetRef)} onRetry={retry} backToSearch />
      </div>
    );
  }
  return <AssetView asset={loaded.value[0]} firstHistory={loaded.value[1]} />;
}

function Section({ id, title, children, wide = false }: { id: string; title: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <section class={wide ? "panel panel-wide" : "panel"} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function AssetView({ asset: a, firstHistory }: { asset: AssetResponse; firstHistory: History | null }) {
  const { t } = useI18n();
  const hasCompliance = a.crossBorderClearances.length > 0 || a.sandboxApproval !== null || a.deidentificationReview !== null;
  return (
    <article class="asset" aria-labelledby="asset-name">
      <header class="asset-header">
        <p class="eyebrow">{t.assetHeading}</p>
        <h1 id="asset-name">{a.name}</h1>
        <p class="asset-ids">
          <span>
            {t.registrationNumber}: <Mono>{a.registrationNumber ?? t.noRegistrationNumber}</Mono>
          </span>
          <span>
            {t.assetId}: <Mono>{a.id}</Mono>
          </span>
          <span class="as-of">{t.asOfBlock(a.asOfBlock)}</span>
        </p>
        <StatusBadges asset={a} />
        <StatusDetails asset={a} />
        <p class="asset-actions">
          <a href={href.check({ asset: a.id })} data-testid="asset-check-link">
            {t.checkThisAsset}
          </a>
        </p>
      </header>

      <div class="asset-grid">
        <Section id="overview" title={t.overviewHeading} wide>
          <Fields
            rows={[
              [
                t.holder,
                a.holder ? (
                  <span class="party">
                    {a.holder.name !== null ? <a href={href.member(a.holder.address)}><Mono testId="asset-holder">{a.holder.address}</Mono></a> : <Mono testId="asset-holder">{a.holder.address}</Mono>}
                    <span class="party-name">
                      {t.holderName}: {a.holder.name ?? t.notMember}
                    </span>
                  </span>
                ) : (
                  <span class="none">{t.noHolder}</span>
                ),
              ],
              [t.rights, a.rights.length === 0 ? t.none : <ul class="tags">{a.rights.map((r) => <li key={r}>{t.rightName[r]}</li>)}</ul>],
              [t.grade, t.gradeName[a.grade]],
              [t.category, t.categoryName[a.category]],
              [t.kind, a.kind === "product" && a.productForm !== "none" ? `${t.kindName[a.kind]} · ${t.productFormName[a.productForm]}` : t.kindName[a.kind]],
              [t.sourceType, t.sourceTypeName[a.sourceType]],
              [t.personalInfo, t.personalInfoName[a.personalInfo]],
              [t.validUntil, <Time unix={a.validUntil} />],
              [t.applicant, <PartyText party={a.applicant} />],
              [t.registrantType, t.memberTypeName[a.registrantType]],
              [t.applied, <WhereText where={a.applied} />],
              a.confirmed && [
                t.confirmed,
                <>
                  <Time unix={a.confirmed.at} /> · {t.by} <Mono>{a.confirmed.by}</Mono>
                </>,
              ],
              a.refused && [
                t.refused,
                <>
                  {t.by} <Mono>{a.refused.by}</Mono> · {t.reasonHash} <Mono>{a.refused.reasonHash}</Mono>
                </>,
              ],
              a.cancelled && [
                t.cancelled,
                <>
                  <Time unix={a.cancelled.at} /> · {t.by} <Mono>{a.cancelled.by}</Mono> · {t.lastHolder} <Mono>{a.cancelled.lastHolder}</Mono> · {t.reasonHash}{" "}
                  <Mono>{a.cancelled.reasonHash}</Mono>
                </>,
              ],
              [t.updated, <WhereText where={a.updated} />],
            ]}
          />
        </Section>

        <Section id="certificate" title={t.certificateHeading}>
          <p>{a.status === "registered" ? t.certificateNote : t.certificateNotRegistered}</p>
          <ul class="downloads">
            <li>
              <a class="button" href={certificateUrl.pdf(a.id)} download={`certificate-${a.id}.pdf`} type="application/pdf" data-testid="cert-pdf">
                {t.downloadPdf}
              </a>
            </li>
            <li>
              <a class="button" href={certificateUrl.json(a.id)} download={`certificate-${a.id}.json`} type="application/json" data-testid="cert-json">
                {t.downloadJson}
              </a>
            </li>
          </ul>
        </Section>

        <Section id="lineage" title={t.lineageHeading}>
          <Lineage assetId={a.id} />
        </Section>

        <Section id="firsts" title={t.firstsHeading}>
          <Firsts asset={a} />
        </Section>

        <Section id="valuation" title={t.valuationHeading}>
          <Valuation asset={a} />
        </Section>

        <Section id="pledges" title={t.pledgesHeading}>
          <Pledges asset={a} />
        </Section>

        {a.listing && (
          <Section id="listing" title={t.listingHeading}>
            <ListingInfo listing={a.listing} />
          </Section>
        )}

        {hasCompliance && (
          <Section id="compliance" title={t.complianceHeading}>
            <Compliance asset={a} />
          </Section>
        )}

        <Section id="licences" title={t.licencesHeading} wide>
          <Licences assetId={a.id} />
        </Section>

        <Section id="timeline" title={t.timelineHeading} wide>
          <Timeline assetId={a.id} firstPage={firstHistory} />
        </Section>

        <Section id="technical" title={t.technicalHeading} wide>
          <Fields
            rows={[
              [t.contentHash, <Mono>{a.contentHash}</Mono>],
              [t.sourceEvidenceHash, <Mono>{a.sourceEvidenceHash}</Mono>],
              [t.metadataHash, <Mono>{a.metadataHash}</Mono>],
              // Shown as text, not a link: the URI is the applicant's claim, not vetted by the ledger.
              [t.metadataUri, <Mono>{a.metadataUri || t.none}</Mono>],
              [t.metadataVersion, String(a.metadataVersion)],
              [t.commitment, <Mono>{a.commitment}</Mono>],
            ]}
          />
        </Section>
      </div>
    </article>
  );
}

function Compliance({ asset: a }: { asset: AssetResponse }) {
  const { t } = useI18n();
  return (
    <>
      {a.crossBorderClearances.length > 0 && (
        <>
          <h3>{t.clearancesHeading}</h3>
          <ul class="cards">
            {a.crossBorderClearances.map((c) => (
              <li class="card" key={c.recipient}>
                <Fields
                  rows={[
                    [t.recipient, <Mono>{c.recipient}</Mono>],
                    [t.mechanism, t.mechanismName[c.mechanism]],
                    [t.validUntil, <Time unix={c.validUntil} />],
                    [t.regulator, <Mono>{c.regulator}</Mono>],
                    [t.routeHash, <Mono>{c.routeHash}</Mono>],
                  ]}
                />
              </li>
            ))}
          </ul>
        </>
      )}
      {a.sandboxApproval && (
        <>
          <h3>{t.sandboxApproval}</h3>
          <Fields
            rows={[
              [t.validUntil, <Time unix={a.sandboxApproval.validUntil} />],
              [t.regulator, <Mono>{a.sandboxApproval.regulator}</Mono>],
              [t.approvalHash, <Mono>{a.sandboxApproval.approvalHash}</Mono>],
            ]}
          />
        </>
      )}
      {a.deidentificationReview && (
        <>
          <h3>{t.deidentificationReview}</h3>
          <Fields
            rows={[
              [t.status, a.deidentificationReview.passed ? t.reviewPassed : t.reviewFailed],
              [t.regulator, <Mono>{a.deidentificationReview.regulator}</Mono>],
              [t.reportHash, <Mono>{a.deidentificationReview.reportHash}</Mono>],
            ]}
          />
        </>
      )}
    </>
  );
}
