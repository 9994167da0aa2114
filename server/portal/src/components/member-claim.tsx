/**
 * The claim summary: the rule's parameters, the period's matching before the cap, what earlier
 * firsts drew on the cap, the claim with the cap applied (and a note when the cap cut it), and
 * the CSV download (the same `claimCsv` text as `drl report milestones --csv`).
 */
import { claimCsv, formatMinorUnits, type Claim } from "../../../../sdk/incentives/claim";
import { useI18n } from "../i18n";
import { Fields } from "./values";

/** Offer a text as a file: a Blob behind a transient `<a download>`. */
function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Some browsers read the blob after click() returns: let it go a little later.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ClaimSummary({ claim, fileName }: { claim: Claim; fileName: string }) {
  const { t } = useI18n();
  const r = claim.rule;
  const tot = claim.totals;
  const major = (minor: string) => formatMinorUnits(minor, r.minorUnitDigits);
  const money = (minor: string) => `${major(minor)} ${r.currency}`;
  const capCut = BigInt(tot.claim) < BigInt(tot.matching);
  return (
    <div class="member-claim" data-testid="member-claim">
      <div class="member-claim-part">
        <h4>{t.memberRuleHeading}</h4>
        <Fields
          rows={[
            [t.memberRuleNational, <span data-testid="member-ratio-national">1:{r.ratios.national}</span>],
            [t.memberRuleMunicipal, <span data-testid="member-ratio-municipal">1:{r.ratios.municipal}</span>],
            [t.memberRuleCap, <span data-testid="member-cap">{t.memberCapPerEnterprise(money(tot.cap))}</span>],
            [t.memberRulePolicy, <span data-testid="member-policy">{r.policy}</span>],
          ]}
        />
        <p class="help">{t.memberRatioNote}</p>
      </div>
      <div class="member-claim-part">
        <h4>{t.memberTotalsHeading}</h4>
        <Fields
          rows={[
            [t.memberTotalMatching, <span data-testid="member-claim-matching">{money(tot.matching)}</span>],
            [t.memberCapUsedBefore, <span data-testid="member-claim-used-before">{money(tot.capUsedBefore)}</span>],
            [
              t.memberClaimTotal,
              <strong class="member-claim-total">
                <span data-testid="member-claim-total">{major(tot.claim)}</span> <span class="member-currency">{r.currency}</span>
              </strong>,
            ],
            [t.memberCapRemaining, <span data-testid="member-cap-remaining">{money(tot.capRemaining)}</span>],
          ]}
        />
        {capCut && (
          <p class="member-cap-applied" data-testid="member-cap-applied">
            {t.memberCapApplied(money(tot.matching), money(tot.claim), money(tot.cap), money(tot.capUsedBefore))}
          </p>
        )}
        <p class="note">{t.memberAnnulledNote}</p>
        <p class="note">{t.memberCapNote}</p>
      </div>
      <p class="actions member-csv-actions">
        <button type="button" data-testid="member-csv" aria-describedby="member-csv-help" onClick={() => downloadText(claimCsv(claim), fileName, "text/csv;charset=utf-8")}>
          {t.memberDownloadCsv}
        </button>
        <span id="member-csv-help" class="help">
          {t.memberCsvHelp}
        </span>
      </p>
    </div>
  );
}
