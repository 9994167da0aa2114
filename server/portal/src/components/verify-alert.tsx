/**
 * The verify page's own problems (a file that is not a certificate, a broken QR payload, a
 * dataset that cannot be read), in the same box as ErrorBox (`role="alert"`,
 * `data-testid="error"`): what is wrong in the reader's language, the technical detail (the
 * SDK's or the browser's English) under it, and a way on where there is one.
 */
import type { ComponentChildren } from "preact";
import { useI18n } from "../i18n";

export interface Problem {
  /** In the reader's language. */
  text: string;
  /** The SDK's or the browser's own message (English), if any. */
  detail?: string;
}

export function VerifyAlert({ id, problem, action }: { id?: string; problem: Problem; action?: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <div id={id} class="error" role="alert" data-testid="error">
      <p class="error-title">{t.errorTitle}</p>
      <p>{problem.text}</p>
      {problem.detail !== undefined && problem.detail !== "" && (
        <p class="detail" lang="en">
          {problem.detail}
        </p>
      )}
      {action !== undefined && <p class="actions">{action}</p>}
    </div>
  );
}
