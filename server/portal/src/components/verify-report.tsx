/**
 * What the verify page shows of a certificate and its verification: what was loaded
 * (`verify-loaded`), the seven checks in the issue's order, each waiting until the verifier
 * gets to it and then passed, failed, not run or could-not-run with its reason and field
 * (`verify-checks`), and the verdict in words, failures first (`verify-verdict-word`,
 * `verify-verdict`), with the changes since the anchor block and the report's details.
 */
import type { VerifyPayload } from "../../../../sdk/certs/payload";
import { CHECK_IDS, checkNumber, type CheckEntry, type CheckId, type VerificationReport } from "../../../../sdk/certs/report";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import type { ShownStatus } from "../i18n-verify";
import { Badge, type Tone } from "./badge";
import { Fields, Mono, type Row } from "./values";

/** The certificate the page has: a file's parsed JSON, or a decoded QR payload. */
export type LoadedCert = { source: "file"; name: string; json: object } | { source: "payload"; text: string; payload: VerifyPayload };

const STATUS_TONE: Record<ShownStatus, Tone> = { pending: "info", passed: "ok", failed: "danger", notRun: "muted", error: "warn" };
const VERDICT_TONE: Record<VerificationReport["verdict"], Tone> = { VALID: "ok", VALID_BUT_SUPERSEDED: "warn", INVALID: "danger", ERROR: "dark" };

// ─── What was loaded ──────────────────────────────────────────────────────────────────────

function at(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const k of path) cur = cur !== null && typeof cur === "object" && !Array.isArray(cur) ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

