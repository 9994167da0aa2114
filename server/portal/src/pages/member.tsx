/**
 * The member page (`#/member/<address>`, `?from=YYYY-MM-DD&to=YYYY-MM-DD` for the report's
 * period): GET /v1/members/:address first (a 404 says the address is not a member, never a
 * blank page); once it answers, the assets held, the licences held and the milestone report
 * with its matching-fund claim load on their own, each with its own error state.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useMemo } from "preact/hooks";
import type { Member } from "../../../../sdk/api/schemas";
import { api } from "../api";
import { ErrorBox } from "../components/error-box";
import { MemberAssets, type AssetSummary } from "../components/member-assets";
import { collect } from "../components/member-common";
import { MemberHeader } from "../components/member-header";
import { MemberLicences } from "../components/member-licences";
import { MemberReport } from "../components/member-report";
import { useI18n } from "../i18n";
import "../member.css";
import { href } from "../router";
import { useLoad } from "../use-load";

export function MemberPage({ address, from, to }: { address: string; from: string; to: string }) {
  const { t } = useI18n();
  const [loaded, retry] = useLoad(() => api.member(address), [address]);
  const name = loaded.state === "done" ? loaded.value.name : address;

  useEffect(() => {
    document.title = `${name} · ${t.memberTitle} · 数据确权登记簿 · Data Rights Ledger`;
  }, [name, t]);

  if (loaded.state === "loading") {
    return (
      <div aria-live="polite" aria-busy="true">
        <h1>{t.memberTitle}</h1>
        <p class="loading">{t.loading}</p>
      </div>
    );
  }
  if (loaded.state === "failed") {
    const notFound = loaded.failure.kind === "notFound";
    return (
      <div aria-live="polite">
        <h1>{t.memberTitle}</h1>
        <ErrorBox failure={loaded.failure} notFoundText={t.memberNotFound(address)} onRetry={retry} backToSearch />
        {notFound && (
          <p>
            <a href={href.search(address)} data-testid="member-search-address">
              {t.memberSearchAddress}
            </a>
          </p>
        )}
      </div>
    );
  }
  return <MemberView member={loaded.value} address={address} from={from} to={to} />;
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function MemberView({ member, address, from, to }: { member: Member; address: string; from: string; to: string }) {
  const { t } = useI18n();
  // Loaded here, not in its section: the report names its assets from the same list.
  const [assets, retryAssets] = useLoad(() => collect(api.allMemberAssets(member.address)), [member.address]);
  const byId = useMemo(() => new Map<string, AssetSummary>(assets.state === "done" ? assets.value.map((a) => [a.id, a]) : []), [assets]);
  return (
    <article class="member" aria-labelledby="member-name">
      <MemberHeader member={member} />
      <div class="member-sections">
        <Section id="member-assets-heading" title={t.memberAssetsHeading}>
          <MemberAssets loaded={assets} onRetry={retryAssets} />
        </Section>
        <Section id="member-licences-heading" title={t.memberLicencesHeading}>
          <MemberLicences address={member.address} />
        </Section>
        <Section id="member-report-heading" title={t.memberReportHeading}>
          <MemberReport address={address} apiAddress={member.address} from={from} to={to} assets={byId} />
        </Section>
      </div>
    </article>
  );
}
