/**
 * The milestone report for a period, with the matching-fund claim: a form of two dates that
 * puts the period in the URL (so a report can be linked and reloaded), then every first up to
 * the period's end (the cap is cumulative, so earlier firsts count too) and the server's rule,
 * from which `computeClaim` works out the claim exactly as the CLI does.
 */
import { useLayoutEffect, useMemo, useState } from "preact/hooks";
import { computeClaim } from "../../../../sdk/incentives/claim";
import { api } from "../api";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { href } from "../router";
import { useLoad } from "../use-load";
import { ErrorBox } from "./error-box";
import type { AssetSummary } from "./member-assets";
import { ClaimSummary } from "./member-claim";
import { checkPeriod, collect, periodErrorText, type PeriodError, type PeriodField } from "./member-common";
import { MilestoneTable } from "./member-milestones";
import { FormField } from "./form-field";

export function MemberReport({
  address,
  apiAddress,
  from,
  to,
  assets,
}: {
  /** As the URL gives it: the form's links keep it, so the page is not reloaded. */
  address: string;
  /** The member's own (checksummed) address, for the API and the file name. */
  apiAddress: string;
  from: string;
  to: string;
  assets: ReadonlyMap<string, AssetSummary>;
}) {
  const { t } = useI18n();
  const [fromText, setFromText] = useState(from);
  const [toText, setToText] = useState(to);
  /** A refusal of what the form holds (before it reached the URL). */
  const [formError, setFormError] = useState<PeriodError | null>(null);
  const [attempt, setAttempt] = useState(0);

  // The form follows the URL (back and forward, a pasted link), in the route change's own commit.
  useLayoutEffect(() => {
    setFromText(from);
    setToText(to);
    setFormError(null);
  }, [from, to]);

  const period = checkPeriod(from, to);
  const error = formError ?? (period.ok ? null : period.error);

  function submit(e: Event) {
    e.preventDefault();
    const f = fromText.trim();
    const tt = toText.trim();
    const checked = checkPeriod(f, tt);
    if (!checked.ok) {
      setFormError(checked.error);
      document.getElementById(`member-${checked.error.field}`)?.focus();
      return;
    }
    setFormError(null);
    const next = href.member(address, { from: f, to: tt });
    // The same period again: the hash does not change, so ask again explicitly.
    if (window.location.hash === next) setAttempt((n) => n + 1);
    else window.location.hash = next;
  }

  const fieldError = (field: PeriodField) => (error !== null && error.field === field ? periodErrorText(t, error) : null);
  const describedBy = (field: PeriodField) => [`member-${field}-help`, fieldError(field) !== null && `member-${field}-error`].filter(Boolean).join(" ");

  return (
    <>
      <p class="hint">{t.memberReportIntro}</p>
      <form class="member-period" onSubmit={submit} noValidate>
        <fieldset>
          <legend>{t.memberPeriodLegend}</legend>
          <div class="member-period-fields">
            <DateField field="from" label={t.memberFrom} help={t.memberFromHelp} value={fromText} onInput={setFromText} describedBy={describedBy("from")} error={fieldError("from")} />
            <DateField field="to" label={t.memberTo} help={t.memberToHelp} value={toText} onInput={setToText} describedBy={describedBy("to")} error={fieldError("to")} />
          </div>
          <p class="actions">
            <button type="submit" data-testid="member-period-submit">
              {t.memberShowReport}
            </button>
          </p>
        </fieldset>
      </form>

      {period.ok ? (
        <ReportResult
          apiAddress={apiAddress}
          from={period.from}
          to={period.to}
          fromText={from}
          toText={to}
          attempt={attempt}
          onRetry={() => setAttempt((n) => n + 1)}
          assets={assets}
        />
      ) : (
        <p class="hint" data-testid="member-report-invalid">
          {t.memberFixPeriod}
        </p>
      )}
    </>
  );
}

function DateField(props: {
  field: PeriodField;
  label: string;
  help: string;
  value: string;
  onInput: (v: string) => void;
  describedBy: string;
  error: string | null;
}) {
  const id = `member-${props.field}`;
  return (
    <FormField
      id={id}
      name={props.field}
      label={props.label}
      help={props.help}
      type="date"
      value={props.value}
      onInput={props.onInput}
      describedBy={props.describedBy}
      invalid={props.error !== null}
      error={
        props.error !== null && (
          <p id={`${id}-error`} class="field-error" data-testid={`${id}-error`}>
            {props.error}
          </p>
        )
      }
    />
  );
}

function ReportResult(props: {
  apiAddress: string;
  from: number | null;
  to: number | null;
  fromText: string;
  toText: string;
  attempt: number;
  onRetry: () => void;
  assets: ReadonlyMap<string, AssetSummary>;
}) {
  const { t } = useI18n();
  const { apiAddress, from, to } = props;
  // Every first up to the period's end, not only those in it: the cap is cumulative.
  const [loaded] = useLoad(
    () => Promise.all([api.config(), collect(api.allMilestones(apiAddress, to === null ? {} : { to }))]),
    [apiAddress, to, props.attempt],
  );
  const claim = useMemo(() => (loaded.state === "done" ? computeClaim(loaded.value[1], loaded.value[0].matchingRule, { from, to }) : null), [loaded, from, to]);
  const fileName = `milestones-${apiAddress}-${props.fromText || "start"}-${props.toText || "latest"}.csv`;

  return (
    <div class="member-report" aria-live="polite" aria-busy={loaded.state === "loading"}>
      {loaded.state === "loading" && <p class="loading">{t.memberReportLoading}</p>}
      {loaded.state === "failed" && <ErrorBox failure={loaded.failure} onRetry={props.onRetry} />}
      {claim !== null && (
        <>
          <p class="member-period-text" data-testid="member-period">
            {t.memberPeriodText(props.fromText, props.toText)}
            {(from !== null || to !== null) && (
              <span class="member-bounds note">
                {from !== null && (
                  <span>
                    {t.memberPeriodStart}: <Time unix={from} />
                  </span>
                )}
                {to !== null && (
                  <span>
                    {t.memberPeriodEnd}: <Time unix={to} />
                  </span>
                )}
              </span>
            )}
          </p>
          <h3 id="member-firsts-heading">{t.memberFirstsHeading}</h3>
          <MilestoneTable claim={claim} assets={props.assets} />
          <h3 id="member-claim-heading">{t.memberClaimHeading}</h3>
          <ClaimSummary claim={claim} fileName={fileName} />
        </>
      )}
    </div>
  );
}