function text(v: unknown): string | null {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

/** What a certificate file says about itself, read leniently (check 1 is the strict reading). */
function factsOfJson(json: object) {
  const type = at(json, "type");
  const second = Array.isArray(type) ? type[1] : undefined;
  const kind = second === "LicenceCertificate" ? "licence" : second === "DataRightsCertificate" ? "asset" : null;
  const cs = at(json, "credentialSubject");
  return {
    kind,
    name: text(at(cs, "name")) ?? text(at(cs, "asset", "name")),
    registrationNumber: text(at(cs, "registrationNumber")) ?? text(at(cs, "asset", "registrationNumber")),
    assetId: text(at(cs, "tokenId")) ?? text(at(cs, "asset", "assetId")),
    licenceId: text(at(cs, "licenceId")),
    block: text(at(cs, "anchor", "blockNumber")),
    chainId: text(at(cs, "anchor", "chainId")),
    issuer: text(at(json, "issuer")),
    holder: text(at(cs, "holder", "address")),
    holderName: text(at(cs, "holder", "memberName")),
  } as const;
}

export function LoadedSummary({ cert }: { cert: LoadedCert }) {
  const { t } = useI18n();
  let rows: Row[];
  if (cert.source === "payload") {
    const p = cert.payload;
    rows = [
      [t.verifyKind, t.verifyKindName[p.k]],
      [p.k === "licence" ? t.verifyLicenceId : t.verifyAssetId, <Mono testId="verify-loaded-id">{p.id}</Mono>],
      [t.verifyAnchorBlock, <span data-testid="verify-loaded-block">{p.block}</span>],
      [t.verifyIssuer, <Mono testId="verify-loaded-issuer">{p.iss}</Mono>],
      [t.verifyChain, String(p.chainId)],
      [t.verifyCertHash, <Mono>{p.hash}</Mono>],
    ];
  } else {
    const f = factsOfJson(cert.json);
    rows = [
      f.kind !== null && [t.verifyKind, t.verifyKindName[f.kind]],
      f.name !== null && [t.verifyAssetName, <span>{f.registrationNumber ? `${f.name} (${f.registrationNumber})` : f.name}</span>],
      f.name === null && f.registrationNumber !== null && [t.registrationNumber, f.registrationNumber],
      f.assetId !== null && [t.verifyAssetId, <Mono testId={f.kind === "licence" ? undefined : "verify-loaded-id"}>{f.assetId}</Mono>],
      f.licenceId !== null && [t.verifyLicenceId, <Mono testId="verify-loaded-id">{f.licenceId}</Mono>],
      f.block !== null && [t.verifyAnchorBlock, <span data-testid="verify-loaded-block">{f.block}</span>],
      f.issuer !== null && [t.verifyIssuer, <Mono testId="verify-loaded-issuer">{f.issuer}</Mono>],
      f.holder !== null && [t.verifyHolder, <Mono>{f.holderName ? `${f.holderName} · ${f.holder}` : f.holder}</Mono>],
      f.chainId !== null && [t.verifyChain, f.chainId],
    ];
  }
  return (
    <section class="verify-loaded panel" data-testid="verify-loaded" data-source={cert.source} aria-labelledby="verify-loaded-heading">
      <h2 id="verify-loaded-heading">{t.verifyLoadedHeading}</h2>
      <p class="hint">{cert.source === "file" ? t.verifyFromFile(cert.name) : t.verifyFromPayload}</p>
      <Fields rows={rows} />
    </section>
  );
}

// ─── The checks ───────────────────────────────────────────────────────────────────────────

export function CheckList({ checks }: { checks: Partial<Record<CheckId, CheckEntry>> }) {
  const { t } = useI18n();
  return (
    <>
      <h2 id="verify-checks-heading">{t.verifyChecksHeading}</h2>
      <ol class="cards verify-checks" data-testid="verify-checks" aria-labelledby="verify-checks-heading">
        {CHECK_IDS.map((id) => {
          const entry = checks[id];
          const status: ShownStatus = entry?.status ?? "pending";
          return (
            <li key={id} class={`card verify-check verify-check-${status}`} data-check={id} data-status={status}>
              <p class="card-title verify-check-title">
                <span class="verify-check-number">{t.verifyCheckNumber(checkNumber(id))}</span>
                <span>{t.verifyCheckTitle[id]}</span>
                <Badge tone={STATUS_TONE[status]}>{t.verifyStatusName[status]}</Badge>
              </p>
              {entry ? (
                <p class="verify-reason" lang="en">
                  {entry.reason}
                </p>
              ) : (
                <p class="hint">{t.verifyWaitingReason}</p>
              )}
              {entry?.field !== undefined && (
                <p class="verify-field">
                  {t.verifyField}: <Mono testId="verify-check-field">{entry.field}</Mono>
                </p>
              )}
            </li>
          );
        })}
      </ol>
    </>
  );
}

// ─── The verdict ──────────────────────────────────────────────────────────────────────────

/** The failed check a judge reads first: the one naming a field, as the SDK's summary picks it. */
function primaryFailure(checks: readonly CheckEntry[]): CheckEntry | undefined {
  const failed = checks.filter((c) => c.status === "failed");
  return failed.find((c) => c.field !== undefined) ?? failed[0];
}

function useVerdictSentence(report: VerificationReport): string {
  const { t } = useI18n();
  const checks = report.checks;
  const data = checks.find((c) => c.id === "data");
  const dataLine = data?.status === "passed" ? ` ${t.verifyDataMatched}` : data?.status === "notRun" ? ` ${t.verifyDataNotGiven}` : "";
  const block = report.anchorBlock ?? 0;
  switch (report.verdict) {
    case "VALID":
      return `${t.verifyValid(block)}${report.headBlock !== null ? ` ${t.verifyValidHead(report.headBlock)}` : ""}${dataLine}`;
    case "VALID_BUT_SUPERSEDED":
      return `${t.verifySuperseded(block, report.changes.length)}${dataLine}`;
    case "INVALID": {
      const first = primaryFailure(checks);
      const others = checks.filter((c) => c.status === "failed").length - 1;
      const main = first ? t.verifyInvalid(checkNumber(first.id), t.verifyCheckTitle[first.id], first.field ?? null) : t.verifyInvalid(0, "", null);
      return others > 0 ? `${main} ${t.verifyInvalidMore(others)}` : main;
    }
    case "ERROR": {
      const kind = checks.find((c) => c.status === "error")?.errorKind;
      return kind === "wrongChain" ? t.verifyErrorWrongChain : kind === "behind" ? t.verifyErrorBehind : t.verifyError;
    }
  }
}

/** One failed (or could-not-run) check in the verdict's summary: title, field, reason. */
function Failure({ entry }: { entry: CheckEntry }) {
  const { t } = useI18n();
  return (
    <li data-check={entry.id}>
      <p class="verify-failure-title">
        <strong>
          {t.verifyCheckNumber(checkNumber(entry.id))} · {t.verifyCheckTitle[entry.id]}
        </strong>
        {entry.field !== undefined && (
          <>
            {" "}
            — {t.verifyField} <Mono>{entry.field}</Mono>
          </>
        )}
      </p>
      <p class="verify-reason" lang="en">
        {entry.reason}
      </p>
    </li>
  );
}

export function VerifyVerdict({ report }: { report: VerificationReport }) {
  const { t } = useI18n();
  const sentence = useVerdictSentence(report);
  // Failures first: what failed, then what could not run (the full list in order is below).
  const failed = report.checks.filter((c) => c.status === "failed");
  const primary = primaryFailure(report.checks);
  const failedFirst = primary ? [primary, ...failed.filter((c) => c !== primary)] : failed;
  const errored = report.checks.filter((c) => c.status === "error");
  const ok = report.verdict === "VALID" || report.verdict === "VALID_BUT_SUPERSEDED";
  return (
    <div class={`verdict verify-verdict verify-verdict-${report.verdict.toLowerCase()}`} data-verdict={report.verdict}>
      <h2 id="verify-verdict-heading" class="verdict-heading">
        <span class="visually-hidden">{t.verifyVerdictHeading}: </span>
        <Badge tone={VERDICT_TONE[report.verdict]} testId="verify-verdict-word">
          {report.verdict}
        </Badge>{" "}
        <span class="verdict-other">{t.verifyVerdictName[report.verdict]}</span>
      </h2>
      <p class={ok ? "verify-sentence" : "verify-sentence verify-sentence-bad"} data-testid="verify-verdict">
        {sentence}
      </p>
      {failedFirst.length > 0 && (
        <>
          <h3>{t.verifyFailedHeading}</h3>
          <ul class="verify-failures" data-testid="verify-failures">
            {failedFirst.map((c) => (
              <Failure key={c.id} entry={c} />
            ))}
          </ul>
        </>
      )}
      {errored.length > 0 && (
        <>
          <h3>{t.verifyErroredHeading}</h3>
          <ul class="verify-failures" data-testid="verify-errors">
            {errored.map((c) => (
              <Failure key={c.id} entry={c} />
            ))}
          </ul>
        </>
      )}
      {report.changes.length > 0 && <Changes changes={report.changes} />}
      <ReportDetails report={report} />
    </div>
  );
}

function Changes({ changes }: { changes: VerificationReport["changes"] }) {
  const { t } = useI18n();
  return (
    <>
      <h3 id="verify-changes-heading">{t.verifyChangesHeading}</h3>
      <ol class="verify-changes" data-testid="verify-changes" aria-labelledby="verify-changes-heading">
        {changes.map((c, i) => (
          <li key={`${c.kind}-${c.blockNumber}-${c.txHash ?? ""}-${i}`} data-kind={c.kind}>
            <p class="verify-change-head">
              <strong>{t.verifyChangeKind[c.kind]}</strong> · {t.verifyChangeBlock(c.blockNumber)} · <code class="reason-code">{c.event}</code>
            </p>
            <p class="verify-change-detail" lang="en">
              {c.detail}
            </p>
            <p class="verify-change-tx">
              {t.tx}: {c.txHash === null ? <span class="none">{t.verifyExpiryNoTx}</span> : <Mono>{c.txHash}</Mono>}
            </p>
          </li>
        ))}
      </ol>
    </>
  );
}

function ReportDetails({ report }: { report: VerificationReport }) {
  const { t } = useI18n();
  const checkedAt = Date.parse(report.checkedAt);
  return (
    <>
      <h3>{t.verifyDetailsHeading}</h3>
      <Fields
        rows={[
          [t.verifyCheckedAt, Number.isFinite(checkedAt) ? <Time unix={Math.floor(checkedAt / 1000)} /> : report.checkedAt],
          report.certificateHash !== null && [t.verifyCertHash, <Mono testId="verify-cert-hash">{report.certificateHash}</Mono>],
          report.issuer !== null && [t.verifyIssuer, <Mono>{report.issuer}</Mono>],
          report.anchorBlock !== null && [t.verifyAnchorBlock, <span data-testid="verify-anchor-block">{report.anchorBlock}</span>],
          report.headBlock !== null && [t.verifyHeadBlock, String(report.headBlock)],
          [t.verifyCost, t.verifyCostValue(report.rpcCalls, report.httpRequests)],
          [t.verifySummary, <span lang="en">{report.summary}</span>],
        ]}
      />
    </>
  );
}
