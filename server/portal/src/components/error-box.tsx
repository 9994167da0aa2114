/**
 * Every error a page shows, in one box (`data-testid="error"`): what happened in the reader's
 * language, the API's own message where it has one, and a way on (retry, or back to search).
 */
import type { ComponentChildren } from "preact";
import type { Failure } from "../api";
import { useI18n } from "../i18n";
import { href } from "../router";

export function ErrorBox({
  failure,
  notFoundText,
  onRetry,
  backToSearch = false,
}: {
  failure: Failure;
  /** What "not found" means on this page (e.g. "no asset DR-… in the ledger"). */
  notFoundText?: string;
  onRetry?: () => void;
  backToSearch?: boolean;
}) {
  const { t } = useI18n();
  let body: ComponentChildren;
  switch (failure.kind) {
    case "notFound":
      body = <p>{notFoundText ?? <span lang="en">{failure.message}</span>}</p>;
      break;
    case "badRequest":
      body = (
        <>
          <p>
            {t.badRequest} <span lang="en">{failure.message}</span>
          </p>
          {failure.field !== undefined && (
            <p>
              {t.badField(failure.field)}
            </p>
          )}
        </>
      );
      break;
    case "unavailable":
      body = (
        <>
          <p>{t.unavailable}</p>
          <p class="detail" lang="en">{failure.detail}</p>
        </>
      );
      break;
    case "unexpected":
      body = (
        <>
          <p>{t.unexpectedAnswer}</p>
          <p class="detail" lang="en">{failure.detail}</p>
        </>
      );
      break;
    case "http":
      body = (
        <p>
          {t.requestFailed(failure.status)} <span lang="en">{failure.message}</span>
        </p>
      );
      break;
  }
  // Retrying a request the API refused as malformed or unknown would get the same answer.
  const retryable = failure.kind === "unavailable" || failure.kind === "unexpected" || failure.kind === "http";
  return (
    <div class="error" role="alert" data-testid="error">
      <p class="error-title">{t.errorTitle}</p>
      {body}
      {(retryable && onRetry) || backToSearch ? (
        <p class="actions">
          {retryable && onRetry && (
            <button type="button" onClick={onRetry}>
              {t.retry}
            </button>
          )}
          {backToSearch && <a href={href.search()}>{t.backToSearch}</a>}
        </p>
      ) : null}
    </div>
  );
}
